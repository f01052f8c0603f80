//go:build !js

package server

import (
	"net"
	"testing"
)

// loopback connects over TCP on 127.0.0.1.
var loopback = transport{"tcp", func(t *testing.T, srv *Server) net.Conn {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { l.Close() })
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return c
}}

func init() { transports = append(transports, loopback) }

// TestPlaintextAuthOnLoopback: the policy that refuses USER off loopback
// (TestPlaintextAuthPolicy) allows it on 127.0.0.1.
func TestPlaintextAuthOnLoopback(t *testing.T) {
	env := newEnv(t, func(c *Config) { c.AllowInsecureAuth = false })
	c := newClient(t, loopback.dial(t, env.srv))
	c.login()
	c.cmd("CAPA")
	c.expect("+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE",
		"PIPELINING", "EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", ".")
}
