package wire

import (
	"bytes"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// An end is one side of a Link, a net.Conn. It writes in direction out and
// reads what travels in the reverse direction.
type end struct {
	link          *Link
	out           Dir
	closed        bool // guarded by link.mu
	readDeadline  *deadline
	writeDeadline *deadline
}

var _ net.Conn = (*end)(nil)

func newEnd(l *Link, out Dir) *end {
	return &end{link: l, out: out, readDeadline: newDeadline(), writeDeadline: newDeadline()}
}

// peer returns the other end of the link.
func (e *end) peer() *end {
	if e.out == ClientToServer {
		return e.link.server
	}
	return e.link.client
}

// Read reads bytes that crossed towards this end. It blocks until some are
// there, the peer has closed (io.EOF once the bytes before the FIN are
// read), this end is closed (net.ErrClosed) or the read deadline passes
// (os.ErrDeadlineExceeded).
func (e *end) Read(b []byte) (int, error) {
	l := e.link
	in := &l.inbox[e.out.reverse()]
	l.mu.Lock()
	for {
		switch {
		case e.closed:
			l.mu.Unlock()
			return 0, e.opError("read", net.ErrClosed)
		case e.readDeadline.expired():
			l.mu.Unlock()
			return 0, e.opError("read", os.ErrDeadlineExceeded)
		case len(in.chunks) > 0:
			n := in.read(b)
			l.mu.Unlock()
			return n, nil
		case in.eof:
			l.mu.Unlock()
			return 0, io.EOF
		case len(b) == 0:
			l.mu.Unlock()
			return 0, nil
		}
		changed, timeout := in.wait(), e.readDeadline.wait()
		dir := e.out.reverse()
		l.waiting[dir]++
		l.settle()
		l.mu.Unlock()
		select {
		case <-changed:
		case <-timeout:
		}
		l.mu.Lock()
		l.waiting[dir]--
	}
}

// Write sends b towards the peer. It never waits for the peer to read. It
// fails with net.ErrClosed after this end was closed, and with
// os.ErrDeadlineExceeded when the write deadline has passed. After the peer
// has closed, the bytes still cross the wire (so a second close_notify is
// seen, as on a real network) and the peer's stack discards them; a real
// stack would answer with RST and fail later writes, which the link does
// not model.
func (e *end) Write(b []byte) (int, error) {
	data := bytes.Clone(b)
	l := e.link
	l.mu.Lock()
	switch {
	case e.closed:
		l.mu.Unlock()
		return 0, e.opError("write", net.ErrClosed)
	case e.writeDeadline.expired():
		l.mu.Unlock()
		return 0, e.opError("write", os.ErrDeadlineExceeded)
	case len(b) == 0:
		l.mu.Unlock()
		return 0, nil
	}
	l.send(job{dir: e.out, kind: Data, origin: Sent, data: data})
	return len(b), nil
}

// Close closes this end: its pending and later Reads and Writes fail with
// net.ErrClosed, bytes still arriving are discarded, and a FIN crosses after
// whatever this end wrote before, so the peer reads io.EOF once it has read
// them. Closing twice is an error.
func (e *end) Close() error {
	l := e.link
	l.mu.Lock()
	if e.closed {
		l.mu.Unlock()
		return e.opError("close", net.ErrClosed)
	}
	e.closed = true
	in := &l.inbox[e.out.reverse()]
	in.closed = true
	in.chunks = nil
	in.signal()
	l.settle()
	l.finQueued[e.out] = true
	e.readDeadline.stop()
	e.writeDeadline.stop()
	l.send(job{dir: e.out, kind: FIN})
	return nil
}

// LocalAddr returns this end's configured address as a *net.TCPAddr.
func (e *end) LocalAddr() net.Addr {
	if e.out == ClientToServer {
		return net.TCPAddrFromAddrPort(e.link.cfg.Client)
	}
	return net.TCPAddrFromAddrPort(e.link.cfg.Server)
}

// RemoteAddr returns the peer's configured address as a *net.TCPAddr.
func (e *end) RemoteAddr() net.Addr { return e.peer().LocalAddr() }

// SetDeadline sets the read and write deadlines.
func (e *end) SetDeadline(t time.Time) error {
	if err := e.SetReadDeadline(t); err != nil {
		return err
	}
	return e.SetWriteDeadline(t)
}

// SetReadDeadline sets the time, on the link's clock, after which Read fails
// with os.ErrDeadlineExceeded; zero means none. See Link.CheckDeadlines.
func (e *end) SetReadDeadline(t time.Time) error {
	return e.setDeadline(e.readDeadline, t)
}

// SetWriteDeadline sets the time, on the link's clock, after which Write
// fails with os.ErrDeadlineExceeded; zero means none. Writes never block, so
// only a deadline already passed has an effect.
func (e *end) SetWriteDeadline(t time.Time) error {
	return e.setDeadline(e.writeDeadline, t)
}

func (e *end) setDeadline(d *deadline, t time.Time) error {
	l := e.link
	l.mu.Lock()
	closed := e.closed
	l.mu.Unlock()
	if closed {
		return e.opError("set deadline", net.ErrClosed)
	}
	d.set(t, l.cfg.Clock(), l.cfg.VirtualTime)
	return nil
}

// opError wraps err as a TCP connection would.
func (e *end) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: e.LocalAddr(), Addr: e.RemoteAddr(), Err: err}
}

// A deadline is a point on the link's clock, watched by a real timer of the
// remaining duration and by Link.CheckDeadlines.
type deadline struct {
	mu     sync.Mutex
	at     time.Time // zero: no deadline
	timer  *time.Timer
	gen    uint64        // counts set calls, so that a stale timer does nothing
	passed chan struct{} // closed once the deadline has passed
}

func newDeadline() *deadline { return &deadline{passed: make(chan struct{})} }

// set moves the deadline to t; now is the clock's current time.
func (d *deadline) set(t, now time.Time, virtual bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopLocked()
	d.at = t
	if t.IsZero() {
		d.reopenLocked()
		return
	}
	wait := t.Sub(now)
	if wait <= 0 {
		d.expireLocked()
		return
	}
	d.reopenLocked()
	if virtual {
		return
	}
	gen := d.gen
	d.timer = time.AfterFunc(wait, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.gen == gen {
			d.expireLocked()
		}
	})
}

// check expires the deadline if now has reached it.
func (d *deadline) check(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.at.IsZero() && !now.Before(d.at) {
		d.expireLocked()
	}
}

// stop releases the timer; the deadline no longer fires.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopLocked()
}

// wait returns a channel closed when the deadline passes.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.passed
}

// expired reports whether the deadline has passed.
func (d *deadline) expired() bool {
	select {
	case <-d.wait():
		return true
	default:
		return false
	}
}

func (d *deadline) stopLocked() {
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}

func (d *deadline) expireLocked() {
	select {
	case <-d.passed:
	default:
		close(d.passed)
	}
}

func (d *deadline) reopenLocked() {
	select {
	case <-d.passed:
		d.passed = make(chan struct{})
	default:
	}
}
