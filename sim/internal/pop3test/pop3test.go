// Package pop3test holds what the protocol tests of sim/server and
// sim/client share: the test messages and their wire forms, a virtual
// clock, an in-memory maildrop store, one TLS certificate, a log of
// observed events, and the transports every protocol suite runs over
// (net.Pipe; the simulator's wire.Link, at the default MSS and cut into
// 5-octet segments; loopback TCP where there are sockets), the way
// hackpadfs runs one conformance suite over every backend.
//
// It imports neither sim/server nor sim/client, so that their own
// (internal) tests can use it.
package pop3test

import (
	"crypto/tls"
	"crypto/x509"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/tlscert"
)

// User and Password are the account the test messages are delivered to.
const (
	User     = "alice"
	Password = "wonderland"
)

// Messages are the test messages, delivered in this order. The second has
// lines that start with dots (RFC 1939 §3 byte-stuffing) and LF line
// endings, the third no final line break.
var Messages = []string{
	"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: Hello\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\nHi Alice,\r\nLunch tomorrow?\r\n",
	"From: carol@example.org\nSubject: Dots\n\n.starts with a dot\n..two dots\n.\nend\n",
	"Subject: No final newline\r\n\r\nline one\r\nline two",
}

// Wire are the wire forms of Messages, as RETR sends them un-stuffed:
// CRLF line endings and a final CRLF.
var Wire = []string{
	Messages[0],
	"From: carol@example.org\r\nSubject: Dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n",
	"Subject: No final newline\r\n\r\nline one\r\nline two\r\n",
}

// WireSize is the total size of Wire in octets: what STAT reports.
func WireSize() int {
	n := 0
	for _, w := range Wire {
		n += len(w)
	}
	return n
}

// Clock is a virtual clock that tests move by hand; safe for concurrent
// use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that reads start until moved.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// NewStore returns a maildrop store under "mail" on a fresh in-memory file
// system, with deterministic names: its clock starts one second after
// base and moves one second each time it is read, its randomness is
// seeded. msgs are delivered to User in order.
func NewStore(t testing.TB, base time.Time, msgs ...string) (*maildrop.Store, hackpadfs.FS) {
	t.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	seq := 0
	store := maildrop.NewStore(fsys, "mail", maildrop.Options{
		Now:  func() time.Time { seq++; return base.Add(time.Duration(seq) * time.Second) },
		Rand: mrand.NewChaCha8([32]byte{1}),
	})
	for _, m := range msgs {
		if _, err := store.Deliver(User, strings.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
	return store, fsys
}

// ServerName is the name in the test certificate.
const ServerName = "pop3.test"

// cert is one self-signed certificate for all tests: key generation is
// slow under js/wasm.
var cert = sync.OnceValues(func() (tls.Certificate, error) {
	return tlscert.SelfSigned(mrand.NewChaCha8([32]byte{'t', 'l', 's'}), time.Now(), ServerName)
})

// TLS returns a server config with the test certificate and a client
// config that trusts exactly that certificate, both on X25519 (fast under
// js/wasm).
func TLS(t testing.TB) (srv, cli *tls.Config) {
	t.Helper()
	c, err := cert()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c.Leaf)
	srv = &tls.Config{Certificates: []tls.Certificate{c}, CurvePreferences: []tls.CurveID{tls.X25519}}
	cli = &tls.Config{RootCAs: pool, ServerName: ServerName, CurvePreferences: []tls.CurveID{tls.X25519}}
	return srv, cli
}

// Log records observed events of type E (a server's Observer); safe for
// concurrent use.
type Log[E any] struct {
	mu     sync.Mutex
	events []E
}

// Observe records e.
func (l *Log[E]) Observe(e E) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// All returns a copy of the events so far.
func (l *Log[E]) All() []E {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]E(nil), l.events...)
}

// WaitFor polls until cond holds over the events, or fails the test
// after 10 s.
func (l *Log[E]) WaitFor(t testing.TB, what string, cond func([]E) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond(l.All()) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
