package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Sizes.
const (
	// DefaultMSS is the maximum segment size on Ethernet: an MTU of 1500
	// less 20 bytes of IPv4 header and 20 of TCP header (RFC 9293 §3.7.1).
	DefaultMSS = 1460
	// MaxMSS is the largest payload one IPv4 datagram can carry: 65535
	// less the two 20-byte headers (RFC 791 §3.1).
	MaxMSS = 65535 - 20 - 20
)

// Default endpoints, from the documentation range TEST-NET-1 (RFC 5737). The
// client port is the first dynamic port (RFC 6335 §6); 110 is POP3
// (RFC 1939 §3).
var (
	defaultClient = netip.MustParseAddrPort("192.0.2.10:49152")
	defaultServer = netip.MustParseAddrPort("192.0.2.25:110")
)

// Config describes the connection a Link stands for. The zero Config is
// usable: every zero field takes its default.
type Config struct {
	// Client is the client's IPv4 address and port; default
	// 192.0.2.10:49152.
	Client netip.AddrPort
	// Server is the server's IPv4 address and port; default
	// 192.0.2.25:110. Use port 995 for POP3 over implicit TLS (RFC 8314).
	Server netip.AddrPort
	// MSS is the maximum segment size: a Write longer than this crosses as
	// several segments. Default DefaultMSS; at most MaxMSS.
	MSS int
	// Clock is the virtual clock that stamps segments and against which
	// deadlines are measured; default time.Now. It is called from the
	// goroutines that use the link and must be safe for concurrent use.
	Clock func() time.Time
	// ClientISN and ServerISN are the initial sequence numbers of the two
	// directions (RFC 9293 §3.4.1). A real stack picks them at random; the
	// simulation takes them as given, zero included, so that runs repeat.
	ClientISN, ServerISN uint32
	// VirtualTime makes deadlines pass only when CheckDeadlines finds the
	// clock past them, never by a real timer: a simulation's autologout
	// then happens in virtual time only, the same on every replay.
	VirtualTime bool
}

// normalize fills in defaults and checks the fields.
func (c Config) normalize() (Config, error) {
	if !c.Client.IsValid() {
		c.Client = defaultClient
	}
	if !c.Server.IsValid() {
		c.Server = defaultServer
	}
	for _, ap := range []*netip.AddrPort{&c.Client, &c.Server} {
		a := ap.Addr().Unmap()
		if !a.Is4() {
			return c, fmt.Errorf("wire: address %v is not IPv4", ap)
		}
		*ap = netip.AddrPortFrom(a, ap.Port())
	}
	switch {
	case c.MSS == 0:
		c.MSS = DefaultMSS
	case c.MSS < 1 || c.MSS > MaxMSS:
		return c, fmt.Errorf("wire: MSS %d out of range 1..%d", c.MSS, MaxMSS)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c, nil
}

// A Link is one simulated TCP connection between a client end and a server
// end. Make one with NewLink.
//
// All methods are safe for concurrent use. Chunks cross the wire one at a
// time, in the order their Writes (or Injects, or Closes) were made: while
// one goroutine carries a chunk across, calling the middlebox and the tap,
// chunks written by other goroutines, or by the tap and the middlebox
// themselves, wait in a queue and are carried by that same goroutine before
// it returns. A Write (or Inject, or Close) returns once its chunk has
// crossed, tap called: so what its caller does next, such as reporting that
// its session ended, comes after the chunk in every log, however the
// goroutines are scheduled. Only a write made while a tap or middlebox runs
// (the attacker answering from inside the middlebox) returns with its chunk
// queued, since the goroutine that would carry it may be its own. No write
// waits for the reader.
type Link struct {
	cfg    Config
	client *end
	server *end

	mu        sync.Mutex
	log       []Segment
	next      [2]uint32 // next sequence number, by direction
	offset    [2]int64  // payload bytes sent, by direction
	inbox     [2]inbox  // bytes that crossed, waiting for the receiver, by direction
	finQueued [2]bool   // the sending end of the direction has closed
	tap       func(Segment)
	middlebox Middlebox
	crossing  bool          // a goroutine is carrying chunks across
	callbacks int           // taps and middleboxes running now
	queue     []job         // chunks waiting to cross
	waiting   [2]int        // readers blocked for more data, by the direction they read
	settled   chan struct{} // closed at the next change a WaitIdle caller watches for
}

// NewLink returns a link for cfg, already open: its log starts with the SYN
// segment that stands for the three-way handshake, stamped with the clock.
func NewLink(cfg Config) (*Link, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	l := &Link{cfg: cfg}
	l.client = newEnd(l, ClientToServer)
	l.server = newEnd(l, ServerToClient)
	l.log = append(l.log, Segment{Kind: SYN, Dir: ClientToServer, Time: cfg.Clock(), Seq: cfg.ClientISN})
	l.next = [2]uint32{cfg.ClientISN + 1, cfg.ServerISN + 1}
	return l, nil
}

// Config returns the link's configuration with the defaults filled in.
func (l *Link) Config() Config { return l.cfg }

// Client returns the client's end: what it writes travels ClientToServer,
// and it reads what travels ServerToClient. It is always the same net.Conn.
func (l *Link) Client() net.Conn { return l.client }

// Server returns the server's end: what it writes travels ServerToClient,
// and it reads what travels ClientToServer. Its LocalAddr is Config.Server
// and its RemoteAddr Config.Client, as a server's accept would give.
func (l *Link) Server() net.Conn { return l.server }

// SetTap installs the eavesdropper: tap is called for every segment, SYN and
// FIN included, as it crosses, in log order, before the receiver can read
// its bytes. The SYN segment is recorded by NewLink, before any tap can be
// set; read it from Segments. A nil tap removes it. The tap must not modify
// the payload; it may write to the link (see Link).
func (l *Link) SetTap(tap func(Segment)) {
	l.mu.Lock()
	l.tap = tap
	l.mu.Unlock()
}

// SetMiddlebox installs the attacker on the path; nil removes it. Chunks
// already queued to cross still pass through the middlebox installed when
// they start crossing.
func (l *Link) SetMiddlebox(m Middlebox) {
	l.mu.Lock()
	l.middlebox = m
	l.mu.Unlock()
}

// Inject puts p on the wire in direction dir as if the sending end had
// written it, bypassing the middlebox: the receiver reads it in order with
// the rest, and it is recorded with Origin Injected. It fails with an error
// wrapping net.ErrClosed once the sending end of the direction has closed:
// no data may follow a FIN (RFC 9293 §3.6).
func (l *Link) Inject(dir Dir, p []byte) error {
	if !dir.valid() {
		return fmt.Errorf("wire: inject: invalid direction %v", dir)
	}
	data := bytes.Clone(p)
	l.mu.Lock()
	if l.finQueued[dir] {
		l.mu.Unlock()
		return fmt.Errorf("wire: inject %v: %w", dir, net.ErrClosed)
	}
	if len(data) == 0 {
		l.mu.Unlock()
		return nil
	}
	l.send(job{dir: dir, kind: Data, origin: Injected, data: data})
	return nil
}

// Segments returns a copy of the log: every segment that crossed, in order,
// starting with the SYN. The payloads are shared and must not be modified.
func (l *Link) Segments() []Segment {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Segment(nil), l.log...)
}

// CheckDeadlines expires every deadline of both ends that the clock has
// reached. Deadlines are absolute times on Config.Clock; the link also
// waits for each with a real timer of the remaining duration, so with
// time.Now as the clock they behave as on a TCP connection. A simulation
// whose virtual clock jumps ahead calls CheckDeadlines after each jump, so
// that an autologout timer (RFC 1939 §3) fires in virtual time.
func (l *Link) CheckDeadlines() {
	now := l.cfg.Clock()
	for _, e := range []*end{l.client, l.server} {
		e.readDeadline.check(now)
		e.writeDeadline.check(now)
	}
}

// ErrNotIdle is returned by WaitIdle when the receiver stays busy.
var ErrNotIdle = errors.New("wire: the receiver did not go idle")

// WaitIdle blocks until the receiving end of direction dir has read
// everything sent its way and is blocked in Read waiting for more, or is
// closed (then closed is true), or until the real-time limit passes
// (ErrNotIdle). A simulation
// calls it after each action so that the server has answered before the
// next one: that makes the order of events independent of scheduling.
func (l *Link) WaitIdle(dir Dir, limit time.Duration) (closed bool, err error) {
	if !dir.valid() {
		return false, fmt.Errorf("wire: wait idle: invalid direction %v", dir)
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	receiver := l.server
	if dir == ServerToClient {
		receiver = l.client
	}
	l.mu.Lock()
	for {
		in := &l.inbox[dir]
		// A pending EOF counts as work: the reader is about to wake up
		// and react to the close.
		if receiver.closed || (l.waiting[dir] > 0 && len(in.chunks) == 0 && !in.eof && !l.crossing && len(l.queue) == 0) {
			closed := receiver.closed
			l.mu.Unlock()
			return closed, nil
		}
		if l.settled == nil {
			l.settled = make(chan struct{})
		}
		ch := l.settled
		l.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return false, ErrNotIdle
		}
		l.mu.Lock()
	}
}

// settle wakes WaitIdle callers; l.mu is held.
func (l *Link) settle() {
	if l.settled != nil {
		close(l.settled)
		l.settled = nil
	}
}

// WritePcap writes every segment of the link so far to w as a libpcap file;
// see the package function WritePcap.
func (l *Link) WritePcap(w io.Writer) error {
	return WritePcap(w, l.cfg, l.Segments())
}

// A job is one chunk waiting to cross.
type job struct {
	dir    Dir
	kind   Kind // Data or FIN
	origin Origin
	data   []byte
	// crossed, if not nil, is closed once the chunk has crossed: the
	// writer waits for it when another goroutine carries the chunk.
	crossed chan struct{}
}

// send queues j and, unless another goroutine is already carrying chunks,
// carries every queued chunk across. It is called with l.mu held and returns
// with it released.
func (l *Link) send(j job) {
	if l.crossing {
		if l.callbacks == 0 {
			j.crossed = make(chan struct{})
		}
		l.queue = append(l.queue, j)
		l.mu.Unlock()
		if j.crossed != nil {
			<-j.crossed
		}
		return
	}
	l.queue = append(l.queue, j)
	l.crossing = true
	done := false
	var current job
	defer func() {
		if !done { // a tap, middlebox or clock panicked, outside l.mu
			l.mu.Lock()
			l.crossing = false
			for _, q := range append(l.queue, current) {
				if q.crossed != nil {
					close(q.crossed)
				}
			}
			l.queue = nil
			l.mu.Unlock()
		}
	}()
	for len(l.queue) > 0 {
		current = l.queue[0]
		l.queue[0] = job{}
		l.queue = l.queue[1:]
		mb, tap := l.middlebox, l.tap
		l.mu.Unlock()
		l.carry(current, mb, tap)
		if current.crossed != nil {
			close(current.crossed)
		}
		current = job{}
		l.mu.Lock()
	}
	l.queue = nil
	l.crossing = false
	l.settle()
	done = true
	l.mu.Unlock()
}

// carry takes one chunk across the wire: through the middlebox, cut into
// segments, each recorded, shown to the tap and delivered. It is called
// without l.mu held.
func (l *Link) carry(j job, mb Middlebox, tap func(Segment)) {
	if j.kind == FIN {
		now := l.cfg.Clock()
		l.mu.Lock()
		seg := l.record(now, j.dir, FIN, Sent, nil)
		l.mu.Unlock()
		if tap != nil {
			l.enterCallback()
			tap(seg)
			l.leaveCallback()
		}
		l.mu.Lock()
		in := &l.inbox[j.dir]
		in.eof = true
		in.signal()
		l.mu.Unlock()
		return
	}
	data, origin := j.data, j.origin
	if mb != nil && origin == Sent {
		l.enterCallback()
		out := mb.Intercept(j.dir, bytes.Clone(data))
		l.leaveCallback()
		if !bytes.Equal(out, data) {
			data, origin = bytes.Clone(out), Rewritten
		}
	}
	for len(data) > 0 {
		n := min(len(data), l.cfg.MSS)
		p := data[:n:n]
		data = data[n:]
		now := l.cfg.Clock()
		l.mu.Lock()
		seg := l.record(now, j.dir, Data, origin, p)
		l.mu.Unlock()
		if tap != nil {
			l.enterCallback()
			tap(seg)
			l.leaveCallback()
		}
		l.mu.Lock()
		in := &l.inbox[j.dir]
		if !in.closed { // a closed receiver discards what arrives
			in.chunks = append(in.chunks, p)
			in.signal()
		}
		l.mu.Unlock()
	}
}

// enterCallback and leaveCallback bracket a call of the tap or the
// middlebox; a panic in it leaves the count up, and the link with it (the
// panic ends the carrying anyway).
func (l *Link) enterCallback() {
	l.mu.Lock()
	l.callbacks++
	l.mu.Unlock()
}

func (l *Link) leaveCallback() {
	l.mu.Lock()
	l.callbacks--
	l.mu.Unlock()
}

// record appends a segment to the log and advances the sequence numbers.
// l.mu must be held.
func (l *Link) record(now time.Time, dir Dir, kind Kind, origin Origin, p []byte) Segment {
	seg := Segment{
		Index:   len(l.log),
		Kind:    kind,
		Dir:     dir,
		Origin:  origin,
		Time:    now,
		Seq:     l.next[dir],
		Offset:  l.offset[dir],
		Payload: p,
	}
	switch kind {
	case Data:
		l.next[dir] += uint32(len(p))
		l.offset[dir] += int64(len(p))
	case FIN:
		l.next[dir]++ // the FIN occupies one sequence number (RFC 9293 §3.4)
	}
	l.log = append(l.log, seg)
	return seg
}

// An inbox holds the bytes that crossed in one direction until the
// receiving end reads them. Its fields are guarded by Link.mu.
type inbox struct {
	chunks  [][]byte      // read-only slices of segment payloads
	eof     bool          // the sender's FIN has crossed
	closed  bool          // the receiver has closed: arrivals are discarded
	changed chan struct{} // closed at the next change, if a reader waits
}

// wait returns a channel closed at the next change of the inbox.
func (in *inbox) wait() <-chan struct{} {
	if in.changed == nil {
		in.changed = make(chan struct{})
	}
	return in.changed
}

// signal wakes the readers waiting for a change.
func (in *inbox) signal() {
	if in.changed != nil {
		close(in.changed)
		in.changed = nil
	}
}

// read copies buffered bytes into b.
func (in *inbox) read(b []byte) int {
	n := 0
	for n < len(b) && len(in.chunks) > 0 {
		c := copy(b[n:], in.chunks[0])
		n += c
		if c == len(in.chunks[0]) {
			in.chunks[0] = nil
			in.chunks = in.chunks[1:]
		} else {
			in.chunks[0] = in.chunks[0][c:]
		}
	}
	return n
}
