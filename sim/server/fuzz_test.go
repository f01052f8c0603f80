package server

import (
	"bytes"
	"strings"
	"testing"

	"pop3lab/sim/internal/pop3test"
)

// FuzzSession feeds arbitrary client bytes to a whole session. The server
// must not panic, every line it writes must end in CRLF, every status line
// must fit RFC 2449's 512 octets, and the maildrop must be unlocked and
// whole afterwards unless the script committed an UPDATE.
func FuzzSession(f *testing.F) {
	for _, s := range []string{
		"USER alice\r\nPASS wonderland\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 2\r\nTOP 1 1\r\nDELE 1\r\nRSET\r\nQUIT\r\n",
		"USER alice\r\nPASS wonderland\r\nDELE 1\r\nDELE 2\r\n",
		"AUTH PLAIN\r\nAGFsaWNlAHdvbmRlcmxhbmQ=\r\nLIST 3\r\nQUIT\r\n",
		"AUTH PLAIN\r\n*\r\nCAPA\r\nSTLS\r\n",
		"APOP alice 0123456789abcdef0123456789abcdef\r\n",
		"\x00\xff\r\n" + strings.Repeat("A", 400) + "\nNOOP\n",
		"USER alice\nPASS wonderland\nTOP 3 99999999\nRETR 0\nRETR 4\nLIST 99999999999\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		env := newEnv(t, func(c *Config) { c.AuthFailureDelay = -1; c.Observer = nil })
		conn := pop3test.NewScriptConn(script)
		env.srv.ServeConn(conn)
		out := conn.Out.Bytes()
		if len(out) > 0 && !bytes.HasSuffix(out, []byte("\r\n")) {
			t.Fatalf("output does not end in CRLF: %q", out[max(0, len(out)-40):])
		}
		for _, line := range bytes.SplitAfter(out, []byte("\r\n")) {
			if len(line) == 0 {
				continue
			}
			if bytes.IndexByte(line[:len(line)-2], '\n') >= 0 {
				t.Fatalf("bare LF in output line %q", line)
			}
			if (bytes.HasPrefix(line, []byte("+OK")) || bytes.HasPrefix(line, []byte("-ERR"))) && len(line) > 512 {
				t.Fatalf("status line of %d octets", len(line))
			}
		}
		m, err := env.store.Open("alice")
		if err != nil {
			t.Fatalf("maildrop not released: %v", err)
		}
		defer m.Close()
		n, _ := m.Stat()
		committed := bytes.Contains(bytes.ToUpper(script), []byte("QUIT"))
		if !committed && n != len(pop3test.Messages) {
			t.Fatalf("%d messages left without QUIT", n)
		}
	})
}
