package client

import (
	"bytes"
	"net"
	"sync"
)

// tamper wraps a client's transport: it can rewrite what the client
// writes, rewrite what it reads (a man in the middle), or cut the
// connection after a trigger (a network failure).
type tamper struct {
	net.Conn
	// rewriteOut replaces a whole client write equal to the key.
	rewriteOut map[string]string
	// rewriteIn replaces old with new (same length) in what is read.
	rewriteIn [2]string
	// dropAt: a client write starting with it is not sent; the
	// connection is closed instead.
	dropAt string
	// cutAfter: once the client wrote a line starting with it, allow
	// cutAllow more octets to be read, then close the connection.
	cutAfter string
	cutAllow int

	mu      sync.Mutex
	cutting bool
	read    int
}

func (t *tamper) Write(b []byte) (int, error) {
	if r, ok := t.rewriteOut[string(b)]; ok {
		if _, err := t.Conn.Write([]byte(r)); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if t.dropAt != "" && bytes.HasPrefix(b, []byte(t.dropAt)) {
		t.Conn.Close()
		return 0, net.ErrClosed
	}
	n, err := t.Conn.Write(b)
	if t.cutAfter != "" && bytes.HasPrefix(b, []byte(t.cutAfter)) {
		t.mu.Lock()
		t.cutting = true
		t.mu.Unlock()
	}
	return n, err
}

func (t *tamper) Read(b []byte) (int, error) {
	t.mu.Lock()
	cutting, left := t.cutting, t.cutAllow-t.read
	t.mu.Unlock()
	if cutting {
		if left <= 0 {
			t.Conn.Close()
			return 0, net.ErrClosed
		}
		if len(b) > left {
			b = b[:left]
		}
	}
	n, err := t.Conn.Read(b)
	if cutting {
		t.mu.Lock()
		t.read += n
		t.mu.Unlock()
	}
	if old := t.rewriteIn[0]; old != "" && n > 0 {
		copy(b[:n], bytes.ReplaceAll(b[:n], []byte(old), []byte(t.rewriteIn[1])))
	}
	return n, err
}

// wrap returns a Dialer whose connections go through a fresh tamper made
// by mk.
func wrap(dial Dialer, mk func() *tamper) Dialer {
	return func() (net.Conn, error) {
		c, err := dial()
		if err != nil {
			return nil, err
		}
		t := mk()
		t.Conn = c
		return t, nil
	}
}
