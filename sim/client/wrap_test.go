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
	// rewriteIn replaces old with new (same length) in what is read, also
	// when old arrives split over several reads (a link cut into small
	// segments): a tail that may begin old is held back until the next
	// read completes or refutes it. So old must not begin with anything a
	// response can end with (CRLF), or that end would wait for bytes that
	// never come.
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

	// For rewriteIn, used by the one reader.
	held    []byte // read and rewritten; may begin old, so not yet returned
	ready   []byte // rewritten, to return
	readErr error  // the error to return once ready is empty
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
	old, repl := []byte(t.rewriteIn[0]), []byte(t.rewriteIn[1])
	if len(old) == 0 {
		return t.readConn(b)
	}
	for len(t.ready) == 0 {
		if t.readErr != nil {
			return 0, t.readErr
		}
		buf := make([]byte, 4096)
		n, err := t.readConn(buf)
		t.held = bytes.ReplaceAll(append(t.held, buf[:n]...), old, repl)
		keep := 0
		if err == nil {
			keep = prefixTail(t.held, old)
		}
		t.ready = append(t.ready, t.held[:len(t.held)-keep]...)
		t.held = append([]byte(nil), t.held[len(t.held)-keep:]...)
		t.readErr = err
	}
	n := copy(b, t.ready)
	t.ready = t.ready[n:]
	return n, nil
}

// prefixTail returns the length of the longest tail of b that is a proper
// prefix of old.
func prefixTail(b, old []byte) int {
	for k := min(len(old)-1, len(b)); k > 0; k-- {
		if bytes.HasSuffix(b, old[:k]) {
			return k
		}
	}
	return 0
}

// readConn reads from the connection, cutting it as cutAfter says.
func (t *tamper) readConn(b []byte) (int, error) {
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
