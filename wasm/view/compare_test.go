package view

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"

	"pop3lab/sim"
	"pop3lab/sim/client"
	"pop3lab/sim/eavesdrop"
	"pop3lab/sim/maildrop"
	"pop3lab/sim/sample"
	"pop3lab/sim/secure/stdtls"
)

// smallMaildrop delivers two short messages, the second with a line that
// is dot-stuffed on the wire, so that the runs stay quick.
func smallMaildrop(serverFS, _ hackpadfs.FS) error {
	store := maildrop.NewStore(serverFS, "", maildrop.Options{Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }, Hostname: "mx.pop3lab.example"})
	for _, m := range []string{
		"From: bob@pop3lab.example\r\nSubject: hi\r\n\r\nHello.\r\n",
		"From: bob@pop3lab.example\r\nSubject: dots\r\n\r\n.hidden\r\nend\r\n",
	} {
		if _, err := store.Deliver(sample.User, strings.NewReader(m)); err != nil {
			return err
		}
	}
	return nil
}

// learned renders the four findings of a column in one line each.
func learned(l eavesdrop.Learned) string {
	f := func(name string, x eavesdrop.Finding) string {
		yes := "no"
		if x.Seen {
			yes = "yes"
		}
		s := fmt.Sprintf("%s: %s: %s", name, yes, x.Value)
		if x.Where != "" {
			s += " @ " + x.Where
		}
		return s
	}
	return strings.Join([]string{f("password", l.Password), f("user", l.User), f("server", l.ServerName), f("sizes", l.Sizes)}, "\n")
}

// TestCompare runs the four modes with each login the client knows and
// checks, column by column, what the eavesdropper learns.
func TestCompare(t *testing.T) {
	const (
		// The two messages: 27+13+2+8 and 27+15+2+9+5 octets with CRLF
		// (RFC 1939 §11: the stuffed dot of ".hidden" is not counted).
		sizes    = "sizes: yes: exactly, from the messages read in the clear: 50, 58 octets"
		sni      = "server: yes: mail.pop3lab.example @ ClientHello, connection 1, segment "
		noSNI    = "server: no: no ClientHello names it"
		noUser   = "user: no: no"
		noPass   = "password: no: no"
		tlsSizes = "sizes: yes: roughly, from record lengths: "
	)
	for _, tc := range []struct {
		auth client.AuthMethod
		want [4][]string // per mode: lines the column's findings start with
	}{
		{client.AuthUserPass, [4][]string{
			{"password: yes: wonderland @ command PASS, connection 1, segment 6", "user: yes: alice @ command USER, connection 1, segment 4", noSNI, sizes + " @ RETR answer"},
			{noPass, noUser, sni + "6", tlsSizes},
			{noPass, noUser, sni + "1", tlsSizes},
			{"password: yes: wonderland @ command PASS", "user: yes: alice @ command USER", noSNI, sizes},
		}},
		{client.AuthAPOP, [4][]string{
			{"password: no: no: only the APOP digest ", "user: yes: alice @ command APOP", noSNI, sizes},
			{noPass, noUser, sni, tlsSizes},
			{noPass, noUser, sni, tlsSizes},
			{"password: no: no: only the APOP digest ", "user: yes: alice @ command APOP", noSNI, sizes},
		}},
		{client.AuthPlain, [4][]string{
			{"password: yes: wonderland @ command AUTH", "user: yes: alice @ command AUTH", noSNI, sizes},
			{noPass, noUser, sni, tlsSizes},
			{noPass, noUser, sni, tlsSizes},
			{"password: yes: wonderland @ command AUTH", "user: yes: alice @ command AUTH", noSNI, sizes},
		}},
	} {
		t.Run(tc.auth.String(), func(t *testing.T) {
			st := sim.DefaultSettings()
			st.Client.Auth = tc.auth
			st.Server.TLS = false // Compare turns it on
			cols, err := Compare(sim.Options{Seed: 3, Settings: &st, Setup: smallMaildrop})
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) != len(SecurityModes) {
				t.Fatalf("%d columns", len(cols))
			}
			for i, c := range cols {
				got := strings.Split(learned(c.Learned), "\n")
				for j, w := range tc.want[i] {
					if !strings.HasPrefix(got[j], w) {
						t.Errorf("%s, finding %d:\n got %s\nwant %s…", c.Mode.Name, j, got[j], w)
					}
				}
				if !strings.HasPrefix(c.Outcome, "downloaded 2, TLS: ") {
					t.Errorf("%s: outcome %q", c.Mode.Name, c.Outcome)
				}
				// A finding opens the span it came from.
				for _, f := range []eavesdrop.Finding{c.Learned.Password, c.Learned.User, c.Learned.ServerName} {
					if f.Seen && !findingLocates(c, f) {
						t.Errorf("%s: finding %+v does not locate a leaf", c.Mode.Name, f)
					}
				}
			}
		})
	}
}

// findingLocates reports whether f names a leaf span of a record the
// finding's segment carried.
func findingLocates(c Column, f eavesdrop.Finding) bool {
	v := NewByteView(f.Conn, c.Records[f.Conn-1], f.Segment)
	i, ok := v.Locate(ByteLink{Conn: f.Conn, Segment: f.Segment, Record: f.Record, Start: f.Start})
	return ok && v.Leaves[i].Span().Start == f.Start
}

// TestCompareWire checks the columns' wire summaries: who speaks TLS, and
// the attacker's rewritten CAPA in the stripped column only.
func TestCompareWire(t *testing.T) {
	cols, err := Compare(sim.Options{Seed: 3, Setup: smallMaildrop})
	if err != nil {
		t.Fatal(err)
	}
	kinds := func(c Column) string {
		var out []string
		for _, r := range c.Summary {
			out = append(out, fmt.Sprintf("%v %s ×%d", r.Dir, r.Kind, r.Records))
		}
		return strings.Join(out, "; ")
	}
	has := func(c Column, kind string) bool {
		for _, r := range c.Summary {
			if r.Kind == kind {
				return true
			}
		}
		return false
	}
	for i, want := range []struct{ tls, pop3, attacker bool }{
		{false, true, false}, {true, true, false}, {true, false, false}, {false, true, true},
	} {
		c := cols[i]
		if has(c, "TLS handshake") != want.tls || has(c, "POP3 line") != want.pop3 || has(c, "POP3 line, rewritten by the attacker") != want.attacker {
			t.Errorf("%s: %s", c.Mode.Name, kinds(c))
		}
		total := 0
		for _, r := range c.Summary {
			total += r.Bytes
		}
		var wireBytes int
		for _, segs := range c.Conns {
			for _, s := range segs {
				wireBytes += len(s.Payload)
			}
		}
		if total != wireBytes {
			t.Errorf("%s: the summary counts %d bytes, the wire carried %d", c.Mode.Name, total, wireBytes)
		}
	}
	// The plaintext column's first rows, exactly.
	if got := kinds(cols[0]); !strings.HasPrefix(got, "C->S SYN ×1; S->C POP3 line ×") {
		t.Errorf("plaintext summary %s", got)
	}
}

// BenchmarkCompare measures one side-by-side run: four fresh simulations
// of the sample maildrop's Get mail (2 MB, one large attachment), each
// annotated whole.
func BenchmarkCompare(b *testing.B) {
	if _, err := stdtls.SharedCertificate(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Compare(sim.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkModeRunPieces runs the comparison of the sample maildrop piece
// by piece, as the page does, and reports the longest piece: how long the
// page is busy at most between two turns of its event loop.
func BenchmarkModeRunPieces(b *testing.B) {
	if _, err := stdtls.SharedCertificate(); err != nil {
		b.Fatal(err)
	}
	var longest, longestGetMail, longestFindings time.Duration
	pieces := 0
	for b.Loop() {
		for _, m := range SecurityModes {
			r := NewModeRun(sim.Options{Seed: 1}, m)
			for done := false; !done; {
				getMail := r.s == nil
				start := time.Now()
				var err error
				if done, err = r.Step(); err != nil {
					b.Fatal(err)
				}
				switch took := time.Since(start); {
				case getMail:
					longestGetMail = max(longestGetMail, took)
				case done:
					longestFindings = max(longestFindings, took)
				default:
					longest = max(longest, took)
				}
				pieces++
			}
		}
	}
	b.ReportMetric(float64(longestGetMail.Milliseconds()), "longest-getmail-ms")
	b.ReportMetric(float64(longest.Milliseconds()), "longest-annotate-ms")
	b.ReportMetric(float64(longestFindings.Milliseconds()), "longest-findings-ms")
	b.ReportMetric(float64(pieces)/float64(b.N), "pieces/op")
}

// TestModeRun: a column computed piece by piece is the column Compare
// gives: the Get mail, one piece per connection, then the findings; Close
// stops an unfinished run.
func TestModeRun(t *testing.T) {
	opts := sim.Options{Seed: 3, Setup: smallMaildrop}
	cols, err := Compare(opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range SecurityModes {
		t.Run(m.Name, func(t *testing.T) {
			r := NewModeRun(opts, m)
			steps := 0
			for {
				done, err := r.Step()
				if err != nil {
					t.Fatal(err)
				}
				steps++
				if done {
					break
				}
			}
			want := cols[i]
			if steps != len(want.Conns)+2 {
				t.Errorf("%d steps, want %d (Get mail, %d connections, the findings)", steps, len(want.Conns)+2, len(want.Conns))
			}
			got := r.Column()
			// Byte counts vary from run to run (the greeting's timestamp,
			// the TLS handshake): compare the records by kind.
			kinds := func(rows []SummaryRow) string {
				var out []string
				for _, r := range rows {
					out = append(out, fmt.Sprintf("%v %s ×%d", r.Dir, r.Kind, r.Records))
				}
				return strings.Join(out, "; ")
			}
			// So do the lengths of encrypted answers, by a byte or two.
			rough := regexp.MustCompile(`roughly, .*`)
			if a, b := rough.ReplaceAllString(learned(got.Learned), "roughly"), rough.ReplaceAllString(learned(want.Learned), "roughly"); a != b || got.Outcome != want.Outcome || kinds(got.Summary) != kinds(want.Summary) || len(got.Records) != len(want.Records) {
				t.Errorf("column:\n%s\n%s\n%s\nwant:\n%s\n%s\n%s", learned(got.Learned), got.Outcome, kinds(got.Summary), learned(want.Learned), want.Outcome, kinds(want.Summary))
			}
			if done, err := r.Step(); !done || err != nil {
				t.Errorf("Step after the end = %v, %v", done, err)
			}
			r.Close()
			if done, err := r.Step(); !done || err != nil {
				t.Errorf("Step after the end and Close = %v, %v", done, err)
			}
		})
	}
	// A message of 600,000 octets read in the clear: its connection is
	// annotated in three pieces of at most 256 KiB.
	big := func(serverFS, _ hackpadfs.FS) error {
		store := maildrop.NewStore(serverFS, "", maildrop.Options{Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }, Hostname: "mx.pop3lab.example"})
		body := strings.Repeat(strings.Repeat("x", 98)+"\r\n", 6000)
		_, err := store.Deliver(sample.User, strings.NewReader("Subject: big\r\n\r\n"+body))
		return err
	}
	r := NewModeRun(sim.Options{Seed: 3, Setup: big}, SecurityModes[0])
	steps := 0
	for done := false; !done; steps++ {
		if done, err = r.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.Column(); steps != 5 || len(got.Conns) != 1 || got.Learned.Sizes.Value != "exactly, from the messages read in the clear: 600016 octets" {
		t.Errorf("%d steps, %d connections, sizes %q; want 5 (Get mail, 3 pieces, the findings), 1, 600016 octets", steps, len(got.Conns), got.Learned.Sizes.Value)
	}
	tests := []struct {
		name  string
		steps int // Steps before Close
	}{{"before the Get mail", 0}, {"after the Get mail", 1}, {"after a connection", 2}}
	for _, tt := range tests {
		t.Run("stopped "+tt.name, func(t *testing.T) {
			r := NewModeRun(opts, SecurityModes[1])
			for range tt.steps {
				if _, err := r.Step(); err != nil {
					t.Fatal(err)
				}
			}
			r.Close()
			done, err := r.Step()
			if want := "STLS on port 110: the comparison was stopped"; !done || err == nil || err.Error() != want || !errors.Is(err, ErrStopped) {
				t.Errorf("Step after Close = %v, %v; want true, %q", done, err, want)
			}
		})
	}
}
