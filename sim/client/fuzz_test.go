package client

import (
	"bytes"
	"errors"
	"testing"

	"pop3lab/sim/internal/pop3test"
)

// fuzzMaxBody keeps fuzz inputs from needing megabytes to reach the limit.
const fuzzMaxBody = 4096

// FuzzResponse feeds arbitrary server bytes, after a valid greeting, to a
// sequence of commands that exercises every parser: status lines, STAT,
// LIST, UIDL, RETR, TOP, CAPA, Raw with a multi-line body and a SASL
// exchange. No input may panic, and every call must end with nil, a
// *ServerError, a *ProtocolError (with its quoted line bounded), or, during
// a SASL exchange, ErrSASLPending. Each body must respect MaxBody, and a
// message that RETR accepts must be exactly what the server sent once
// stuffed again.
func FuzzResponse(f *testing.F) {
	seeds := []string{
		"+OK 2 300\r\n+OK\r\n1 100\r\n2 200\r\n.\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n+OK\r\nSubject: x\r\n\r\n..dot\r\n.\r\n",
		"+OK 1 5\r\n+OK\r\n1 abc\r\n.\r\n",
		"+OK\r\n1 abc def\r\n.\r\n",
		"-ERR [IN-USE] locked\r\n-ERR\r\n+OKAY\r\n",
		"+OK 1 1\r\n+OK\r\n+OK\r\n+OK\r\nline\r\n",
		"+OK 0 0\r\n+OK\r\n.\r\n+OK\r\n.\r\n+OK\r\n..\r\n...\r\n.\r\n+OK\r\nx\r\n\r\n.\r\n+OK\r\nTOP\r\nSASL PLAIN\r\n.\r\n+ \r\n+ dGVzdA==\r\n+OK\r\n+OK\r\n1 2\r\n.\r\n+OK\r\n",
		"\x00\xff\r\n",
		"+OK 1 1\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		script := append([]byte(greet), data...)
		r := bytes.NewReader(script)
		sc := &pop3test.ScriptConn{In: r}
		c := NewConn(sc)
		c.MaxBody = fuzzMaxBody
		if err := c.ReadGreeting(); err != nil {
			t.Fatalf("greeting: %v", err)
		}
		check := func(what string, err error) {
			t.Helper()
			var se *ServerError
			var pe *ProtocolError
			switch {
			case err == nil, errors.As(err, &se), errors.Is(err, ErrSASLPending):
			case errors.As(err, &pe):
				if len(pe.Line) > MaxQuotedLine {
					t.Fatalf("%s: ProtocolError quotes %d octets", what, len(pe.Line))
				}
			default:
				t.Fatalf("%s: unexpected error %T %v", what, err, err)
			}
		}
		bounded := func(what string, body []byte) {
			t.Helper()
			if len(body) > fuzzMaxBody {
				t.Fatalf("%s: body of %d octets over MaxBody", what, len(body))
			}
		}
		_, _, err := c.Stat()
		check("STAT", err)
		_, err = c.List()
		check("LIST", err)
		_, err = c.UIDL()
		check("UIDL", err)

		before := len(script) - r.Len() - c.lines.R.Buffered()
		msg, err := c.Retr(1)
		check("RETR", err)
		bounded("RETR", msg)
		if err == nil {
			// What was consumed for RETR: a status line, then the
			// stuffed body and ".\r\n". Re-stuffing must give it back.
			after := len(script) - r.Len() - c.lines.R.Buffered()
			sent := script[before:after]
			_, body, ok := bytes.Cut(sent, []byte("\r\n"))
			if !ok || !bytes.Equal(body, stuff(msg)) {
				t.Fatalf("RETR returned %q for server bytes %q", msg, sent)
			}
		}

		top, err := c.Top(1, 0)
		check("TOP", err)
		bounded("TOP", top)
		_, err = c.Capa()
		check("CAPA", err)
		resp, err := c.Raw("LIST")
		check("Raw LIST", err)
		bounded("Raw LIST", resp.Body)
		resp, err = c.Raw("AUTH PLAIN")
		check("Raw AUTH", err)
		if err == nil && resp.Continue {
			_, err = c.Raw("dGVzdA==")
			check("Raw SASL", err)
		}
		check("NOOP", c.Noop())
	})
}

// stuff dot-stuffs a body and adds the terminating line (RFC 1939 §3).
func stuff(body []byte) []byte {
	var out []byte
	for _, l := range splitLines(body) {
		if len(l) > 0 && l[0] == '.' {
			out = append(out, '.')
		}
		out = append(out, l...)
		out = append(out, "\r\n"...)
	}
	return append(out, ".\r\n"...)
}
