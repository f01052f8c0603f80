//go:build !js

package pop3test

import (
	"net"
	"testing"
)

// TCP connects over loopback TCP on 127.0.0.1: a listener per Dialer call,
// served by Serve (ServeTLS for implicit TLS), closed when the test ends.
var TCP = Transport{Name: "tcp", Loopback: true, dialer: func(t testing.TB, srv Server, implicit bool) func() (net.Conn, error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if implicit {
		go srv.ServeTLS(l)
	} else {
		go srv.Serve(l)
	}
	addr := l.Addr().String()
	return func() (net.Conn, error) { return net.Dial("tcp", addr) }
}}

// Loopback TCP exists natively, not under js/wasm.
func init() { platform = append(platform, TCP) }
