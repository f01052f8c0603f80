package wire

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"pop3lab/sim/tlscert"
)

// testEpoch is where the test clocks start: 2024-05-01 12:00:00 UTC.
var testEpoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// A fakeClock is a virtual clock moved by hand; with step set, every
// reading also moves it on by step, so that segments get distinct times.
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func newFakeClock(step time.Duration) *fakeClock { return &fakeClock{now: testEpoch, step: step} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newTestLink makes a link on cfg and fails the test on error.
func newTestLink(t testing.TB, cfg Config) *Link {
	t.Helper()
	l, err := NewLink(cfg)
	if err != nil {
		t.Fatalf("NewLink: %v", err)
	}
	return l
}

// readN reads exactly n bytes from r.
func readN(t testing.TB, r io.Reader, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return string(b)
}

// testMessage is a 4000-octet message with CRLF line endings: a RETR of it
// crosses as three segments at the default MSS.
func testMessage() string {
	var b strings.Builder
	b.WriteString("From: bob@example.org\r\nTo: alice@example.org\r\nSubject: lunch\r\n\r\n")
	for b.Len() < 4000-2 {
		line := "The quick brown fox jumps over the lazy dog, again and again."
		if rest := 4000 - 2 - b.Len(); len(line) > rest {
			line = line[:rest]
		}
		b.WriteString(line)
		if b.Len() < 4000-2 {
			b.WriteString("\r\n")
		}
	}
	b.WriteString("\r\n")
	return b.String()
}

// plainExchange is the POP3 dialogue of plainSession, as pairs of command
// and response; the first command is empty (the greeting).
func plainExchange() [][2]string {
	msg := testMessage()
	return [][2]string{
		{"", "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"},
		{"USER alice\r\n", "+OK\r\n"},
		{"PASS tanstaaf\r\n", "+OK maildrop locked and ready\r\n"},
		{"STAT\r\n", "+OK 1 4000\r\n"},
		{"RETR 1\r\n", "+OK 4000 octets\r\n" + msg + ".\r\n"},
		{"DELE 1\r\n", "+OK message 1 deleted\r\n"},
		{"QUIT\r\n", "+OK bye\r\n"},
	}
}

// plainSession runs plainExchange over a new link in lockstep, from one
// goroutine, so that the log is the same every run; the server closes
// first, then the client.
func plainSession(t testing.TB, cfg Config) *Link {
	t.Helper()
	l := newTestLink(t, cfg)
	c, s := l.Client(), l.Server()
	for _, ex := range plainExchange() {
		if ex[0] != "" {
			if _, err := c.Write([]byte(ex[0])); err != nil {
				t.Fatalf("client write: %v", err)
			}
			if got := readN(t, s, len(ex[0])); got != ex[0] {
				t.Fatalf("server read %q, want %q", got, ex[0])
			}
		}
		if _, err := s.Write([]byte(ex[1])); err != nil {
			t.Fatalf("server write: %v", err)
		}
		if got := readN(t, c, len(ex[1])); got != ex[1] {
			t.Fatalf("client read %q, want %q", got, ex[1])
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("server close: %v", err)
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("client read after server close = %d, %v; want 0, EOF", n, err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("client close: %v", err)
	}
	return l
}

var (
	certOnce sync.Once
	certPair tls.Certificate
	certPool *x509.CertPool
)

// testCert returns an ephemeral self-signed certificate for
// pop.example.net, made once per test binary, and a pool that trusts it.
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	certOnce.Do(func() {
		var err error
		if certPair, err = tlscert.SelfSigned(rand.Reader, time.Now(), "pop.example.net"); err != nil {
			panic(err)
		}
		certPool = x509.NewCertPool()
		certPool.AddCert(certPair.Leaf)
	})
	return certPair, certPool
}

// tlsConfigs returns a server and a client configuration that trust each
// other, with X25519 only (fast under js/wasm).
func tlsConfigs(t testing.TB) (server, client *tls.Config) {
	cert, pool := testCert(t)
	curves := []tls.CurveID{tls.X25519}
	server = &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: curves}
	client = &tls.Config{RootCAs: pool, ServerName: "pop.example.net", CurvePreferences: curves}
	return server, client
}

// tlsLogin is the dialogue spoken inside TLS by tlsSession.
var tlsLogin = [][2]string{
	{"USER alice\r\n", "+OK\r\n"},
	{"PASS tanstaaf\r\n", "+OK maildrop locked and ready\r\n"},
	{"QUIT\r\n", "+OK bye\r\n"},
}

// tlsSession runs a POP3 session over TLS on a new link: implicit TLS from
// the first byte when stls is false (port 995, RFC 8314), or a plaintext
// greeting, CAPA and STLS first (RFC 2595 §4). The client closes first;
// both sides send close_notify, the server's after the client's FIN.
func tlsSession(t testing.TB, cfg Config, stls bool) *Link {
	t.Helper()
	if !cfg.Server.IsValid() {
		port := uint16(995)
		if stls {
			port = 110
		}
		cfg.Server = netip.AddrPortFrom(defaultServer.Addr(), port)
	}
	l := newTestLink(t, cfg)
	serverCfg, clientCfg := tlsConfigs(t)
	serverErr := make(chan error, 1)
	go func() { serverErr <- runTLSServer(l, serverCfg, stls) }()
	if err := runTLSClient(l, clientCfg, stls); err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := <-serverErr; err != nil {
		t.Fatalf("server: %v", err)
	}
	return l
}

const capaResponse = "+OK Capability list follows\r\nUSER\r\nSTLS\r\n.\r\n"

func runTLSServer(l *Link, cfg *tls.Config, stls bool) error {
	conn := l.Server()
	defer conn.Close()
	if stls {
		r := bufio.NewReader(conn)
		for _, ex := range [][2]string{
			{"", "+OK POP3 server ready\r\n"},
			{"CAPA\r\n", capaResponse},
			{"STLS\r\n", "+OK Begin TLS negotiation\r\n"},
		} {
			if ex[0] != "" {
				line, err := r.ReadString('\n')
				if err != nil {
					return err
				}
				if line != ex[0] {
					return errorf("read %q, want %q", line, ex[0])
				}
			}
			if _, err := io.WriteString(conn, ex[1]); err != nil {
				return err
			}
		}
		if r.Buffered() != 0 {
			return errorf("%d bytes pipelined after STLS", r.Buffered())
		}
	}
	tc := tls.Server(conn, cfg)
	if !stls {
		if _, err := io.WriteString(tc, "+OK POP3 server ready\r\n"); err != nil {
			return err
		}
	}
	r := bufio.NewReader(tc)
	for _, ex := range tlsLogin {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		if line != ex[0] {
			return errorf("read %q, want %q", line, ex[0])
		}
		if _, err := io.WriteString(tc, ex[1]); err != nil {
			return err
		}
	}
	// Wait for the client's close_notify, then send ours.
	if _, err := r.ReadByte(); err != io.EOF {
		return errorf("after QUIT: %v, want EOF", err)
	}
	return tc.Close()
}

func runTLSClient(l *Link, cfg *tls.Config, stls bool) error {
	conn := l.Client()
	defer conn.Close()
	r := bufio.NewReader(conn)
	expect := func(want string) error {
		got := make([]byte, len(want))
		if _, err := io.ReadFull(r, got); err != nil {
			return err
		}
		if string(got) != want {
			return errorf("read %q, want %q", got, want)
		}
		return nil
	}
	if stls {
		if err := expect("+OK POP3 server ready\r\n"); err != nil {
			return err
		}
		for _, ex := range [][2]string{
			{"CAPA\r\n", capaResponse},
			{"STLS\r\n", "+OK Begin TLS negotiation\r\n"},
		} {
			if _, err := io.WriteString(conn, ex[0]); err != nil {
				return err
			}
			if err := expect(ex[1]); err != nil {
				return err
			}
		}
	}
	tc := tls.Client(conn, cfg)
	tr := bufio.NewReader(tc)
	if !stls {
		line, err := tr.ReadString('\n')
		if err != nil {
			return err
		}
		if line != "+OK POP3 server ready\r\n" {
			return errorf("greeting %q", line)
		}
	}
	for _, ex := range tlsLogin {
		if _, err := io.WriteString(tc, ex[0]); err != nil {
			return err
		}
		line, err := tr.ReadString('\n')
		if err != nil {
			return err
		}
		if line != ex[1] {
			return errorf("read %q, want %q", line, ex[1])
		}
	}
	return tc.Close()
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
