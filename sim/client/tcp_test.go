//go:build !js

package client

import (
	"net"
	"testing"
)

// Loopback TCP exists natively, not under js/wasm: the same suites run over
// it there.
func init() {
	transports = append(transports, transport{"tcp", tcpDial(false), tcpDial(true)})
}

// tcpDial starts the env's server on a loopback listener (ServeTLS for
// implicit TLS) and returns a Dialer for it.
func tcpDial(implicit bool) func(t *testing.T, e *env) Dialer {
	return func(t *testing.T, e *env) Dialer {
		t.Helper()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		if implicit {
			go e.srv.ServeTLS(l)
		} else {
			go e.srv.Serve(l)
		}
		addr := l.Addr().String()
		return func() (net.Conn, error) { return net.Dial("tcp", addr) }
	}
}
