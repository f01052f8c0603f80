package server

import (
	"bufio"
	"io"
	mrand "math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/maildrop"
)

// testEnv is a server over an in-memory maildrop store with the sample
// user alice and three messages.
type testEnv struct {
	t      *testing.T
	srv    *Server
	store  *maildrop.Store
	cfg    Config
	events *eventLog
	sleeps *[]time.Duration
}

func newEnv(t *testing.T, edit func(*Config)) *testEnv {
	t.Helper()
	store, _ := pop3test.NewStore(t, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), pop3test.Messages...)
	env := &testEnv{t: t, store: store, events: &eventLog{}, sleeps: new([]time.Duration)}
	var sleepMu sync.Mutex
	env.cfg = Config{
		Store:             store,
		Users:             Users{"alice": "wonderland", "bob": "pass with spaces"},
		AllowInsecureAuth: true,
		Observer:          env.events,
		Rand:              mrand.NewChaCha8([32]byte{2}),
		Sleep: func(d time.Duration) {
			sleepMu.Lock()
			*env.sleeps = append(*env.sleeps, d)
			sleepMu.Unlock()
		},
	}
	if edit != nil {
		edit(&env.cfg)
	}
	env.srv = New(env.cfg)
	t.Cleanup(func() { env.srv.Shutdown(t.Context()) })
	return env
}

// client is a line-level test client. Writes go through one goroutine so
// a test can pipeline over the unbuffered net.Pipe without deadlock.
type client struct {
	t     *testing.T
	conn  net.Conn
	r     *bufio.Reader
	out   chan []byte
	wdone chan struct{}
	once  sync.Once // close runs once: a test may close before its cleanup does
}

func newClient(t *testing.T, conn net.Conn) *client {
	c := &client{t: t, conn: conn, r: bufio.NewReader(conn)}
	c.startWriter(conn)
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.close() })
	return c
}

// startWriter starts the goroutine that writes what the test sends to w,
// on a fresh channel.
func (c *client) startWriter(w io.Writer) {
	out, done := make(chan []byte, 64), make(chan struct{})
	c.out, c.wdone = out, done
	go func() {
		defer close(done)
		for b := range out {
			if _, err := w.Write(b); err != nil {
				return
			}
		}
	}()
}

func (c *client) close() {
	c.once.Do(func() {
		close(c.out)
		c.conn.Close()
	})
}

// send writes raw bytes.
func (c *client) send(s string) { c.out <- []byte(s) }

// cmd sends one command line with CRLF.
func (c *client) cmd(line string) { c.send(line + "\r\n") }

// line reads one line and returns it without CRLF; the line must end in CRLF.
func (c *client) line() string {
	c.t.Helper()
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("reading a line: %v (got %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("line %q does not end in CRLF", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// expect reads lines and compares them exactly.
func (c *client) expect(want ...string) {
	c.t.Helper()
	for _, w := range want {
		if got := c.line(); got != w {
			c.t.Fatalf("got line %q, want %q", got, w)
		}
	}
}

// expectPrefix reads one line that must start with prefix, and returns it.
func (c *client) expectPrefix(prefix string) string {
	c.t.Helper()
	got := c.line()
	if !strings.HasPrefix(got, prefix) {
		c.t.Fatalf("got line %q, want prefix %q", got, prefix)
	}
	return got
}

// expectEOF asserts the server closed the connection.
func (c *client) expectEOF() {
	c.t.Helper()
	b, err := c.r.ReadByte()
	if err == nil {
		rest, _ := c.r.ReadString('\n')
		c.t.Fatalf("want the connection closed, got %q", string(b)+rest)
	}
	if err != io.EOF && !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "closed") {
		c.t.Fatalf("want EOF, got %v", err)
	}
}

// greeting reads the greeting and returns the APOP timestamp.
func (c *client) greeting() string {
	c.t.Helper()
	g := c.expectPrefix("+OK POP3 server ready <")
	return g[strings.Index(g, "<"):]
}

// login greets and logs in as alice with USER/PASS.
func (c *client) login() {
	c.t.Helper()
	c.greeting()
	c.cmd("USER alice")
	c.expect("+OK Send your password.")
	c.cmd("PASS wonderland")
	c.expectPrefix("+OK alice's maildrop has ")
}

// eventLog records the server's events.
type eventLog = pop3test.Log[Event]

func closedSessions(events []Event) int {
	n := 0
	for _, e := range events {
		if e.Kind == EventClose {
			n++
		}
	}
	return n
}
