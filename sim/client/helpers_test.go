package client

import (
	"crypto/tls"
	"crypto/x509"
	mrand "math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/server"
	"pop3lab/sim/tlscert"
)

// testMessages are delivered to alice in this order. The second has lines
// that start with dots (RFC 1939 §3 byte-stuffing), the third no final
// line break.
var testMessages = []string{
	"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: Hello\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\nHi Alice,\r\nLunch tomorrow?\r\n",
	"From: carol@example.org\nSubject: Dots\n\n.starts with a dot\n..two dots\n.\nend\n",
	"Subject: No final newline\r\n\r\nline one\r\nline two",
}

// testWire are the wire forms of testMessages: CRLF and a final CRLF.
var testWire = []string{
	testMessages[0],
	"From: carol@example.org\r\nSubject: Dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n",
	"Subject: No final newline\r\n\r\nline one\r\nline two\r\n",
}

// clock is a virtual clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// events records server events.
type events struct {
	mu  sync.Mutex
	all []server.Event
}

func (e *events) Observe(ev server.Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

// commands returns the command keywords the server received, in order.
func (e *events) commands() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.all {
		if ev.Kind == server.EventCommand {
			out = append(out, ev.Command)
		}
	}
	return out
}

// plaintextCommands returns the command keywords received without TLS.
func (e *events) plaintextCommands() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.all {
		if ev.Kind == server.EventCommand && !ev.TLS {
			out = append(out, ev.Command)
		}
	}
	return out
}

// closed counts ended sessions.
func (e *events) closed() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.all {
		if ev.Kind == server.EventClose {
			n++
		}
	}
	return n
}

// waitClosed waits until n sessions have ended: the server's UPDATE is
// finished by then.
func (e *events) waitClosed(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.closed() < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d closed sessions (have %d)", n, e.closed())
		}
		time.Sleep(time.Millisecond)
	}
}

// env is a pop3lab server with an in-memory store holding alice's mail.
type env struct {
	t      *testing.T
	fsys   hackpadfs.FS
	store  *maildrop.Store
	srv    *server.Server
	events *events
}

func newEnv(t *testing.T, edit func(*server.Config), msgs ...string) *env {
	t.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	seq := 0
	base := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	store := maildrop.NewStore(fsys, "mail", maildrop.Options{
		Now:  func() time.Time { seq++; return base.Add(time.Duration(seq) * time.Second) },
		Rand: mrand.NewChaCha8([32]byte{1}),
	})
	e := &env{t: t, fsys: fsys, store: store, events: &events{}}
	for _, m := range msgs {
		e.deliver(m)
	}
	cfg := server.Config{
		Store:             store,
		Users:             server.Users{"alice": "wonderland", "bob": "pass with spaces"},
		AllowInsecureAuth: true,
		AuthFailureDelay:  -1,
		Observer:          e.events,
		Rand:              mrand.NewChaCha8([32]byte{2}),
	}
	if edit != nil {
		edit(&cfg)
	}
	e.srv = server.New(cfg)
	t.Cleanup(func() { e.srv.Shutdown(t.Context()) })
	return e
}

func (e *env) deliver(msg string) string {
	e.t.Helper()
	uid, err := e.store.Deliver("alice", strings.NewReader(msg))
	if err != nil {
		e.t.Fatal(err)
	}
	return uid
}

// serverMessages returns the UIDs left in alice's maildrop.
func (e *env) serverUIDs() []string {
	e.t.Helper()
	md, err := e.store.Open("alice")
	if err != nil {
		e.t.Fatal(err)
	}
	defer md.Close()
	var out []string
	for _, m := range md.Messages() {
		out = append(out, m.UID)
	}
	return out
}

// pipe dials the server over net.Pipe.
func (e *env) pipe() (net.Conn, error) {
	c, s := net.Pipe()
	go e.srv.ServeConn(s)
	return c, nil
}

// pipeTLS dials the server over net.Pipe for implicit TLS.
func (e *env) pipeTLS() (net.Conn, error) {
	c, s := net.Pipe()
	go e.srv.ServeConnTLS(s)
	return c, nil
}

// transport connects a client to an env's server: dial for plaintext
// (port 110 style), dialTLS for implicit TLS (port 995 style).
type transport struct {
	name    string
	dial    func(t *testing.T, e *env) Dialer
	dialTLS func(t *testing.T, e *env) Dialer
}

// transports lists the ways tests connect; tcp_test.go adds loopback TCP
// where there is a network stack.
var transports = []transport{
	{"pipe", func(t *testing.T, e *env) Dialer { return e.pipe }, func(t *testing.T, e *env) Dialer { return e.pipeTLS }},
}

// certs is one self-signed certificate for all tests: key generation is
// slow under js/wasm.
var certs = sync.OnceValues(func() (tls.Certificate, error) {
	return tlscert.SelfSigned(mrand.NewChaCha8([32]byte{'t', 'l', 's'}), time.Now(), "pop3.test")
})

// testTLS returns a server config with the test certificate and a client
// config that trusts exactly that certificate, both on X25519 (fast under
// js/wasm).
func testTLS(t testing.TB) (srv, cli *tls.Config) {
	t.Helper()
	cert, err := certs()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	srv = &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: []tls.CurveID{tls.X25519}}
	cli = &tls.Config{RootCAs: pool, ServerName: "pop3.test", CurvePreferences: []tls.CurveID{tls.X25519}}
	return srv, cli
}

// dialConn connects a low-level client.
func dialConn(t *testing.T, dial Dialer) *Conn {
	t.Helper()
	raw, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Dial(raw)
	if err != nil {
		t.Fatal(err)
	}
	c.Timeout = 20 * time.Second
	t.Cleanup(func() { c.Close() })
	return c
}

// login connects and logs in as alice with USER/PASS.
func login(t *testing.T, dial Dialer) *Conn {
	t.Helper()
	c := dialConn(t, dial)
	if err := c.User("alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.Pass("wonderland"); err != nil {
		t.Fatal(err)
	}
	return c
}

// newMailClient returns a MailClient with its own in-memory local store.
func newMailClient(t *testing.T, clk *clock, s Settings) (*MailClient, *maildrop.Store, hackpadfs.FS) {
	t.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	local := maildrop.NewStore(fsys, "mail", maildrop.Options{Now: clk.Now, Rand: mrand.NewChaCha8([32]byte{3})})
	mc, err := NewMailClient(Config{Settings: s, Mailbox: local, FS: fsys, Now: clk.Now, DeadlineClock: time.Now, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return mc, local, fsys
}

// localBodies returns the local mailbox's messages in order.
func localBodies(t *testing.T, mc *MailClient) []string {
	t.Helper()
	msgs, err := mc.LocalMessages()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		b, err := mc.ReadLocal(m.UID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}
