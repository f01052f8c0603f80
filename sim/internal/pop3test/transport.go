package pop3test

import (
	"net"
	"testing"

	"pop3lab/sim/wire"
)

// Server is what a transport serves connections with (a *server.Server).
type Server interface {
	// ServeConn runs a plaintext session (port 110 style) on c.
	ServeConn(c net.Conn)
	// ServeConnTLS runs an implicit-TLS session (port 995 style) on c.
	ServeConnTLS(c net.Conn)
	// Serve and ServeTLS accept such sessions on a listener.
	Serve(l net.Listener) error
	ServeTLS(l net.Listener) error
}

// A Transport is one way of connecting a client to a server. Every
// protocol suite runs over each (see Run).
type Transport struct {
	// Name names the transport in subtest names: "pipe", "link",
	// "link-mss5", "tcp".
	Name string
	// Loopback is true when the client's address is a loopback address:
	// the server's plaintext-auth policy then allows USER and PASS
	// without TLS. net.Pipe and the link are not loopback.
	Loopback bool
	dialer   func(t testing.TB, srv Server, implicitTLS bool) func() (net.Conn, error)
}

// Dialer returns a dial function for srv (a client.Dialer): every call
// opens a new connection whose session srv runs, with implicit TLS
// (RFC 8314 §3.3) when implicitTLS.
func (tr Transport) Dialer(t testing.TB, srv Server, implicitTLS bool) func() (net.Conn, error) {
	t.Helper()
	return tr.dialer(t, srv, implicitTLS)
}

// Dial opens one plaintext connection to srv, failing the test on error.
func (tr Transport) Dial(t testing.TB, srv Server) net.Conn {
	t.Helper()
	c, err := tr.Dialer(t, srv, false)()
	if err != nil {
		t.Fatalf("%s: dial: %v", tr.Name, err)
	}
	return c
}

// Pipe connects over net.Pipe: synchronous and unbuffered.
var Pipe = Transport{Name: "pipe", dialer: func(t testing.TB, srv Server, implicit bool) func() (net.Conn, error) {
	return func() (net.Conn, error) {
		c, s := net.Pipe()
		go serve(srv, s, implicit)
		return c, nil
	}
}}

// Link connects over a wire.Link, the simulated TCP connection the
// browser uses: buffered, segmented at the MSS, on TEST-NET addresses, on
// the real clock.
var Link = linkTransport("link", wire.Config{})

// LinkMSS5 is Link cut into segments of at most 5 octets: every command
// and response line crosses in pieces, as a slow path or an attacker's
// re-segmentation would deliver it.
var LinkMSS5 = linkTransport("link-mss5", wire.Config{MSS: 5})

// linkTransport connects over a new wire.Link on cfg per connection.
func linkTransport(name string, cfg wire.Config) Transport {
	return Transport{Name: name, dialer: func(t testing.TB, srv Server, implicit bool) func() (net.Conn, error) {
		return func() (net.Conn, error) {
			l, err := wire.NewLink(cfg)
			if err != nil {
				return nil, err
			}
			go serve(srv, l.Server(), implicit)
			return l.Client(), nil
		}
	}}
}

// Transports returns every transport of this platform: Pipe, Link,
// LinkMSS5, and TCP where there are sockets (not js/wasm).
func Transports() []Transport {
	return append([]Transport{Pipe, Link, LinkMSS5}, platform...)
}

// platform holds the transports only some platforms have (tcp.go).
var platform []Transport

// Run runs suite as a subtest over every transport.
func Run(t *testing.T, suite func(t *testing.T, tr Transport)) {
	t.Helper()
	for _, tr := range Transports() {
		t.Run(tr.Name, func(t *testing.T) { suite(t, tr) })
	}
}

// RunOffLoopback runs suite over every transport that is not loopback:
// for the rules that hold only off loopback (the plaintext-auth policy).
func RunOffLoopback(t *testing.T, suite func(t *testing.T, tr Transport)) {
	t.Helper()
	for _, tr := range Transports() {
		if !tr.Loopback {
			t.Run(tr.Name, func(t *testing.T) { suite(t, tr) })
		}
	}
}

// RunWhole runs suite over every transport that carries a connection in
// whole chunks, leaving out LinkMSS5: for suites that move megabytes,
// which 5-octet segments make slow under js/wasm, while the other
// transports carry the same bytes; and for suites whose point is that one
// write reaches the peer's buffer in one piece (a command pipelined after
// STLS).
func RunWhole(t *testing.T, suite func(t *testing.T, tr Transport)) {
	t.Helper()
	for _, tr := range Transports() {
		if tr.Name != LinkMSS5.Name {
			t.Run(tr.Name, func(t *testing.T) { suite(t, tr) })
		}
	}
}

func serve(srv Server, c net.Conn, implicit bool) {
	if implicit {
		srv.ServeConnTLS(c)
	} else {
		srv.ServeConn(c)
	}
}
