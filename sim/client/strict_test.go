package client

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/secure/stdtls"
)

// fakeServer returns the client end of a pipe whose other end writes
// greeting, then for each reply reads one line from the client and writes
// the reply in one write (nothing for ""), then closes.
func fakeServer(t *testing.T, greeting string, replies ...string) net.Conn {
	t.Helper()
	c, s := net.Pipe()
	go func() {
		defer s.Close()
		if _, err := io.WriteString(s, greeting); err != nil {
			return
		}
		br := bufio.NewReader(s)
		for _, r := range replies {
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			if r == "" {
				continue // read the line, answer nothing
			}
			if _, err := io.WriteString(s, r); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close(); s.Close() })
	return c
}

const greet = "+OK ready <1.2@fake>\r\n"

// TestStrictParsing feeds malformed server responses to the client. Each
// must give a *ProtocolError naming the command (never a panic, never a
// hang), and the connection must stay failed afterwards.
func TestStrictParsing(t *testing.T) {
	long := strings.Repeat("x", 600)
	huge := strings.Repeat("y", MaxBodyLine+10)
	tests := []struct {
		name     string
		greeting string
		replies  []string
		call     func(c *Conn) error
		cmd      string // ProtocolError.Command
		line     string // ProtocolError.Line, "-" for nil
		cause    error  // errors.Is target, nil for none
		setup    func(*Conn)
	}{
		// RFC 1939 §3: every response starts with +OK or -ERR.
		{name: "greeting without status", greeting: "Hello there\r\n", cmd: "greeting", line: "Hello there"},
		{name: "greeting +OKAY", greeting: "+OKAY\r\n", cmd: "greeting", line: "+OKAY"},
		{name: "greeting empty line", greeting: "\r\n", cmd: "greeting", line: ""},
		{name: "greeting bare LF", greeting: "+OK hi\n", cmd: "greeting", line: "+OK hi\n"},
		{name: "greeting garbage bytes", greeting: "\x00\xff\xfe\x16\x03\r\n", cmd: "greeting", line: "\x00\xff\xfe\x16\x03"},
		{name: "greeting with NUL", greeting: "+OK a\x00b\r\n", cmd: "greeting", line: "+OK a\x00b"},
		// RFC 2449 §4: responses are at most 512 octets.
		{name: "greeting overlong", greeting: "+OK " + long + "\r\n", cmd: "greeting", line: ("+OK " + long)[:MaxQuotedLine]},
		{name: "greeting then close", greeting: "", cmd: "greeting", line: "-", cause: io.EOF},
		{name: "greeting cut off", greeting: "+OK rea", cmd: "greeting", line: "+OK rea", cause: io.ErrUnexpectedEOF},
		{name: "NOOP answered OK", replies: []string{"OK\r\n"}, call: func(c *Conn) error { return c.Noop() }, cmd: "NOOP", line: "OK"},
		{name: "NOOP answered -ERRor", replies: []string{"-ERRor\r\n"}, call: func(c *Conn) error { return c.Noop() }, cmd: "NOOP", line: "-ERRor"},
		{name: "NOOP answered by a challenge", replies: []string{"+ \r\n"}, call: func(c *Conn) error { return c.Noop() }, cmd: "NOOP", line: "+ "},
		{name: "NOOP and close", replies: []string{""}, call: func(c *Conn) error { return c.Noop() }, cmd: "NOOP", line: "-", cause: io.EOF},
		{name: "STAT one number", replies: []string{"+OK 3\r\n"}, call: func(c *Conn) error { _, _, err := c.Stat(); return err }, cmd: "STAT", line: "+OK 3"},
		{name: "STAT words", replies: []string{"+OK three 100\r\n"}, call: func(c *Conn) error { _, _, err := c.Stat(); return err }, cmd: "STAT", line: "+OK three 100"},
		{name: "STAT signed", replies: []string{"+OK -3 100\r\n"}, call: func(c *Conn) error { _, _, err := c.Stat(); return err }, cmd: "STAT", line: "+OK -3 100"},
		{name: "LIST 1 abc", replies: []string{"+OK\r\n1 abc\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "1 abc"},
		{name: "LIST number 0", replies: []string{"+OK\r\n0 10\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "0 10"},
		{name: "LIST +1", replies: []string{"+OK\r\n+1 10\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "+1 10"},
		{name: "LIST two spaces", replies: []string{"+OK\r\n1  10\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "1  10"},
		{name: "LIST duplicate number", replies: []string{"+OK\r\n1 10\r\n1 20\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "1 20"},
		{name: "LIST overflow", replies: []string{"+OK\r\n1 99999999999999999999\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "1 99999999999999999999"},
		{name: "LIST no terminating dot", replies: []string{"+OK\r\n1 10\r\n"}, call: func(c *Conn) error { _, err := c.List(); return err }, cmd: "LIST", line: "-", cause: io.ErrUnexpectedEOF},
		{name: "LIST one for another message", replies: []string{"+OK 2 10\r\n"}, call: func(c *Conn) error { _, err := c.ListOne(1); return err }, cmd: "LIST", line: "+OK 2 10"},
		// RFC 1939 §7: a uid is 1-70 characters in 0x21..0x7E.
		{name: "UIDL uid with a space", replies: []string{"+OK\r\n1 abc def\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.UIDL(); return err }, cmd: "UIDL", line: "1 abc def"},
		{name: "UIDL uid of 71 chars", replies: []string{"+OK\r\n1 " + strings.Repeat("u", 71) + "\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.UIDL(); return err }, cmd: "UIDL", line: ("1 " + strings.Repeat("u", 71))},
		{name: "UIDL uid with DEL", replies: []string{"+OK\r\n1 abc\x7f\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.UIDL(); return err }, cmd: "UIDL", line: "1 abc\x7f"},
		{name: "UIDL empty uid", replies: []string{"+OK\r\n1 \r\n.\r\n"}, call: func(c *Conn) error { _, err := c.UIDL(); return err }, cmd: "UIDL", line: "1 "},
		{name: "UIDL duplicate uid", replies: []string{"+OK\r\n1 a\r\n2 a\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.UIDL(); return err }, cmd: "UIDL", line: "2 a"},
		{name: "UIDL one for another message", replies: []string{"+OK 2 abc\r\n"}, call: func(c *Conn) error { _, err := c.UIDLOne(1); return err }, cmd: "UIDL", line: "+OK 2 abc"},
		{name: "RETR closed mid-line", replies: []string{"+OK\r\nSubject: x\r\nhal"}, call: func(c *Conn) error { _, err := c.Retr(1); return err }, cmd: "RETR", line: "hal", cause: io.ErrUnexpectedEOF},
		{name: "RETR closed between lines", replies: []string{"+OK\r\nSubject: x\r\n"}, call: func(c *Conn) error { _, err := c.Retr(1); return err }, cmd: "RETR", line: "-", cause: io.ErrUnexpectedEOF},
		// RFC 1939 §3: a body line starting with "." must be stuffed.
		{name: "RETR unstuffed dot line", replies: []string{"+OK\r\nSubject: x\r\n\r\n.hidden\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.Retr(1); return err }, cmd: "RETR", line: ".hidden"},
		{name: "RETR terminator with bare LF", replies: []string{"+OK\r\nSubject: x\r\n.\n"}, call: func(c *Conn) error { _, err := c.Retr(1); return err }, cmd: "RETR", line: ".\n"},
		{name: "RETR body line too long", replies: []string{"+OK\r\n" + huge + "\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.Retr(1); return err }, cmd: "RETR", line: huge[:MaxQuotedLine]},
		{name: "RETR body over MaxBody", replies: []string{"+OK\r\n0123456789\r\n0123456789\r\n.\r\n"}, setup: func(c *Conn) { c.MaxBody = 15 }, call: func(c *Conn) error { _, err := c.Retr(1); return err }, cmd: "RETR", line: "-"},
		{name: "TOP status overlong", replies: []string{"+OK " + long + "\r\n"}, call: func(c *Conn) error { _, err := c.Top(1, 0); return err }, cmd: "TOP", line: ("+OK " + long)[:MaxQuotedLine]},
		{name: "CAPA empty line", replies: []string{"+OK\r\nTOP\r\n\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.Capa(); return err }, cmd: "CAPA", line: ""},
		{name: "CAPA control byte", replies: []string{"+OK\r\nTOP\x01\r\n.\r\n"}, call: func(c *Conn) error { _, err := c.Capa(); return err }, cmd: "CAPA", line: "TOP\x01"},
		// RFC 5034 §4: a challenge is "+ " and base64.
		{name: "AUTH challenge without space", replies: []string{"+xyz\r\n"}, call: func(c *Conn) error { return c.AuthPlain("a", "b", false) }, cmd: "AUTH", line: "+xyz"},
		{name: "AUTH challenge not base64", replies: []string{"+ !!!\r\n"}, call: func(c *Conn) error { return c.AuthPlain("a", "b", false) }, cmd: "AUTH", line: "+ !!!"},
		{name: "AUTH +OK without exchange", replies: []string{"+OK\r\n"}, call: func(c *Conn) error { return c.AuthPlain("a", "b", false) }, cmd: "AUTH", line: "+OK"},
		// RFC 4616 §2: PLAIN is one message, no second challenge.
		{name: "AUTH PLAIN second challenge", replies: []string{"+ \r\n"}, call: func(c *Conn) error { return c.AuthPlain("a", "b", true) }, cmd: "AUTH", line: "+ "},
		{name: "Raw NOOP answered by a challenge", replies: []string{"+ \r\n"}, call: func(c *Conn) error { _, err := c.Raw("NOOP"); return err }, cmd: "NOOP", line: "+ "},
		{name: "Raw RETR without dot", replies: []string{"+OK\r\nabc\r\n"}, call: func(c *Conn) error { _, err := c.Raw("RETR 1"); return err }, cmd: "RETR", line: "-", cause: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.greeting
			if g == "" && tt.call != nil {
				g = greet
			}
			raw := fakeServer(t, g, tt.replies...)
			c := NewConn(raw)
			c.Timeout = 5 * time.Second
			err := c.ReadGreeting()
			if tt.call != nil {
				if err != nil {
					t.Fatalf("greeting: %v", err)
				}
				if tt.setup != nil {
					tt.setup(c)
				}
				err = tt.call(c)
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v (%T), want *ProtocolError", err, err)
			}
			if pe.Command != tt.cmd {
				t.Errorf("Command %q, want %q", pe.Command, tt.cmd)
			}
			if tt.line == "-" {
				if pe.Line != nil {
					t.Errorf("Line %q, want none", pe.Line)
				}
			} else if string(pe.Line) != tt.line {
				t.Errorf("Line %q, want %q", pe.Line, tt.line)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("error %v does not wrap %v", err, tt.cause)
			}
			if tt.cause == nil && pe.Err != nil && tt.name != "AUTH challenge not base64" {
				t.Errorf("unexpected cause %v", pe.Err)
			}
			if len(pe.Line) > MaxQuotedLine {
				t.Errorf("Line holds %d octets, more than %d", len(pe.Line), MaxQuotedLine)
			}
			// The connection is unusable from now on, with the same error.
			if err2 := c.Noop(); err2 != err {
				t.Errorf("call after the protocol error: %v, want %v", err2, err)
			}
		})
	}
}

// TestProtocolErrorText checks the message a learner reads.
func TestProtocolErrorText(t *testing.T) {
	c := NewConn(fakeServer(t, greet, "+OK\r\n1 abc\r\n.\r\n"))
	if err := c.ReadGreeting(); err != nil {
		t.Fatal(err)
	}
	_, err := c.List()
	want := `pop3 client: bad response to LIST: expected a scan listing "number size" with a new message number, got "1 abc"`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	c = NewConn(fakeServer(t, greet, "+OK\r\nSubject: x\r\n"))
	c.ReadGreeting()
	_, err = c.Retr(1)
	want = `pop3 client: bad response to RETR: expected a body line or the terminating ".": the server closed the connection: unexpected EOF`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestLenientWhereTheRFCAllows: RFC 1939 §5 lets servers add text after
// the size in STAT and LIST; RFC 1939 §3 un-stuffing removes one leading
// dot from each stuffed line.
func TestLenientWhereTheRFCAllows(t *testing.T) {
	c := NewConn(fakeServer(t, greet,
		"+OK 2 300 octets in total\r\n",
		"+OK\r\n1 100 (from bob)\r\n2 200\r\n.\r\n",
		"+OK\r\n..a\r\n...\r\n\r\n.\r\n",
		"-ERR\r\n",
	))
	if err := c.ReadGreeting(); err != nil {
		t.Fatal(err)
	}
	n, size, err := c.Stat()
	if err != nil || n != 2 || size != 300 {
		t.Fatalf("STAT = %d %d %v", n, size, err)
	}
	list, err := c.List()
	if err != nil || len(list) != 2 || list[0] != (MessageInfo{1, 100}) || list[1] != (MessageInfo{2, 200}) {
		t.Fatalf("LIST = %v %v", list, err)
	}
	body, err := c.Retr(1)
	if err != nil || string(body) != ".a\r\n..\r\n\r\n" {
		t.Fatalf("RETR = %q %v", body, err)
	}
	// A bare "-ERR" is a well-formed refusal.
	err = c.Noop()
	var se *ServerError
	if !errors.As(err, &se) || se.Status.Text != "" || se.Status.OK {
		t.Fatalf("NOOP: %v", err)
	}
}

// TestSTLSInjection: bytes that arrive with the +OK to STLS, before the
// handshake, are an injection (RFC 2595 §4, CVE-2011-0411 family): the
// client abandons the connection instead of reading them as TLS data.
func TestSTLSInjection(t *testing.T) {
	_, cli := pop3test.TLS(t)
	c := NewConn(fakeServer(t, greet, "+OK Begin TLS negotiation\r\n+OK injected\r\n"))
	if err := c.ReadGreeting(); err != nil {
		t.Fatal(err)
	}
	if err := c.StartTLS(stdtls.Client(cli)); !errors.Is(err, ErrInjection) {
		t.Fatalf("got %v, want ErrInjection", err)
	}
	if _, ok := c.TLSState(); ok {
		t.Fatal("TLS reported active")
	}
	if err := c.Noop(); !errors.Is(err, ErrInjection) {
		t.Fatalf("later call: %v, want ErrInjection", err)
	}
}

// TestReadTimeout: a server that stops answering gives a deadline error,
// not a hang.
func TestReadTimeout(t *testing.T) {
	cl, s := net.Pipe()
	t.Cleanup(func() { cl.Close(); s.Close() })
	go func() {
		io.WriteString(s, greet)
		io.Copy(io.Discard, s) // read commands, never answer
	}()
	c := NewConn(cl)
	c.Timeout = 50 * time.Millisecond
	if err := c.ReadGreeting(); err != nil {
		t.Fatal(err)
	}
	err := c.Noop()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("got %v, want a timeout", err)
	}
}
