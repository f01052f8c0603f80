//go:build !js

package server

import (
	"testing"

	"pop3lab/sim/internal/pop3test"
)

// TestPlaintextAuthOnLoopback: the policy that refuses USER off loopback
// (TestPlaintextAuthPolicy) allows it on 127.0.0.1.
func TestPlaintextAuthOnLoopback(t *testing.T) {
	env := newEnv(t, func(c *Config) { c.AllowInsecureAuth = false })
	c := newClient(t, pop3test.TCP.Dial(t, env.srv))
	c.login()
	c.cmd("CAPA")
	c.expect("+OK Capability list follows", "TOP", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE",
		"PIPELINING", "EXPIRE NEVER", "UIDL", "IMPLEMENTATION pop3lab", ".")
}
