package server

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	mrand "math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/tlscert"
)

// transport is one way of connecting a test client to a server: the same
// protocol suite runs over each (in-memory pipe and loopback TCP).
type transport struct {
	name string
	dial func(t *testing.T, srv *Server) net.Conn
}

// pipe connects over net.Pipe, which is not a loopback address: the
// plaintext-auth policy applies to it.
var pipe = transport{"pipe", func(t *testing.T, srv *Server) net.Conn {
	c, s := net.Pipe()
	go srv.ServeConn(s)
	return c
}}

// transports lists every transport; the TCP one is added where the
// platform has sockets (not js/wasm).
var transports = []transport{pipe}

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

var testMessages = []string{
	"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: Hello\r\n\r\nHi Alice,\r\nLunch tomorrow?\r\n",
	"From: carol@example.org\nSubject: Dots\n\n.starts with a dot\n..two dots\n.\nend\n",
	"Subject: No final newline\r\n\r\nline one\r\nline two",
}

// wire forms of testMessages: CRLF line endings and a final CRLF.
var testWire = []string{
	testMessages[0],
	"From: carol@example.org\r\nSubject: Dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n",
	"Subject: No final newline\r\n\r\nline one\r\nline two\r\n",
}

func newEnv(t *testing.T, edit func(*Config)) *testEnv {
	t.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	seq := 0
	base := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	store := maildrop.NewStore(fsys, "mail", maildrop.Options{
		Now:  func() time.Time { seq++; return base.Add(time.Duration(seq) * time.Second) },
		Rand: mrand.NewChaCha8([32]byte{1}),
	})
	for _, m := range testMessages {
		if _, err := store.Deliver("alice", strings.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
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
}

func newClient(t *testing.T, conn net.Conn) *client {
	c := &client{t: t, conn: conn, r: bufio.NewReader(conn), out: make(chan []byte, 64), wdone: make(chan struct{})}
	go func() {
		defer close(c.wdone)
		for b := range c.out {
			if _, err := conn.Write(b); err != nil {
				return
			}
		}
	}()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.close() })
	return c
}

func (c *client) close() {
	select {
	case <-c.wdone:
	default:
		close(c.out)
	}
	c.conn.Close()
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

type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) Observe(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events...)
}

// waitFor polls until cond holds over the events or fails after 5 s.
func (l *eventLog) waitFor(t *testing.T, what string, cond func([]Event) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond(l.all()) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func closedSessions(events []Event) int {
	n := 0
	for _, e := range events {
		if e.Kind == EventClose {
			n++
		}
	}
	return n
}

// testTLS returns a server config with a fresh self-signed certificate and
// a client config that trusts exactly that certificate.
func testTLS(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	cert, err := tlscert.SelfSigned(rand.Reader, time.Now(), "localhost")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	server = &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: []tls.CurveID{tls.X25519}}
	client = &tls.Config{RootCAs: pool, ServerName: "localhost", CurvePreferences: []tls.CurveID{tls.X25519}}
	return server, client
}
