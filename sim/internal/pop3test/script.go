package pop3test

import (
	"bytes"
	"io"
	"net"
	"time"
)

// ScriptConn is a net.Conn for fuzzing one side of a session: it reads a
// fixed script of the peer's bytes from In and records what is written in
// Out. Deadlines are accepted and ignored; its addresses are those of the
// simulated link (TEST-NET-1, RFC 5737), as seen from the server.
type ScriptConn struct {
	In  io.Reader
	Out bytes.Buffer
}

var _ net.Conn = (*ScriptConn)(nil)

// NewScriptConn returns a ScriptConn that reads script.
func NewScriptConn(script []byte) *ScriptConn { return &ScriptConn{In: bytes.NewReader(script)} }

// Read reads the script; io.EOF at its end.
func (c *ScriptConn) Read(p []byte) (int, error) { return c.In.Read(p) }

// Write records p.
func (c *ScriptConn) Write(p []byte) (int, error) { return c.Out.Write(p) }

// Close does nothing.
func (c *ScriptConn) Close() error { return nil }

// LocalAddr is the server's address, 192.0.2.25:110.
func (c *ScriptConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 25), Port: 110}
}

// RemoteAddr is the client's address, 192.0.2.10:49152: not loopback.
func (c *ScriptConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 49152}
}

// SetDeadline does nothing.
func (c *ScriptConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline does nothing.
func (c *ScriptConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline does nothing.
func (c *ScriptConn) SetWriteDeadline(time.Time) error { return nil }
