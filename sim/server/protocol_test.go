package server

import (
	"fmt"
	"strings"
	"testing"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/secure/stdtls"
)

func totalSize() int {
	n := 0
	for _, w := range pop3test.Wire {
		n += len(w)
	}
	return n
}

// bodyLines returns the dot-stuffed lines of a wire-form message.
func bodyLines(wire string) []string {
	lines := strings.Split(strings.TrimSuffix(wire, "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") {
			lines[i] = "." + l
		}
	}
	return append(lines, ".")
}

// TestTransactionCommands runs RFC 1939 §5 in order over every transport
// and checks each line exactly.
func TestTransactionCommands(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("user alice") // RFC 1939 §3: keywords are case-insensitive
		c.expect("+OK Send your password.")
		c.cmd("PASS wonderland")
		c.expect(fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", totalSize()))

		c.cmd("STAT")
		c.expect(fmt.Sprintf("+OK 3 %d", totalSize()))
		c.cmd("LIST")
		c.expect(fmt.Sprintf("+OK 3 messages (%d octets)", totalSize()),
			fmt.Sprintf("1 %d", len(pop3test.Wire[0])),
			fmt.Sprintf("2 %d", len(pop3test.Wire[1])),
			fmt.Sprintf("3 %d", len(pop3test.Wire[2])),
			".")
		c.cmd("LIST 2")
		c.expect(fmt.Sprintf("+OK 2 %d", len(pop3test.Wire[1])))
		c.cmd("LIST 4")
		c.expect("-ERR No such message.")
		c.cmd("LIST 0")
		c.expect("-ERR No such message.")

		c.cmd("UIDL")
		c.expect("+OK")
		var uids []string
		for i := 1; i <= 3; i++ {
			l := c.expectPrefix(fmt.Sprintf("%d ", i))
			uid := strings.TrimPrefix(l, fmt.Sprintf("%d ", i))
			if len(uid) < 1 || len(uid) > 70 || strings.ContainsFunc(uid, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
				t.Fatalf("UIDL %q breaks RFC 1939 §7 (1-70 chars 0x21-0x7E)", uid)
			}
			uids = append(uids, uid)
		}
		c.expect(".")
		c.cmd("UIDL 3")
		c.expect("+OK 3 " + uids[2])

		// RFC 1939 §3: byte-stuffed dots, exact wire bytes.
		c.cmd("RETR 2")
		c.expect(fmt.Sprintf("+OK %d octets", len(pop3test.Wire[1])))
		c.expect(bodyLines(pop3test.Wire[1])...)
		c.cmd("RETR 3")
		c.expect(fmt.Sprintf("+OK %d octets", len(pop3test.Wire[2])))
		c.expect(bodyLines(pop3test.Wire[2])...)

		// RFC 1939 §7 TOP: headers, blank line, n body lines.
		c.cmd("TOP 1 0")
		top0 := "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: Hello\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\n"
		c.expect(fmt.Sprintf("+OK %d octets", len(top0)), "From: bob@example.org", "To: alice@example.org", "Subject: Hello", "Date: Thu, 26 Nov 2026 09:00:00 +0000", "", ".")
		c.cmd("TOP 1 1")
		c.expect(fmt.Sprintf("+OK %d octets", len(top0+"Hi Alice,\r\n")), "From: bob@example.org", "To: alice@example.org", "Subject: Hello", "Date: Thu, 26 Nov 2026 09:00:00 +0000", "", "Hi Alice,", ".")
		c.cmd("TOP 2 99999999")
		c.expect(fmt.Sprintf("+OK %d octets", len(pop3test.Wire[1])))
		c.expect(bodyLines(pop3test.Wire[2-1])...)
		c.cmd("TOP 1 -1")
		c.expect("-ERR Invalid line count: TOP needs a non-negative number of lines.")
		c.cmd("TOP 1")
		c.expect("-ERR Usage: TOP message lines")

		// RFC 1939 §5 DELE: marked, then not addressable.
		c.cmd("DELE 1")
		c.expect("+OK Message 1 marked for deletion.")
		c.cmd("DELE 1")
		c.expect("-ERR Message 1 is marked for deletion.")
		c.cmd("RETR 1")
		c.expect("-ERR Message 1 is marked for deletion.")
		c.cmd("LIST 1")
		c.expect("-ERR Message 1 is marked for deletion.")
		c.cmd("STAT")
		c.expect(fmt.Sprintf("+OK 2 %d", len(pop3test.Wire[1])+len(pop3test.Wire[2])))
		c.cmd("LIST")
		c.expect(fmt.Sprintf("+OK 2 messages (%d octets)", len(pop3test.Wire[1])+len(pop3test.Wire[2])),
			fmt.Sprintf("2 %d", len(pop3test.Wire[1])), fmt.Sprintf("3 %d", len(pop3test.Wire[2])), ".")
		c.cmd("RSET")
		c.expect(fmt.Sprintf("+OK Maildrop has 3 messages (%d octets).", totalSize()))
		c.cmd("NOOP")
		c.expect("+OK")
		c.cmd("DELE 2")
		c.expect("+OK Message 2 marked for deletion.")
		c.cmd("QUIT")
		c.expect("+OK Logging out; 1 message deleted.")
		c.expectEOF()

		// The next session sees the deletion and renumbered messages,
		// with the UIDs unchanged (RFC 1939 §7 UIDL).
		c2 := newClient(t, tr.Dial(t, env.srv))
		c2.login()
		c2.cmd("UIDL")
		c2.expect("+OK", "1 "+uids[0], "2 "+uids[2], ".")
		c2.cmd("QUIT")
		c2.expect("+OK Logging out; no messages deleted.")
	})
}

// TestAuthorizationState covers commands before login (RFC 1939 §4, §7).
func TestAuthorizationState(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("STAT")
		c.expect("-ERR STAT is a TRANSACTION command: log in first.")
		c.cmd("PASS wonderland")
		c.expect("-ERR Send USER first.")
		// A wrong password and an unknown user get the same answer.
		c.cmd("USER nobody")
		c.expect("+OK Send your password.")
		c.cmd("PASS x")
		c.expect("-ERR [AUTH] Authentication failed.")
		c.cmd("USER alice")
		c.expect("+OK Send your password.")
		c.cmd("PASS wrong")
		c.expect("-ERR [AUTH] Authentication failed.")
		c.cmd("QUIT")
		c.expect("+OK Logging out.")
		c.expectEOF()
		if got := *env.sleeps; len(got) != 2 || got[0] != DefaultAuthFailureDelay {
			t.Fatalf("failed-login delays = %v, want two of %v", got, DefaultAuthFailureDelay)
		}
	})
}

// TestPassWithSpaces: PASS takes the rest of the line (RFC 1939 §7).
func TestPassWithSpaces(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("USER bob")
		c.expect("+OK Send your password.")
		c.cmd("PASS pass with spaces")
		c.expect("+OK bob's maildrop has 0 messages (0 octets).")
	})
}

func TestCAPA(t *testing.T) {
	pop3test.RunOffLoopback(t, func(t *testing.T, tr pop3test.Transport) {
		serverTLS, _ := pop3test.TLS(t)
		tests := []struct {
			name  string
			edit  func(*Config)
			login bool
			want  []string
		}{
			{"authorization with TLS available", func(c *Config) { c.TLS = stdtls.Server(serverTLS) }, false, []string{
				"+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
				"EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", "STLS", "."}},
			{"transaction: no STLS (RFC 2595 §4)", func(c *Config) { c.TLS = stdtls.Server(serverTLS) }, true, []string{
				"+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
				"EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", "."}},
			{"login delay advertised (RFC 2449 §6.5)", func(c *Config) { c.LoginDelay = 90e9 }, false, []string{
				"+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
				"LOGIN-DELAY 90", "EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", "."}},
			{"no plaintext auth offered off loopback (RFC 5034 §6)", func(c *Config) { c.AllowInsecureAuth = false; c.TLS = stdtls.Server(serverTLS) }, false, []string{
				"+OK Capability list follows", "TOP", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
				"EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", "STLS", "."}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				env := newEnv(t, tt.edit)
				c := newClient(t, tr.Dial(t, env.srv)) // a pipe is not loopback
				if tt.login {
					c.login()
				} else {
					c.greeting()
				}
				c.cmd("CAPA")
				c.expect(tt.want...)
			})
		}
	})
}

// TestPlaintextAuthPolicy: off loopback and without TLS, USER, PASS and
// AUTH PLAIN are refused with [AUTH] text that says why.
func TestPlaintextAuthPolicy(t *testing.T) {
	pop3test.RunOffLoopback(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, func(c *Config) { c.AllowInsecureAuth = false })
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		want := "-ERR [AUTH] " + insecureAuthText
		c.cmd("USER alice")
		c.expect(want)
		c.cmd("PASS wonderland")
		c.expect(want)
		c.cmd("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=")
		c.expect(want)
		c.cmd("AUTH")
		c.expect("+OK Supported SASL mechanisms follow", ".")

	})
}

func TestBadInput(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		tests := []struct {
			name string
			send string
			want string
		}{
			{"unknown", "FOO\r\n", "-ERR Unknown command."},
			{"long keyword", "RETRIEVE 1\r\n", "-ERR Unknown command: a POP3 keyword is 3 or 4 letters."},
			{"empty", "\r\n", "-ERR Empty command line."},
			{"binary", "\x00\xff\x01garbage\r\n", "-ERR Command line holds a control character or a byte outside printable ASCII."},
			{"tab", "USER\talice\r\n", "-ERR Command line holds a control character or a byte outside printable ASCII."},
			{"overlong (RFC 2449 §4)", "USER " + strings.Repeat("a", 300) + "\r\n", "-ERR Line too long: commands are at most 255 octets (RFC 2449)."},
			{"bare LF tolerated", "CAPA\n", "+OK Capability list follows"},
			{"QUIT with argument", "QUIT now\r\n", "-ERR QUIT takes no arguments."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				env := newEnv(t, nil)
				c := newClient(t, tr.Dial(t, env.srv))
				c.greeting()
				c.send(tt.send)
				c.expect(tt.want)
				// The session survives.
				c.cmd("USER alice")
				if tt.name == "bare LF tolerated" {
					for c.line() != "." {
					}
				}
				c.expect("+OK Send your password.")
			})
		}
	})
}

// TestLineLimitBoundary: a 255-octet line with CRLF is accepted, 256 is not.
func TestLineLimitBoundary(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("USER " + strings.Repeat("u", 255-2-5))
		c.expect("+OK Send your password.")
		c.cmd("USER " + strings.Repeat("u", 256-2-5))
		c.expect("-ERR Line too long: commands are at most 255 octets (RFC 2449).")
	})
}

func TestTooManyBadCommands(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, func(c *Config) { c.MaxBadCommands = 3 })
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("XYZ")
		c.expect("-ERR Unknown command.")
		c.cmd("XYZ")
		c.expect("-ERR Unknown command.")
		c.cmd("XYZ")
		c.expect("-ERR Unknown command.", "-ERR Too many bad commands; closing the connection.")
		c.expectEOF()
	})
}

func TestTooManyFailedLogins(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		for i := 0; i < 2; i++ {
			c.cmd("USER alice")
			c.expect("+OK Send your password.")
			c.cmd("PASS guess")
			c.expect("-ERR [AUTH] Authentication failed.")
		}
		c.cmd("USER alice")
		c.expect("+OK Send your password.")
		c.cmd("PASS guess")
		c.expect("-ERR [AUTH] Authentication failed. Too many failures; closing the connection.")
		c.expectEOF()
	})
}

// TestPipelining: RFC 2449 §6.6, answers in order to commands sent at once.
func TestPipelining(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.send("USER alice\r\nPASS wonderland\r\nSTAT\r\nRETR 3\r\nNOOP\r\nQUIT\r\n")
		c.expect("+OK Send your password.",
			fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", totalSize()),
			fmt.Sprintf("+OK 3 %d", totalSize()),
			fmt.Sprintf("+OK %d octets", len(pop3test.Wire[2])))
		c.expect(bodyLines(pop3test.Wire[2])...)
		c.expect("+OK", "+OK Logging out; no messages deleted.")
		c.expectEOF()
	})
}

// TestObsoleteLAST: fetchmail still sends LAST (removed by RFC 1725); it
// gets a polite -ERR that does not count towards the bad-command limit.
func TestObsoleteLAST(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, func(c *Config) { c.MaxBadCommands = 2 })
		c := newClient(t, tr.Dial(t, env.srv))
		c.login()
		for range 3 {
			c.cmd("LAST")
			c.expect("-ERR LAST was removed from POP3 (RFC 1725); use UIDL.")
		}
		c.cmd("DELE 1")
		c.expect("+OK Message 1 marked for deletion.")
		c.cmd("DELE 2")
		c.expect("+OK Message 2 marked for deletion.")
		c.cmd("RSET")
		c.expect(fmt.Sprintf("+OK Maildrop has 3 messages (%d octets).", totalSize()))
		c.cmd("DELE 3")
		c.expect("+OK Message 3 marked for deletion.")
		c.cmd("STAT")
		c.expect(fmt.Sprintf("+OK 2 %d", len(pop3test.Wire[0])+len(pop3test.Wire[1])))
		c.cmd("DELE 2")
		c.expect("+OK Message 2 marked for deletion.")
		c.cmd("LIST")
		c.expect(fmt.Sprintf("+OK 1 message (%d octets)", len(pop3test.Wire[0])), fmt.Sprintf("1 %d", len(pop3test.Wire[0])), ".")
		c.cmd("QUIT")
		c.expect("+OK Logging out; 2 messages deleted.")
	})
}
