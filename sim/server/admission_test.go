package server

import (
	"net"
	"testing"

	"pop3lab/sim/internal/pop3test"
)

// TestConnectionCaps: a connection over the total, per-address or
// unauthenticated-per-address cap gets exactly one "-ERR [SYS/TEMP]" line
// (RFC 3206 §4) and is closed; a freed place admits the next one. Every
// pipe connection has the same remote address.
func TestConnectionCaps(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Config)
		open   int // connections greeted before the refusal
		login  bool
		refuse string
	}{
		{"total", func(c *Config) { c.MaxConns = 2 }, 2, true,
			"-ERR [SYS/TEMP] Too many connections; try again later."},
		{"per address", func(c *Config) { c.MaxConnsPerAddress = 3 }, 3, true,
			"-ERR [SYS/TEMP] Too many connections from your address; try again later."},
		{"unauthenticated per address", func(c *Config) { c.MaxUnauthenticatedPerAddress = 2 }, 2, false,
			"-ERR [SYS/TEMP] Too many connections from your address waiting to log in; try again later."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, tc.edit)
			var open []*client
			for i := range tc.open {
				c := newClient(t, pop3test.Pipe.Dial(t, env.srv))
				if tc.login && i == 0 {
					// A logged-in session still counts for these caps.
					c.login()
				} else {
					c.greeting()
				}
				open = append(open, c)
			}
			over := newClient(t, pop3test.Pipe.Dial(t, env.srv))
			over.expect(tc.refuse)
			over.expectEOF()
			env.events.WaitFor(t, "the refusal logged", func(evs []Event) bool {
				for _, e := range evs {
					if e.Kind == EventClose && e.Note == "refused: "+tc.refuse[len("-ERR [SYS/TEMP] "):] {
						return true
					}
				}
				return false
			})
			open[len(open)-1].cmd("QUIT")
			open[len(open)-1].expect("+OK Logging out.")
			open[len(open)-1].expectEOF()
			env.events.WaitFor(t, "the session closed", func(evs []Event) bool { return closedSessions(evs) == 2 })
			// The place is free by the time the close event is out.
			next := newClient(t, pop3test.Pipe.Dial(t, env.srv))
			next.greeting()
		})
	}
}

// TestLoginLeavesUnauthenticatedCap: a session that logged in no longer
// counts against the cap on sessions waiting to log in.
func TestLoginLeavesUnauthenticatedCap(t *testing.T) {
	env := newEnv(t, func(c *Config) { c.MaxUnauthenticatedPerAddress = 1 })
	first := newClient(t, pop3test.Pipe.Dial(t, env.srv))
	first.greeting()
	second := newClient(t, pop3test.Pipe.Dial(t, env.srv))
	second.expect("-ERR [SYS/TEMP] Too many connections from your address waiting to log in; try again later.")
	first.cmd("USER alice")
	first.expect("+OK Send your password.")
	first.cmd("PASS wonderland")
	first.expectPrefix("+OK alice's maildrop has ")
	third := newClient(t, pop3test.Pipe.Dial(t, env.srv))
	third.greeting()
}

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 4711}, "192.0.2.7"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:0:7:a:b:c:d"), Port: 110}, "2001:db8:0:7::/64"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:0:7::1"), Port: 110}, "2001:db8:0:7::/64"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 110}, "192.0.2.7"},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 110}, "::/64"},
		{&net.UnixAddr{Name: "/run/pop3", Net: "unix"}, "/run/pop3"},
		{nil, ""},
	} {
		if got := addressKey(tc.addr); got != tc.want {
			t.Errorf("addressKey(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// TestPlaceIsFreeAtTheCloseEvent: by the time a session reports its
// close, it has left the server's sessions and freed its place under the
// caps, so whoever sees the close can connect again at once.
func TestPlaceIsFreeAtTheCloseEvent(t *testing.T) {
	var env *testEnv
	type count struct{ sessions, total, byAddr, unauth int }
	seen := make(chan count, 4)
	env = newEnv(t, func(c *Config) {
		c.MaxConns = 1
		c.Observer = ObserverFunc(func(e Event) {
			if e.Kind != EventClose {
				return
			}
			s := env.srv
			s.mu.Lock()
			seen <- count{len(s.sessions), s.admission.total, len(s.admission.byAddr), len(s.admission.unauth)}
			s.mu.Unlock()
		})
	})
	for _, quit := range []bool{true, false} {
		c := newClient(t, pop3test.Pipe.Dial(t, env.srv))
		c.greeting()
		if quit {
			c.cmd("QUIT")
			c.expect("+OK Logging out.")
			c.expectEOF()
		} else {
			c.close() // the client hangs up: the session finishes on EOF
		}
		if got := <-seen; got != (count{}) {
			t.Errorf("quit=%v: at the close event the server still counts %+v", quit, got)
		}
	}
}
