package server

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/pop3"
	"pop3lab/sim/secure/stdtls"
)

// TestAPOPDigestRFCVector is the example of RFC 1939 §7.
func TestAPOPDigestRFCVector(t *testing.T) {
	got := pop3.APOPDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf")
	if want := "c4c9334bac560ecc979e58001b3e22fb"; got != want {
		t.Fatalf("APOPDigest = %s, want %s", got, want)
	}
}

func TestAPOP(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		ts := c.greeting()
		c.cmd("APOP alice " + pop3.APOPDigest(ts, "wrong"))
		c.expect("-ERR [AUTH] Authentication failed.")
		c.cmd("APOP alice " + pop3.APOPDigest(ts, "wonderland"))
		c.expect(fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", totalSize()))
		c.cmd("QUIT")
		c.expect("+OK Logging out; no messages deleted.")

		// A replayed digest fails: every greeting has a fresh timestamp.
		c2 := newClient(t, tr.Dial(t, env.srv))
		ts2 := c2.greeting()
		if ts2 == ts {
			t.Fatalf("two greetings share the APOP timestamp %s", ts)
		}
		c2.cmd("APOP alice " + pop3.APOPDigest(ts, "wonderland"))
		c2.expect("-ERR [AUTH] Authentication failed.")
		c2.cmd("APOP alice nothex")
		c2.expect("-ERR Usage: APOP name digest (32 hex digits)")
	})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestAuthPlain covers RFC 5034 and RFC 4616.
func TestAuthPlain(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		okLine := fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", totalSize())
		tests := []struct {
			name     string
			exchange []string // alternating: client line, expected server line(s) separated by |
		}{
			{"initial response", []string{"AUTH PLAIN " + b64("\x00alice\x00wonderland"), okLine}},
			{"lower-case mechanism", []string{"auth plain " + b64("\x00alice\x00wonderland"), okLine}},
			{"authzid equal to authcid", []string{"AUTH PLAIN " + b64("alice\x00alice\x00wonderland"), okLine}},
			{"challenge then response", []string{"AUTH PLAIN", "+ ", b64("\x00alice\x00wonderland"), okLine}},
			{"cancel with *", []string{"AUTH PLAIN", "+ ", "*", "-ERR Authentication cancelled."}},
			{"wrong password", []string{"AUTH PLAIN " + b64("\x00alice\x00nope"), "-ERR [AUTH] Authentication failed."}},
			{"other authzid refused", []string{"AUTH PLAIN " + b64("bob\x00alice\x00wonderland"), "-ERR [AUTH] Authentication failed."}},
			{"empty initial response", []string{"AUTH PLAIN =", "-ERR [AUTH] Authentication failed."}},
			{"padding first", []string{"AUTH PLAIN =AAA", "-ERR Invalid base64 in the authentication response."}},
			{"padding inside", []string{"AUTH PLAIN AAA=BBB", "-ERR Invalid base64 in the authentication response."}},
			{"bad base64 response", []string{"AUTH PLAIN", "+ ", "!!!!", "-ERR Invalid base64 in the authentication response."}},
			{"unknown mechanism", []string{"AUTH CRAM-MD5", "-ERR Unsupported authentication mechanism."}},
			{"mechanism list", []string{"AUTH", "+OK Supported SASL mechanisms follow|PLAIN|."}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				env := newEnv(t, nil)
				c := newClient(t, tr.Dial(t, env.srv))
				c.greeting()
				for i := 0; i < len(tt.exchange); i += 2 {
					c.cmd(tt.exchange[i])
					c.expect(strings.Split(tt.exchange[i+1], "|")...)
				}
				// AUTH after login is refused (RFC 5034 §4).
				if tt.exchange[len(tt.exchange)-1] == okLine {
					c.cmd("AUTH PLAIN " + b64("\x00alice\x00wonderland"))
					c.expect("-ERR Already logged in.")
				}
			})
		}
	})
}

// TestInUse: RFC 2449 §8.1.1, a second session for a locked maildrop gets
// [IN-USE] at once, and gets in once the first one quits.
func TestInUse(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		first := newClient(t, tr.Dial(t, env.srv))
		first.login()
		second := newClient(t, tr.Dial(t, env.srv))
		second.greeting()
		second.cmd("USER alice")
		second.expect("+OK Send your password.")
		second.cmd("PASS wonderland")
		second.expect("-ERR [IN-USE] Maildrop is locked by another POP3 session.")
		first.cmd("QUIT")
		first.expect("+OK Logging out; no messages deleted.")
		second.cmd("USER alice")
		second.expect("+OK Send your password.")
		second.cmd("PASS wonderland")
		second.expectPrefix("+OK alice's maildrop has 3 messages")
	})
}

// TestDropWithoutQuit: RFC 1939 §6, a connection that ends without QUIT
// never enters UPDATE: nothing is deleted and the lock is released.
func TestDropWithoutQuit(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.login()
		c.cmd("DELE 1")
		c.expect("+OK Message 1 marked for deletion.")
		c.close()
		env.events.WaitFor(t, "the session to close", func(ev []Event) bool { return closedSessions(ev) == 1 })

		c2 := newClient(t, tr.Dial(t, env.srv))
		c2.greeting()
		c2.cmd("USER alice")
		c2.expect("+OK Send your password.")
		c2.cmd("PASS wonderland")
		c2.expect(fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", totalSize()))
	})
}

// TestIdleAutologout: RFC 1939 §3, the timer closes the connection without
// a response and without UPDATE.
func TestIdleAutologout(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		// The timer is a minute, but from the DELE on the server's clock
		// runs a minute less 150 ms behind the real one that transports
		// measure deadlines on: the autologout comes 150 ms after the DELE
		// however long the login took on a busy machine.
		var behind atomic.Int64
		env := newEnv(t, func(c *Config) {
			c.IdleTimeout = time.Minute
			c.Now = func() time.Time { return time.Now().Add(-time.Duration(behind.Load())) }
		})
		c := newClient(t, tr.Dial(t, env.srv))
		c.login()
		behind.Store(int64(time.Minute - 150*time.Millisecond))
		c.cmd("DELE 1")
		c.expect("+OK Message 1 marked for deletion.")
		c.expectEOF()
		env.events.WaitFor(t, "the autologout", func(ev []Event) bool {
			return len(ev) > 0 && ev[len(ev)-1].Kind == EventClose && ev[len(ev)-1].Note == "autologout: idle timeout"
		})
		behind.Store(0)
		c2 := newClient(t, tr.Dial(t, env.srv))
		c2.greeting()
		c2.cmd("USER alice")
		c2.expect("+OK Send your password.")
		c2.cmd("PASS wonderland")
		c2.expect(fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", totalSize()))
	})
}

func TestLoginDelay(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		// A clock that stands still, near the real time: net.Pipe measures
		// the server's deadlines (taken from this clock) against the real one.
		now := time.Now()
		env := newEnv(t, func(c *Config) {
			c.LoginDelay = time.Minute
			c.Now = func() time.Time { return now }
		})
		c := newClient(t, tr.Dial(t, env.srv))
		c.login()
		c.cmd("QUIT")
		c.expect("+OK Logging out; no messages deleted.")
		c2 := newClient(t, tr.Dial(t, env.srv))
		c2.greeting()
		c2.cmd("USER alice")
		c2.expect("+OK Send your password.")
		c2.cmd("PASS wonderland")
		c2.expect("-ERR [LOGIN-DELAY] Logged in too recently; wait 60 seconds.")
	})
}

// tlsClient starts TLS on the test client's connection.
func (c *client) startTLS(cfg *tls.Config) {
	c.t.Helper()
	if c.r.Buffered() != 0 {
		c.t.Fatalf("%d octets arrived before the TLS handshake", c.r.Buffered())
	}
	close(c.out)
	<-c.wdone
	tc := tls.Client(c.conn, cfg)
	// The writer's fresh channel comes before the handshake, so that the
	// cleanup's close after a failed handshake does not close the old one
	// twice. Nothing is written until the handshake is done.
	c.startWriter(tc)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake: %v", err)
	}
	c.conn = tc
	c.r = bufio.NewReader(tc)
}

func TestSTLS(t *testing.T) {
	serverTLS, clientTLS := pop3test.TLS(t)
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, func(c *Config) { c.TLS = stdtls.Server(serverTLS); c.AllowInsecureAuth = false })
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("STLS")
		c.expect("+OK Begin TLS negotiation now.")
		c.startTLS(clientTLS)
		c.cmd("STLS")
		c.expect("-ERR Command not permitted when TLS active.")
		c.cmd("CAPA")
		c.expect("+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE",
			"PIPELINING", "EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", ".")
		c.cmd("USER alice")
		c.expect("+OK Send your password.")
		c.cmd("PASS wonderland")
		c.expectPrefix("+OK alice's maildrop has 3 messages")
		var sawTLS bool
		for _, e := range env.events.All() {
			if e.Kind == EventCommand && e.Command == "PASS" && !e.TLS {
				t.Fatal("PASS reported as plaintext after STLS")
			}
			sawTLS = sawTLS || e.Kind == EventTLS && e.TLS && strings.HasPrefix(e.Note, "TLS 1.3")
		}
		if !sawTLS {
			t.Fatal("no TLS 1.3 event")
		}
	})
}

// TestSTLSInjection: RFC 2595 §4 and CVE-2011-0411, a command pipelined
// after STLS in the same plaintext write is discarded, never run in TLS.
// The injection is one segment by nature (the server only sees what is in
// its buffer when it reads STLS), so the suite runs over the transports
// that deliver one write in one piece: over 5-octet segments the rest of
// the line arrives after STLS and is, to the server, the start of TLS.
func TestSTLSInjection(t *testing.T) {
	pop3test.RunWhole(t, func(t *testing.T, tr pop3test.Transport) {
		serverTLS, clientTLS := pop3test.TLS(t)
		tests := []struct {
			name   string
			unsafe bool
			first  string // the first line the client reads inside TLS
		}{
			{"discarded", false, "+OK Capability list follows"},
			{"executed in the unsafe lab mode", true, "-ERR Send USER first."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				env := newEnv(t, func(c *Config) { c.TLS = stdtls.Server(serverTLS); c.UnsafeExecutePipelinedAfterSTLS = tt.unsafe })
				c := newClient(t, tr.Dial(t, env.srv))
				c.greeting()
				c.send("STLS\r\nPASS injected\r\n")
				c.expect("+OK Begin TLS negotiation now.")
				c.startTLS(clientTLS)
				c.cmd("CAPA")
				c.expect(tt.first)
				var discard *Event
				var ranInTLS bool
				for _, e := range env.events.All() {
					if e.Kind == EventDiscard {
						discard = &e
					}
					ranInTLS = ranInTLS || e.Kind == EventCommand && e.Line == "PASS injected" && e.TLS
				}
				switch {
				case tt.unsafe && (discard != nil || !ranInTLS):
					t.Fatalf("unsafe mode: discard event %+v, injected line ran inside TLS: %v", discard, ranInTLS)
				case !tt.unsafe && (discard == nil || discard.Line != "PASS injected\r\n" || ranInTLS):
					t.Fatalf("discard event = %+v (want the injected line), ran: %v", discard, ranInTLS)
				}
			})
		}
	})
}

func TestImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := pop3test.TLS(t)
	env := newEnv(t, func(c *Config) { c.TLS = stdtls.Server(serverTLS); c.AllowInsecureAuth = false })
	cc, sc := net.Pipe()
	go env.srv.ServeConnTLS(sc)
	conn := tls.Client(cc, clientTLS)
	c := newClient(t, conn)
	c.login()
	c.cmd("CAPA")
	c.expect("+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE",
		"PIPELINING", "EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", ".")
	c.cmd("STLS")
	c.expect("-ERR STLS is only allowed before login (RFC 2595).")
}

// TestObserverRedacts: credentials are marked, and Redacted never shows them.
func TestObserverRedacts(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("USER alice")
		c.expect("+OK Send your password.")
		c.cmd("PASS wonderland")
		c.expectPrefix("+OK")
		c.cmd("QUIT")
		c.expectPrefix("+OK")
		c.expectEOF()
		env.events.WaitFor(t, "close", func(ev []Event) bool { return closedSessions(ev) == 1 })
		c2 := newClient(t, tr.Dial(t, env.srv))
		ts := c2.greeting()
		c2.cmd("APOP alice " + pop3.APOPDigest(ts, "wonderland"))
		c2.expectPrefix("+OK")
		c2.cmd("QUIT")
		c2.expectPrefix("+OK")
		c3 := newClient(t, tr.Dial(t, env.srv))
		c3.greeting()
		c3.cmd("AUTH PLAIN")
		c3.expect("+ ")
		c3.cmd(b64("\x00alice\x00wonderland"))
		c3.expectPrefix("+OK")

		env.events.WaitFor(t, "the last login", func(ev []Event) bool {
			return len(ev) > 0 && ev[len(ev)-1].Kind == EventResponse && strings.HasPrefix(ev[len(ev)-1].Line, "+OK alice's")
		})
		var redacted []string
		var states []string
		for _, e := range env.events.All() {
			r := e.Redacted()
			if strings.Contains(r, "wonderland") || strings.Contains(r, b64("\x00alice\x00wonderland")) || strings.Contains(r, pop3.APOPDigest(ts, "wonderland")) {
				t.Fatalf("Redacted() leaks a credential: %q", r)
			}
			if e.Kind == EventCommand {
				redacted = append(redacted, r)
			}
			if e.Kind == EventState {
				states = append(states, e.State.String())
			}
		}
		want := []string{"USER alice", "PASS ********", "QUIT", "APOP alice ********", "QUIT", "AUTH PLAIN", "********"}
		if strings.Join(redacted, "|") != strings.Join(want, "|") {
			t.Fatalf("redacted commands = %q, want %q", redacted, want)
		}
		wantStates := []string{"TRANSACTION", "UPDATE", "TRANSACTION", "UPDATE", "TRANSACTION"}
		if strings.Join(states, " ") != strings.Join(wantStates, " ") {
			t.Fatalf("states = %v, want %v", states, wantStates)
		}
	})
}

// TestShutdown: sessions end without UPDATE, nothing is deleted.
func TestShutdown(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, nil)
		c := newClient(t, tr.Dial(t, env.srv))
		c.login()
		c.cmd("DELE 1")
		c.expect("+OK Message 1 marked for deletion.")
		if err := env.srv.Shutdown(t.Context()); err != nil {
			t.Fatal(err)
		}
		c.expectEOF()
		m, err := env.store.Open("alice")
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if n, _ := m.Stat(); n != 3 {
			t.Fatalf("after shutdown %d messages, want 3", n)
		}
	})
}

// TestObserveBodies: with ObserveBodies, every multi-line body is reported
// exactly as it crossed, dot-stuffing and terminator included.
func TestObserveBodies(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		env := newEnv(t, func(c *Config) { c.ObserveBodies = true })
		c := newClient(t, tr.Dial(t, env.srv))
		c.login()
		c.cmd("RETR 2")
		c.expectPrefix("+OK")
		c.expect(bodyLines(pop3test.Wire[1])...)
		c.cmd("UIDL 1")
		c.expectPrefix("+OK 1 ")
		c.cmd("LIST")
		c.expectPrefix("+OK 3 messages")
		c.expect(fmt.Sprintf("1 %d", len(pop3test.Wire[0])), fmt.Sprintf("2 %d", len(pop3test.Wire[1])), fmt.Sprintf("3 %d", len(pop3test.Wire[2])), ".")
		env.events.WaitFor(t, "two bodies", func(ev []Event) bool {
			n := 0
			for _, e := range ev {
				if e.Kind == EventBody {
					n++
				}
			}
			return n == 2
		})
		var bodies []string
		for _, e := range env.events.All() {
			if e.Kind == EventBody {
				bodies = append(bodies, string(e.Data))
			}
		}
		want0 := strings.Join(bodyLines(pop3test.Wire[1]), "\r\n") + "\r\n"
		want1 := fmt.Sprintf("1 %d\r\n2 %d\r\n3 %d\r\n.\r\n", len(pop3test.Wire[0]), len(pop3test.Wire[1]), len(pop3test.Wire[2]))
		if bodies[0] != want0 || bodies[1] != want1 {
			t.Fatalf("bodies = %q, want %q and %q", bodies, want0, want1)
		}
	})
}

// TestLoginDelayCountsOnlyLogins: a login refused with [IN-USE] is not a
// login, so it does not start the LOGIN-DELAY wait.
func TestLoginDelayCountsOnlyLogins(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		now := time.Now()
		env := newEnv(t, func(c *Config) {
			c.LoginDelay = time.Minute
			c.Now = func() time.Time { return now }
		})
		m, err := env.store.Open("alice") // another session holds the maildrop
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, tr.Dial(t, env.srv))
		c.greeting()
		c.cmd("USER alice")
		c.expect("+OK Send your password.")
		c.cmd("PASS wonderland")
		c.expect("-ERR [IN-USE] Maildrop is locked by another POP3 session.")
		m.Close()
		c.cmd("USER alice")
		c.expect("+OK Send your password.")
		c.cmd("PASS wonderland")
		c.expectPrefix("+OK alice's maildrop has 3 messages")
	})
}

// TestFailedHandshakeIsNotTLS: a failed implicit-TLS handshake is
// reported with TLS false, so a log never counts it as encrypted.
func TestFailedHandshakeIsNotTLS(t *testing.T) {
	serverTLS, _ := pop3test.TLS(t)
	env := newEnv(t, func(c *Config) { c.TLS = stdtls.Server(serverTLS) })
	cc, sc := net.Pipe()
	done := make(chan struct{})
	go func() { env.srv.ServeConnTLS(sc); close(done) }()
	cc.Write([]byte("USER alice\r\n")) // plaintext where a ClientHello belongs
	cc.Close()
	<-done
	var tlsEvents []Event
	for _, e := range env.events.All() {
		if e.Kind == EventTLS {
			tlsEvents = append(tlsEvents, e)
		}
	}
	if len(tlsEvents) != 1 || tlsEvents[0].TLS || !strings.HasPrefix(tlsEvents[0].Note, "TLS handshake failed: ") {
		t.Fatalf("TLS events %+v", tlsEvents)
	}
}
