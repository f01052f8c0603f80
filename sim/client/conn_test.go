package client

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/pop3"
	"pop3lab/sim/server"
)

func totalSize() int64 {
	var n int64
	for _, w := range pop3test.Wire {
		n += int64(len(w))
	}
	return n
}

// TestCommands runs every low-level command against the real server over
// each transport and checks each answer exactly (RFC 1939 §4-§7).
func TestCommands(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		uids := e.serverUIDs()
		c := dialConn(t, tr.Dialer(t, e.srv, false))

		st, line := c.Greeting()
		if !st.OK || !strings.HasPrefix(line, "+OK POP3 server ready <") {
			t.Fatalf("greeting %q", line)
		}
		// RFC 1939 §7: the timestamp is a msg-id in the greeting.
		if ts := c.Timestamp(); !strings.HasPrefix(ts, "<") || !strings.HasSuffix(ts, "@localhost>") || !strings.HasSuffix(line, " "+ts) {
			t.Fatalf("timestamp %q from greeting %q", ts, line)
		}

		caps, err := c.Capa()
		if err != nil {
			t.Fatal(err)
		}
		wantCaps := []string{"TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab"}
		if !reflect.DeepEqual(caps.Lines, wantCaps) {
			t.Fatalf("CAPA = %q, want %q", caps.Lines, wantCaps)
		}
		// RFC 2449 §5: capability names are case-insensitive.
		if !caps.Has("uidl") || caps.Has("STLS") || !reflect.DeepEqual(caps.Args("SASL"), []string{"PLAIN"}) || caps.Args("TOP") != nil {
			t.Fatalf("Has/Args wrong on %q", caps.Lines)
		}

		if err := c.User("alice"); err != nil {
			t.Fatal(err)
		}
		if err := c.Pass("wonderland"); err != nil {
			t.Fatal(err)
		}
		n, size, err := c.Stat()
		if err != nil || n != 3 || size != totalSize() {
			t.Fatalf("STAT = %d %d %v, want 3 %d", n, size, err, totalSize())
		}
		list, err := c.List()
		wantList := []MessageInfo{{1, int64(len(pop3test.Wire[0]))}, {2, int64(len(pop3test.Wire[1]))}, {3, int64(len(pop3test.Wire[2]))}}
		if err != nil || !reflect.DeepEqual(list, wantList) {
			t.Fatalf("LIST = %v %v, want %v", list, err, wantList)
		}
		one, err := c.ListOne(2)
		if err != nil || one != wantList[1] {
			t.Fatalf("LIST 2 = %v %v", one, err)
		}
		ul, err := c.UIDL()
		wantUIDL := []MessageUID{{1, uids[0]}, {2, uids[1]}, {3, uids[2]}}
		if err != nil || !reflect.DeepEqual(ul, wantUIDL) {
			t.Fatalf("UIDL = %v %v, want %v", ul, err, wantUIDL)
		}
		u3, err := c.UIDLOne(3)
		if err != nil || u3 != wantUIDL[2] {
			t.Fatalf("UIDL 3 = %v %v", u3, err)
		}

		// RFC 1939 §3: dot-stuffed on the wire, byte-exact after.
		for i, want := range pop3test.Wire {
			got, err := c.Retr(i + 1)
			if err != nil || string(got) != want {
				t.Fatalf("RETR %d = %q %v, want %q", i+1, got, err, want)
			}
		}
		var buf bytes.Buffer
		nw, err := c.RetrTo(2, &buf)
		if err != nil || nw != int64(len(pop3test.Wire[1])) || buf.String() != pop3test.Wire[1] {
			t.Fatalf("RetrTo 2 = %d %q %v", nw, buf.String(), err)
		}

		// RFC 1939 §7 TOP: headers, the blank line, n body lines.
		tops := []struct {
			n, lines int
			want     string
		}{
			{1, 0, "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: Hello\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\n"},
			{2, 1, "From: carol@example.org\r\nSubject: Dots\r\n\r\n.starts with a dot\r\n"},
			{2, 3, "From: carol@example.org\r\nSubject: Dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\n"},
			{3, 99999999, pop3test.Wire[2]},
		}
		for _, tt := range tops {
			got, err := c.Top(tt.n, tt.lines)
			if err != nil || string(got) != tt.want {
				t.Fatalf("TOP %d %d = %q %v, want %q", tt.n, tt.lines, got, err, tt.want)
			}
		}

		if err := c.Dele(1); err != nil {
			t.Fatal(err)
		}
		// RFC 1939 §5: a deleted message may not be referred to.
		_, err = c.ListOne(1)
		var se *ServerError
		if !errors.As(err, &se) || se.Command != "LIST" || se.Status.Text != "Message 1 is marked for deletion." {
			t.Fatalf("LIST 1 after DELE: %v", err)
		}
		if list, err := c.List(); err != nil || !reflect.DeepEqual(list, wantList[1:]) {
			t.Fatalf("LIST after DELE = %v %v", list, err)
		}
		if err := c.Rset(); err != nil {
			t.Fatal(err)
		}
		if list, err := c.List(); err != nil || !reflect.DeepEqual(list, wantList) {
			t.Fatalf("LIST after RSET = %v %v", list, err)
		}
		if err := c.Noop(); err != nil {
			t.Fatal(err)
		}
		_, err = c.Retr(9)
		if !errors.As(err, &se) || se.Command != "RETR" || se.Status.OK || se.Status.Text != "No such message." {
			t.Fatalf("RETR 9: %v", err)
		}
		if se.Error() != "pop3 client: RETR refused: -ERR No such message." {
			t.Fatalf("ServerError text %q", se.Error())
		}
		if err := c.Dele(2); err != nil {
			t.Fatal(err)
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}
		if err := c.Noop(); !errors.Is(err, ErrClosed) {
			t.Fatalf("NOOP after QUIT: %v, want ErrClosed", err)
		}
		// RFC 1939 §6: QUIT in TRANSACTION commits the DELE.
		e.events.waitClosed(t, 1)
		if got := e.serverUIDs(); !reflect.DeepEqual(got, []string{uids[0], uids[2]}) {
			t.Fatalf("server keeps %v, want %v", got, []string{uids[0], uids[2]})
		}
	})
}

// TestCloseWithoutQuit: RFC 1939 §6, a session that ends without QUIT
// deletes nothing.
func TestCloseWithoutQuit(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		uids := e.serverUIDs()
		c := login(t, tr.Dialer(t, e.srv, false))
		if err := c.Dele(1); err != nil {
			t.Fatal(err)
		}
		c.Close()
		e.events.waitClosed(t, 1)
		if got := e.serverUIDs(); !reflect.DeepEqual(got, uids) {
			t.Fatalf("server keeps %v, want all of %v", got, uids)
		}
	})
}

// TestAuth logs in with each method, right and wrong (RFC 1939 §7,
// RFC 5034 §4, RFC 4616 §2).
func TestAuth(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		long := strings.Repeat("p", 200)
		tests := []struct {
			name    string
			login   func(c *Conn) error
			wantErr bool
			saslRsp bool // the credentials went in a separate SASL line
		}{
			{"USER/PASS", func(c *Conn) error {
				if err := c.User("alice"); err != nil {
					return err
				}
				return c.Pass("wonderland")
			}, false, false},
			{"PASS with spaces (RFC 1939 §7)", func(c *Conn) error {
				if err := c.User("bob"); err != nil {
					return err
				}
				return c.Pass("pass with spaces")
			}, false, false},
			{"wrong PASS", func(c *Conn) error {
				if err := c.User("alice"); err != nil {
					return err
				}
				return c.Pass("looking-glass")
			}, true, false},
			{"APOP", func(c *Conn) error { return c.APOP("alice", "wonderland") }, false, false},
			{"wrong APOP", func(c *Conn) error { return c.APOP("alice", "looking-glass") }, true, false},
			{"AUTH PLAIN initial response", func(c *Conn) error { return c.AuthPlain("alice", "wonderland", true) }, false, false},
			{"AUTH PLAIN after challenge", func(c *Conn) error { return c.AuthPlain("alice", "wonderland", false) }, false, true},
			// RFC 5034 §4: no initial response where AUTH would pass 255 octets.
			{"AUTH PLAIN too long for the AUTH line", func(c *Conn) error { return c.AuthPlain("carol", long, true) }, false, true},
			{"wrong AUTH PLAIN", func(c *Conn) error { return c.AuthPlain("alice", "looking-glass", true) }, true, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, func(c *server.Config) {
					c.Users = server.Users{"alice": "wonderland", "bob": "pass with spaces", "carol": long}
				})
				c := dialConn(t, tr.Dialer(t, e.srv, false))
				err := tt.login(c)
				if tt.wantErr {
					var se *ServerError
					// RFC 3206 §5: [AUTH] says the credentials were wrong.
					if !errors.As(err, &se) || se.Status.Code != pop3.CodeAuth || se.Status.Text != "Authentication failed." {
						t.Fatalf("got %v, want -ERR [AUTH] Authentication failed.", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := c.Stat(); err != nil {
					t.Fatalf("STAT after login: %v", err)
				}
				c.Quit()
				hasResp := false
				for _, cmd := range e.events.commands() {
					hasResp = hasResp || cmd == "AUTH-RESPONSE"
				}
				if hasResp != tt.saslRsp {
					t.Fatalf("server commands %v: separate SASL response = %v, want %v", e.events.commands(), hasResp, tt.saslRsp)
				}
			})
		}
	})
}

// TestAPOPDigest checks the RFC 1939 §7 example, and that APOP sends the
// digest of the greeting's timestamp.
func TestAPOPDigest(t *testing.T) {
	if got := pop3.APOPDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"); got != "c4c9334bac560ecc979e58001b3e22fb" {
		t.Fatalf("RFC 1939 §7 vector: got %s", got)
	}
	cl, srv := net.Pipe()
	t.Cleanup(func() { cl.Close(); srv.Close() })
	sent := make(chan string, 1)
	go func() {
		io.WriteString(srv, "+OK ready <1.2@x>\r\n")
		line, _ := bufio.NewReader(srv).ReadString('\n')
		sent <- line
		io.WriteString(srv, "+OK\r\n")
	}()
	c, err := Dial(cl)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.APOP("alice", "secret"); err != nil {
		t.Fatal(err)
	}
	if got, want := <-sent, "APOP alice "+pop3.APOPDigest("<1.2@x>", "secret")+"\r\n"; got != want {
		t.Fatalf("client sent %q, want %q", got, want)
	}
}

// TestBadArguments: arguments that would break the command line are
// refused before anything is sent.
func TestBadArguments(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		c := dialConn(t, tr.Dialer(t, e.srv, false))
		tests := []struct {
			name string
			call func() error
		}{
			{"USER with CRLF", func() error { return c.User("alice\r\nDELE 1") }},
			{"USER with space", func() error { return c.User("alice smith") }},
			{"USER empty", func() error { return c.User("") }},
			{"PASS with LF", func() error { return c.Pass("x\nQUIT") }},
			{"APOP name with space", func() error { return c.APOP("a b", "x") }},
			{"PLAIN with NUL", func() error { return c.AuthPlain("alice\x00bob", "x", true) }},
			{"RETR 0", func() error { _, err := c.Retr(0); return err }},
			{"TOP negative", func() error { _, err := c.Top(1, -1); return err }},
			{"DELE -1", func() error { return c.Dele(-1) }},
			{"Raw with CRLF", func() error { _, err := c.Raw("NOOP\r\nQUIT"); return err }},
		}
		for _, tt := range tests {
			if err := tt.call(); !errors.Is(err, ErrBadArgument) {
				t.Errorf("%s: %v, want ErrBadArgument", tt.name, err)
			}
		}
		// Nothing reached the server.
		if cmds := e.events.commands(); len(cmds) != 0 {
			t.Fatalf("server received %v", cmds)
		}
	})
}

// TestInUse: RFC 2449 §8.1.1, a second session on a locked maildrop gets
// -ERR [IN-USE].
func TestInUse(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		login(t, tr.Dialer(t, e.srv, false))
		c2 := dialConn(t, tr.Dialer(t, e.srv, false))
		if err := c2.User("alice"); err != nil {
			t.Fatal(err)
		}
		err := c2.Pass("wonderland")
		var se *ServerError
		if !errors.As(err, &se) || se.Command != "PASS" || se.Status.Code != pop3.CodeInUse || se.Status.Text != "Maildrop is locked by another POP3 session." {
			t.Fatalf("got %v, want -ERR [IN-USE]", err)
		}
		if want := "pop3 client: PASS refused: -ERR [IN-USE] Maildrop is locked by another POP3 session."; err.Error() != want {
			t.Fatalf("error text %q, want %q", err.Error(), want)
		}
		// An -ERR leaves the connection usable.
		if _, err := c2.Capa(); err != nil {
			t.Fatalf("CAPA after -ERR: %v", err)
		}
	})
}

// TestAPOPWithoutTimestamp: APOP needs the greeting's timestamp.
func TestAPOPWithoutTimestamp(t *testing.T) {
	fs := fakeServer(t, "+OK ready\r\n")
	c, err := Dial(fs)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.APOP("alice", "x"); !errors.Is(err, ErrNoTimestamp) {
		t.Fatalf("got %v, want ErrNoTimestamp", err)
	}
}

// TestGreetingTimestamp checks which greetings carry an APOP timestamp.
func TestGreetingTimestamp(t *testing.T) {
	tests := []struct{ text, want string }{
		{"POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "<1896.697170952@dbc.mtview.ca.us>"},
		{"Dovecot ready.", ""},
		{"ready <no-at-sign>", ""},
		{"ready <a b@c>", ""},
		{"ready <@host>", ""},
		{"ready <x@>", ""},
		{"ready <unclosed@x", ""},
		{"<1.2@h> first one wins <3.4@h>", "<1.2@h>"},
	}
	for _, tt := range tests {
		if got := apopTimestamp(tt.text); got != tt.want {
			t.Errorf("apopTimestamp(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestRaw types lines as a learner would and checks each Response.
func TestRaw(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		uids := e.serverUIDs()
		c := dialConn(t, tr.Dialer(t, e.srv, false))
		list := fmt.Sprintf("1 %d\r\n2 %d\r\n3 %d\r\n", len(pop3test.Wire[0]), len(pop3test.Wire[1]), len(pop3test.Wire[2]))
		plain := base64.StdEncoding.EncodeToString([]byte("\x00alice\x00wonderland"))
		top20 := "From: carol@example.org\r\nSubject: Dots\r\n\r\n"
		tests := []struct {
			line      string
			wantLine  string
			wantBody  string // "" and !multi: no body
			multi     bool
			cont      bool
			wantErrAs bool // a *ServerError
		}{
			{"CAPA", "+OK Capability list follows", "TOP\r\nUSER\r\nSASL PLAIN\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nEXPIRE NEVER\r\nUIDL\r\nIMPLEMENTATION pop3lab\r\n", true, false, false},
			{"AUTH", "+OK Supported SASL mechanisms follow", "PLAIN\r\n", true, false, false},
			{"STAT", "-ERR STAT is a TRANSACTION command: log in first.", "", false, false, true},
			{"xyzzy", "-ERR Unknown command: a POP3 keyword is 3 or 4 letters.", "", false, false, true},
			// RFC 5034 §4: "+ " challenge, then "*" cancels.
			{"AUTH PLAIN", "+ ", "", false, true, false},
			{"*", "-ERR Authentication cancelled.", "", false, false, true},
			{"AUTH PLAIN", "+ ", "", false, true, false},
			{plain, "+OK alice's maildrop has 3 messages (" + fmt.Sprint(totalSize()) + " octets).", "", false, false, false},
			{"LIST", fmt.Sprintf("+OK 3 messages (%d octets)", totalSize()), list, true, false, false},
			{"list 2", fmt.Sprintf("+OK 2 %d", len(pop3test.Wire[1])), "", false, false, false},
			{"LIST ", "-ERR Invalid message number.", "", false, false, true},
			{"UIDL", "+OK", "1 " + uids[0] + "\r\n2 " + uids[1] + "\r\n3 " + uids[2] + "\r\n", true, false, false},
			{"UIDL 1", "+OK 1 " + uids[0], "", false, false, false},
			{"RETR 2", fmt.Sprintf("+OK %d octets", len(pop3test.Wire[1])), pop3test.Wire[1], true, false, false},
			{"TOP 2 0", fmt.Sprintf("+OK %d octets", len(top20)), top20, true, false, false},
			{"RETR 9", "-ERR No such message.", "", false, false, true},
			{"NOOP", "+OK", "", false, false, false},
			{"QUIT", "+OK Logging out; no messages deleted.", "", false, false, false},
		}
		for _, tt := range tests {
			resp, err := c.Raw(tt.line)
			var se *ServerError
			if tt.wantErrAs != errors.As(err, &se) || (!tt.wantErrAs && err != nil) {
				t.Fatalf("Raw(%q): error %v, want ServerError %v", tt.line, err, tt.wantErrAs)
			}
			if se != nil && se.Status != resp.Status {
				t.Fatalf("Raw(%q): ServerError status %+v differs from response %+v", tt.line, se.Status, resp.Status)
			}
			if resp.Line != tt.wantLine || string(resp.Body) != tt.wantBody || resp.Multiline != tt.multi || resp.Continue != tt.cont {
				t.Fatalf("Raw(%q) = %+v (body %q), want line %q body %q multi %v cont %v", tt.line, resp, resp.Body, tt.wantLine, tt.wantBody, tt.multi, tt.cont)
			}
		}
		if _, err := c.Raw("NOOP"); !errors.Is(err, ErrClosed) {
			t.Fatalf("Raw after QUIT: %v, want ErrClosed", err)
		}
	})
}

// TestRawSASLPending: while a Raw SASL exchange is open, typed commands
// are refused rather than taken for the SASL response.
func TestRawSASLPending(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		c := dialConn(t, tr.Dialer(t, e.srv, false))
		if resp, err := c.Raw("AUTH PLAIN"); err != nil || !resp.Continue {
			t.Fatalf("AUTH PLAIN: %+v %v", resp, err)
		}
		if err := c.User("alice"); !errors.Is(err, ErrSASLPending) {
			t.Fatalf("USER during SASL: %v", err)
		}
		if _, err := c.Raw("*"); err == nil {
			t.Fatal("cancel: want -ERR")
		}
		if err := c.User("alice"); err != nil {
			t.Fatalf("USER after cancel: %v", err)
		}
	})
}

// TestRawSTLSWithoutConfig: Raw cannot start TLS without a tls.Config, and
// sends nothing.
func TestRawSTLSWithoutConfig(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, nil, pop3test.Messages...)
		c := dialConn(t, tr.Dialer(t, e.srv, false))
		if _, err := c.Raw("STLS"); !errors.Is(err, ErrNoTLSClient) {
			t.Fatalf("got %v", err)
		}
		if cmds := e.events.commands(); len(cmds) != 0 {
			t.Fatalf("server received %v", cmds)
		}
	})
}
