package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
	"pop3lab/sim/sample"
	"pop3lab/sim/secure/stdtls"
	"pop3lab/sim/server"
)

var alice = Settings{Username: "alice", Password: "wonderland"}

// checkReport compares the counters, TLS and warnings of a Report.
func checkReport(t *testing.T, rep Report, fetched, skipped, deleted int, tlsMode string, warnings ...string) {
	t.Helper()
	if rep.Fetched != fetched || rep.Skipped != skipped || rep.Deleted != deleted || rep.TLS != tlsMode || !reflect.DeepEqual(rep.Warnings, warnings) {
		t.Fatalf("report: fetched %d skipped %d deleted %d TLS %q warnings %q; want %d %d %d %q %q\nsteps:\n%s",
			rep.Fetched, rep.Skipped, rep.Deleted, rep.TLS, rep.Warnings, fetched, skipped, deleted, tlsMode, warnings, strings.Join(rep.Steps, "\n"))
	}
}

// TestDownloadAndDelete: every message is fetched into the local Maildir
// and deleted from the server at QUIT (RFC 1939 §6), over each transport.
func TestDownloadAndDelete(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		uids := e.serverUIDs()
		mc, _, _ := newMailClient(t, newClock(), alice)
		rep, err := mc.GetMail(tr.Dialer(t, e.srv, false))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 3, 0, 3, "none")
		e.events.waitClosed(t, 1)
		if got := e.serverUIDs(); len(got) != 0 {
			t.Fatalf("server keeps %v", got)
		}
		if got := localBodies(t, mc); !reflect.DeepEqual(got, pop3test.Wire) {
			t.Fatalf("local mailbox %q, want %q", got, pop3test.Wire)
		}
		// The deleted ids are forgotten: they are gone from the server.
		if mem, err := mc.Downloaded(); err != nil || len(mem) != 0 {
			t.Fatalf("UID memory %v %v, want empty", mem, err)
		}
		wantSteps := []string{
			"Greeting: +OK POP3 server ready ",
			`CAPA: TOP, USER, SASL PLAIN, RESP-CODES, AUTH-RESP-CODE, PIPELINING, EXPIRE NEVER, UIDL, IMPLEMENTATION pop3lab.`,
			`Policy "none": staying in plaintext; everything below crosses the network readable.`,
			"Logged in with USER alice and PASS: the password crossed the network in clear text.",
			fmt.Sprintf("STAT: 3 messages, %d octets on the server.", totalSize()),
			"UIDL: 3 unique ids; 0 already downloaded, 3 new.",
			fmt.Sprintf("RETR 1: message 1 (uid %s), %d octets, saved to the local mailbox.", uids[0], len(pop3test.Wire[0])),
			"DELE 1: download and delete; the server deletes it at QUIT.",
			fmt.Sprintf("RETR 2: message 2 (uid %s), %d octets, saved to the local mailbox.", uids[1], len(pop3test.Wire[1])),
			"DELE 2: download and delete; the server deletes it at QUIT.",
			fmt.Sprintf("RETR 3: message 3 (uid %s), %d octets, saved to the local mailbox.", uids[2], len(pop3test.Wire[2])),
			"DELE 3: download and delete; the server deletes it at QUIT.",
			"QUIT: the server entered UPDATE and deleted 3 messages (RFC 1939 §6).",
		}
		if len(rep.Steps) != len(wantSteps) || !strings.HasPrefix(rep.Steps[0], wantSteps[0]) || !reflect.DeepEqual(rep.Steps[1:], wantSteps[1:]) {
			t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(rep.Steps, "\n"), strings.Join(wantSteps, "\n"))
		}
		for _, s := range rep.Steps {
			if strings.Contains(s, "wonderland") {
				t.Fatalf("a step shows the password: %q", s)
			}
		}
	})
}

// wireForm returns a message as POP3 sends it: CRLF line endings and a
// final CRLF.
func wireForm(b []byte) string {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n") + "\n"
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// TestSampleMaildrop downloads the built-in sample account (dotted lines,
// a 2 MB attachment) byte-exact.
func TestSampleMaildrop(t *testing.T) {
	pop3test.RunWhole(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil)
		if err := sample.Populate(e.fsys, "mail", sample.User); err != nil {
			t.Fatal(err)
		}
		mc, _, _ := newMailClient(t, newClock(), Settings{Username: sample.User, Password: sample.Password})
		rep, err := mc.GetMail(tr.Dialer(t, e.srv, false))
		if err != nil {
			t.Fatal(err)
		}
		msgs := sample.Messages()
		checkReport(t, rep, len(msgs), 0, len(msgs), "none")
		got := localBodies(t, mc)
		if len(got) != len(msgs) {
			t.Fatalf("%d local messages, want %d", len(got), len(msgs))
		}
		for i, m := range msgs {
			if got[i] != wireForm(m) {
				t.Fatalf("sample message %d differs (%d octets, want %d)", i+1, len(got[i]), len(wireForm(m)))
			}
		}
		local, err := mc.LocalMessages()
		if err != nil {
			t.Fatal(err)
		}
		if l := local[len(local)-1]; l.Subject != "Q3 report (large attachment)" || l.From != "Finance Team <finance@pop3lab.example>" || l.Date != "Thu, 26 Nov 2026 07:45:00 +0000" || l.Size != int64(len(got[len(got)-1])) || l.Malformed {
			t.Fatalf("last local message %+v", l)
		}
	})
}

// TestLeaveOnServer: a second run downloads nothing, a third only the
// newly delivered message, and the UID memory survives a restart of the
// client (a new MailClient on the same file system).
func TestLeaveOnServer(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		clk := newClock()
		s := alice
		s.LeaveOnServer = true
		mc, local, fsys := newMailClient(t, clk, s)
		rep, err := mc.GetMail(tr.Dialer(t, e.srv, false))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 3, 0, 0, "none")
		e.events.waitClosed(t, 1)
		uids := e.serverUIDs()
		if len(uids) != 3 {
			t.Fatalf("server keeps %v, want 3 messages", uids)
		}

		// Restart: a new client on the same local storage.
		mc2, err := NewMailClient(Config{Settings: s, Mailbox: local, FS: fsys, Now: clk.Now, DeadlineClock: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		rep, err = mc2.GetMail(tr.Dialer(t, e.srv, false))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 0, 3, 0, "none")
		if want := "Skip message 1 (uid " + uids[0] + "): already downloaded on 2026-11-26 09:00:00."; !contains(rep.Steps, want) {
			t.Fatalf("steps lack %q:\n%s", want, strings.Join(rep.Steps, "\n"))
		}

		newMsg := "Subject: Fresh\r\n\r\nnew mail\r\n"
		newUID := e.deliver(newMsg)
		rep, err = mc2.GetMail(tr.Dialer(t, e.srv, false))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 1, 3, 0, "none")
		if got, want := localBodies(t, mc2), append(append([]string{}, pop3test.Wire...), newMsg); !reflect.DeepEqual(got, want) {
			t.Fatalf("local mailbox %q, want %q", got, want)
		}
		mem, err := mc2.Downloaded()
		if err != nil {
			t.Fatal(err)
		}
		first := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		want := map[string]time.Time{uids[0]: first, uids[1]: first, uids[2]: first, newUID: first.Add(time.Hour)}
		if len(mem) != len(want) {
			t.Fatalf("UID memory %v, want %v", mem, want)
		}
		for uid, tm := range want {
			if !mem[uid].Equal(tm) {
				t.Fatalf("UID memory %v, want %v", mem, want)
			}
		}
		// The memory file is the small JSON documented on memory.
		data, err := hackpadfs.ReadFile(fsys, DefaultMemoryFile)
		if err != nil || !strings.Contains(string(data), `"version": 1`) || !strings.Contains(string(data), `"`+newUID+`": "2026-11-26T10:00:00Z"`) {
			t.Fatalf("memory file %s %v", data, err)
		}
	})
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestDeleteAfterDays: with leave on server, messages first downloaded
// more than N days ago (by the client's clock) are deleted; younger ones
// stay.
func TestDeleteAfterDays(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		clk := newClock()
		s := alice
		s.LeaveOnServer, s.DeleteAfterDays = true, 7
		mc, _, _ := newMailClient(t, clk, s)
		runs := 0
		run := func(fetched, skipped, deleted, serverLeft int) {
			t.Helper()
			rep, err := mc.GetMail(tr.Dialer(t, e.srv, false))
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, fetched, skipped, deleted, "none")
			runs++
			e.events.waitClosed(t, runs)
			if got := len(e.serverUIDs()); got != serverLeft {
				t.Fatalf("server keeps %d messages, want %d", got, serverLeft)
			}
		}
		run(3, 0, 0, 3)
		clk.Advance(3 * 24 * time.Hour)
		e.deliver("Subject: Later\r\n\r\nlater\r\n")
		run(1, 3, 0, 4)
		clk.Advance(4 * 24 * time.Hour) // the first three are exactly 7 days old
		run(0, 4, 0, 4)
		clk.Advance(time.Second) // now more than 7 days
		run(0, 4, 3, 1)
		mem, err := mc.Downloaded()
		if err != nil || len(mem) != 1 {
			t.Fatalf("UID memory %v %v, want only the young message", mem, err)
		}
		clk.Advance(4 * 24 * time.Hour)
		run(0, 1, 1, 0)
		if got := localBodies(t, mc); len(got) != 4 {
			t.Fatalf("local mailbox has %d messages, want 4", len(got))
		}
	})
}

// TestBrokenSession: RFC 1939 §6, when the connection fails before QUIT
// the server deletes nothing; what was delivered locally stays, and the
// UID memory keeps the next session from duplicating it.
func TestBrokenSession(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		lost := "connection lost during QUIT: the server may or may not have deleted the 3 marked messages"
		tests := []struct {
			name       string
			leave      bool
			tamper     func() *tamper
			fetched1   int
			warnings1  []string
			fetched2   int
			skipped2   int
			deleted2   int
			serverLeft int
		}{
			// Download and delete: the QUIT never leaves, so the DELEs are
			// not committed. The retry deletes without fetching again.
			{"download and delete, cut at QUIT", false, func() *tamper { return &tamper{dropAt: "QUIT"} }, 3, []string{lost}, 0, 3, 3, 0},
			// Cut in the middle of the second message's body.
			{"download and delete, cut mid-RETR", false, func() *tamper { return &tamper{cutAfter: "RETR 2", cutAllow: 30} }, 1, nil, 2, 1, 3, 0},
			{"leave on server, cut mid-RETR", true, func() *tamper { return &tamper{cutAfter: "RETR 2", cutAllow: 30} }, 1, nil, 2, 1, 0, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, nil, pop3test.Messages...)
				uids := e.serverUIDs()
				s := alice
				s.LeaveOnServer = tt.leave
				mc, _, _ := newMailClient(t, newClock(), s)
				rep, err := mc.GetMail(wrap(tr.Dialer(t, e.srv, false), tt.tamper))
				if err == nil {
					t.Fatal("broken session reported no error")
				}
				checkReport(t, rep, tt.fetched1, 0, 0, "none", tt.warnings1...)
				if last := rep.Steps[len(rep.Steps)-1]; !strings.HasPrefix(last, "Session broken ") {
					t.Fatalf("last step %q", last)
				}
				e.events.waitClosed(t, 1)
				if got := e.serverUIDs(); !reflect.DeepEqual(got, uids) {
					t.Fatalf("server keeps %v, want all of %v", got, uids)
				}
				if got := localBodies(t, mc); !reflect.DeepEqual(got, pop3test.Wire[:tt.fetched1]) {
					t.Fatalf("local after the break: %q", got)
				}

				rep, err = mc.GetMail(tr.Dialer(t, e.srv, false))
				if err != nil {
					t.Fatal(err)
				}
				checkReport(t, rep, tt.fetched2, tt.skipped2, tt.deleted2, "none")
				e.events.waitClosed(t, 2)
				if got := len(e.serverUIDs()); got != tt.serverLeft {
					t.Fatalf("server keeps %d messages, want %d", got, tt.serverLeft)
				}
				// No duplicates.
				if got := localBodies(t, mc); !reflect.DeepEqual(got, pop3test.Wire) {
					t.Fatalf("local mailbox %q, want %q", got, pop3test.Wire)
				}
			})
		}
	})
}

// TestUIDLRefused: without UIDL, leave on server cannot tell old from new
// and warns; the second run duplicates (the lesson).
func TestUIDLRefused(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		noUIDL := wrap(tr.Dialer(t, e.srv, false), func() *tamper { return &tamper{rewriteOut: map[string]string{"UIDL\r\n": "UIDX\r\n"}} })
		s := alice
		s.LeaveOnServer = true
		mc, _, _ := newMailClient(t, newClock(), s)
		warn := "UIDL refused (Unknown command.): could not tell new messages from old ones; downloaded all of them (duplicates possible)"
		for run := 1; run <= 2; run++ {
			rep, err := mc.GetMail(noUIDL)
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, 3, 0, 0, "none", warn)
			e.events.waitClosed(t, run)
		}
		if got := localBodies(t, mc); len(got) != 6 {
			t.Fatalf("local mailbox has %d messages, want 6 (duplicates)", len(got))
		}
		// Download and delete still works without UIDL.
		s.LeaveOnServer = false
		mc.Settings = s
		rep, err := mc.GetMail(noUIDL)
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 3, 0, 3, "none")
	})
}

// TestCAPARefused: a server that refuses CAPA is taken to have no
// extensions (RFC 2449 §5), so no STLS: TLSIfOffered warns and goes on.
func TestCAPARefused(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		srvTLS, cliTLS := pop3test.TLS(t)
		e := newEnv(t, func(c *server.Config) { c.TLS = stdtls.Server(srvTLS) }, pop3test.Messages...)
		s := alice
		s.TLS, s.TLSClient = TLSIfOffered, stdtls.Client(cliTLS)
		mc, _, _ := newMailClient(t, newClock(), s)
		rep, err := mc.GetMail(wrap(tr.Dialer(t, e.srv, false), func() *tamper { return &tamper{rewriteOut: map[string]string{"CAPA\r\n": "CAPX\r\n"}} }))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 3, 0, 3, "none", WarnSTLSNotOffered)
		if want := "CAPA refused (-ERR Unknown command.): assuming no extensions."; rep.Steps[1] != want {
			t.Fatalf("step %q, want %q", rep.Steps[1], want)
		}
	})
}

// TestGetMailAuth logs in with each method (RFC 1939 §7, RFC 5034) and
// checks which commands the server saw.
func TestGetMailAuth(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		tests := []struct {
			auth     AuthMethod
			password string
			want     []string // server commands
			wantErr  bool
		}{
			{AuthUserPass, "wonderland", []string{"CAPA", "USER", "PASS", "STAT", "UIDL", "RETR", "DELE", "RETR", "DELE", "RETR", "DELE", "QUIT"}, false},
			{AuthAPOP, "wonderland", []string{"CAPA", "APOP", "STAT", "UIDL", "RETR", "DELE", "RETR", "DELE", "RETR", "DELE", "QUIT"}, false},
			{AuthPlain, "wonderland", []string{"CAPA", "AUTH", "STAT", "UIDL", "RETR", "DELE", "RETR", "DELE", "RETR", "DELE", "QUIT"}, false},
			{AuthUserPass, "wrong", []string{"CAPA", "USER", "PASS", "QUIT"}, true},
			{AuthAPOP, "wrong", []string{"CAPA", "APOP", "QUIT"}, true},
			{AuthPlain, "wrong", []string{"CAPA", "AUTH", "QUIT"}, true},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s", tt.auth, tt.password), func(t *testing.T) {
				e := newEnv(t, nil, pop3test.Messages...)
				s := alice
				s.Auth, s.Password = tt.auth, tt.password
				mc, _, _ := newMailClient(t, newClock(), s)
				rep, err := mc.GetMail(tr.Dialer(t, e.srv, false))
				e.events.waitClosed(t, 1)
				if got := e.events.commands(); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("server saw %v, want %v", got, tt.want)
				}
				if tt.wantErr {
					var se *ServerError
					if !errors.As(err, &se) || se.Status.Code != pop3.CodeAuth {
						t.Fatalf("got %v, want -ERR [AUTH]", err)
					}
					checkReport(t, rep, 0, 0, 0, "none")
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				checkReport(t, rep, 3, 0, 3, "none")
			})
		}
	})
}

// TestAPOPNeedsTimestamp: a greeting without a timestamp makes APOP
// impossible; the client says so and sends QUIT, no credentials.
func TestAPOPNeedsTimestamp(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		stripTS := wrap(tr.Dialer(t, e.srv, false), func() *tamper { return &tamper{rewriteIn: [2]string{"<", "("}} })
		s := alice
		s.Auth = AuthAPOP
		mc, _, _ := newMailClient(t, newClock(), s)
		_, err := mc.GetMail(stripTS)
		if !errors.Is(err, ErrNoTimestamp) {
			t.Fatalf("got %v, want ErrNoTimestamp", err)
		}
		e.events.waitClosed(t, 1)
		if got := e.events.commands(); !reflect.DeepEqual(got, []string{"CAPA", "QUIT"}) {
			t.Fatalf("server saw %v", got)
		}
	})
}

// TestSettingsValidate rejects contradictory settings before connecting.
func TestSettingsValidate(t *testing.T) {
	tests := []Settings{
		{},
		{Username: "a", TLS: TLSRequired},
		{Username: "a", DeleteAfterDays: 3},
		{Username: "a", LeaveOnServer: true, DeleteAfterDays: -1},
		{Username: "a", Auth: AuthMethod(9)},
		{Username: "a", TLS: TLSPolicy(9)},
	}
	for _, s := range tests {
		if err := s.Validate(); !errors.Is(err, ErrBadSettings) {
			t.Errorf("%+v: %v, want ErrBadSettings", s, err)
		}
	}
	dialed := false
	mc, _, _ := newMailClient(t, newClock(), tests[2])
	if _, err := mc.GetMail(func() (net.Conn, error) { dialed = true; return nil, io.EOF }); !errors.Is(err, ErrBadSettings) || dialed {
		t.Fatalf("GetMail with bad settings: %v, dialed %v", err, dialed)
	}
}

// TestBadMemory: an unreadable UID memory stops the client before it
// connects, rather than download everything again.
func TestBadMemory(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		mc, _, fsys := newMailClient(t, newClock(), alice)
		if err := hackpadfs.WriteFullFile(fsys, DefaultMemoryFile, []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := mc.GetMail(tr.Dialer(t, e.srv, false)); !errors.Is(err, ErrBadMemory) {
			t.Fatalf("got %v, want ErrBadMemory", err)
		}
		if n := len(e.events.commands()); n != 0 {
			t.Fatalf("the client connected anyway (%d commands)", n)
		}
	})
}

// TestPreviewHeaders: TOP n 0 for each message (RFC 1939 §7); a message
// with broken headers gives a Malformed preview, not an error; nothing is
// deleted.
func TestPreviewHeaders(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		broken := "this line is not a header\r\nSubject: late\r\n\r\nbody\r\n"
		encoded := "Subject: =?utf-8?q?Caf=C3=A9_menu?=\r\nFrom: =?utf-8?b?SsO8cmdlbg==?= <j@example.org>\r\n\r\nbody\r\n"
		e := newEnv(t, nil, pop3test.Messages...)
		s := alice
		s.LeaveOnServer = true
		mc, _, _ := newMailClient(t, newClock(), s)
		// Download the first three: previews mark them as downloaded.
		if _, err := mc.GetMail(tr.Dialer(t, e.srv, false)); err != nil {
			t.Fatal(err)
		}
		e.events.waitClosed(t, 1)
		e.deliver(broken)
		e.deliver(encoded)
		uids := e.serverUIDs()
		ps, rep, err := mc.PreviewHeaders(tr.Dialer(t, e.srv, false))
		if err != nil {
			t.Fatal(err)
		}
		e.events.waitClosed(t, 2)
		checkReport(t, rep, 0, 0, 0, "none")
		want := []Preview{
			{Number: 1, UID: uids[0], Size: int64(len(pop3test.Wire[0])), Downloaded: true, Headers: Headers{Subject: "Hello", From: "bob@example.org", Date: "Thu, 26 Nov 2026 09:00:00 +0000"}},
			{Number: 2, UID: uids[1], Size: int64(len(pop3test.Wire[1])), Downloaded: true, Headers: Headers{Subject: "Dots", From: "carol@example.org"}},
			{Number: 3, UID: uids[2], Size: int64(len(pop3test.Wire[2])), Downloaded: true, Headers: Headers{Subject: "No final newline"}},
			{Number: 4, UID: uids[3], Size: int64(len(broken)), Headers: Headers{Malformed: true, Raw: []string{"this line is not a header", "Subject: late", ""}}},
			{Number: 5, UID: uids[4], Size: int64(len(encoded)), Headers: Headers{Subject: "Café menu", From: "Jürgen <j@example.org>"}},
		}
		if !reflect.DeepEqual(ps, want) {
			t.Fatalf("previews:\n%+v\nwant:\n%+v", ps, want)
		}
		if got := len(e.serverUIDs()); got != 5 {
			t.Fatalf("server keeps %d messages, want 5", got)
		}
		if want := []string{"CAPA", "USER", "PASS", "LIST", "UIDL", "TOP", "TOP", "TOP", "TOP", "TOP", "QUIT"}; !reflect.DeepEqual(lastN(e.events.commands(), len(want)), want) {
			t.Fatalf("server saw %v", e.events.commands())
		}
	})
}

func lastN(s []string, n int) []string {
	if len(s) < n {
		return s
	}
	return s[len(s)-n:]
}

// TestLocalMessages lists the local Maildir with headers and reads a
// message back.
func TestLocalMessages(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		mc, local, _ := newMailClient(t, newClock(), alice)
		if _, err := mc.GetMail(tr.Dialer(t, e.srv, false)); err != nil {
			t.Fatal(err)
		}
		msgs, err := mc.LocalMessages()
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 3 {
			t.Fatalf("%d local messages", len(msgs))
		}
		got := []Headers{msgs[0].Headers, msgs[1].Headers, msgs[2].Headers}
		want := []Headers{
			{Subject: "Hello", From: "bob@example.org", Date: "Thu, 26 Nov 2026 09:00:00 +0000"},
			{Subject: "Dots", From: "carol@example.org"},
			{Subject: "No final newline"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("headers %+v, want %+v", got, want)
		}
		for i, m := range msgs {
			if m.Number != i+1 || m.Size != int64(len(pop3test.Wire[i])) || !maildropValidUID(m.UID) || m.Name == "" {
				t.Fatalf("local message %+v", m)
			}
		}
		b, err := mc.ReadLocal(msgs[1].UID)
		if err != nil || !bytes.Equal(b, []byte(pop3test.Wire[1])) {
			t.Fatalf("ReadLocal = %q %v", b, err)
		}
		if _, err := mc.ReadLocal("no-such-uid"); !errors.Is(err, maildrop.ErrNoSuchMessage) {
			t.Fatalf("ReadLocal of a missing uid: %v", err)
		}
		// The views do not hold the local lock.
		md, err := local.Open(DefaultMailboxUser)
		if err != nil {
			t.Fatalf("local mailbox still locked: %v", err)
		}
		md.Close()
	})
}

func maildropValidUID(s string) bool { return pop3.ValidUID(s) }
