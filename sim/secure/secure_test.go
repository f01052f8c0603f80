package secure

import (
	"errors"
	"io"
	"net"
	"testing"
)

// TestNoLayer: a program that registered no layer fails every TLS
// handshake, read and write with ErrNoLayer, on both sides.
func TestNoLayer(t *testing.T) {
	l := Default()
	for _, tt := range []struct {
		name string
		open func(net.Conn) Conn
	}{
		{"server", l.Server()},
		{"client", l.Client(io.Discard)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw, peer := net.Pipe()
			defer peer.Close()
			c := tt.open(raw)
			if err := c.Handshake(); !errors.Is(err, ErrNoLayer) {
				t.Errorf("Handshake: %v", err)
			}
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, ErrNoLayer) {
				t.Errorf("Read: %v", err)
			}
			if _, err := c.Write([]byte("x")); !errors.Is(err, ErrNoLayer) {
				t.Errorf("Write: %v", err)
			}
			if st, ok := c.State(); ok || st != (State{}) {
				t.Errorf("State = %+v, %v", st, ok)
			}
			c.Close()
			if _, err := peer.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("the raw connection is open after Close: %v", err)
			}
		})
	}
}
