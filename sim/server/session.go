package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"pop3lab/sim/pop3"
	"pop3lab/sim/secure"
)

// errCloseSession ends the read loop after the response was sent.
var errCloseSession = errors.New("close session")

// session is one POP3 connection. Only its own goroutine touches its fields,
// except state, which Shutdown reads under mu.
type session struct {
	srv  *Server
	cfg  *Config
	id   uint64
	raw  net.Conn // the transport as accepted
	conn net.Conn // raw, or the tls.Conn on top of it

	in        *countingReader // the transport's input, counted
	lines     *pop3.LineReader
	br        *bufio.Reader  // under lines, from readBuffers
	lineStart int64          // input offset of the line being read
	w         *bufio.Writer  // nil between commands: see out
	dl        deadlineWriter // under w: conn, with the write deadline

	// addr is the remote address the connection caps count by; Server.mu
	// guards unauthCounted: whether the session counts as not logged in.
	addr          string
	unauthCounted bool

	mu          sync.Mutex
	state       State
	interrupted bool

	tlsActive   bool
	timestamp   string // APOP challenge from the greeting
	user        string // from USER, waiting for PASS
	authUser    string // logged-in user
	mbox        maildropSession
	badCommands int
	authFails   int
	closeNote   string
}

func newSession(srv *Server, c net.Conn, id uint64) *session {
	s := &session{srv: srv, cfg: &srv.cfg, id: id, raw: c}
	s.setConn(c)
	return s
}

// setConn makes c the session's connection: at the start, and after
// STLS, when what was buffered of the plaintext is dropped.
func (s *session) setConn(c net.Conn) {
	s.conn = c
	s.dl = deadlineWriter{s, c}
	s.in = &countingReader{r: c}
	if s.br == nil {
		s.br = readBuffers.Get().(*bufio.Reader)
	}
	s.br.Reset(s.in)
	s.lines = pop3.NewLineReader(s.br)
	s.releaseWriter()
}

// readBuffers holds the read buffers of ended sessions, for new ones: a
// server that completes thousands of sessions a second does not allocate
// one for each.
var readBuffers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufferSize) }}

// release returns the session's buffers once it has ended.
func (s *session) release() {
	s.releaseWriter()
	if s.br == nil {
		return
	}
	s.br.Reset(nil)
	readBuffers.Put(s.br)
	s.br, s.lines = nil, nil
}

const (
	// readBufferSize holds a few pipelined commands (at most 255 octets
	// each, RFC 2449 §4); longer SASL lines are read in parts.
	readBufferSize = 1024
	// writeChunk is the size of the write buffer and the most a session
	// writes under one write deadline.
	writeChunk = 32 << 10
)

// writeBuffers holds the write buffers of sessions that are waiting for
// a command: an idle session keeps none, so that thousands of idle
// connections cost little memory.
var writeBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeChunk) }}

// out returns the session's write buffer, taking one from the pool if the
// session is between commands.
func (s *session) out() *bufio.Writer {
	if s.w == nil {
		s.w = writeBuffers.Get().(*bufio.Writer)
		s.w.Reset(&s.dl) // a pointer: no allocation for every command
	}
	return s.w
}

// releaseWriter gives the write buffer back to the pool. Anything still
// buffered is dropped: callers flush first, or the session is ending.
func (s *session) releaseWriter() {
	if s.w == nil {
		return
	}
	s.w.Reset(nil)
	writeBuffers.Put(s.w)
	s.w = nil
}

// deadlineWriter writes to the connection in chunks of at most
// writeChunk octets and moves the write deadline one idle timeout ahead
// before each, so that a client reading slowly but steadily gets a
// message of any size and only a client that stops reading is cut off:
// the autologout timer is about inactivity (RFC 1939 §3).
type deadlineWriter struct {
	s *session
	c net.Conn
}

func (w deadlineWriter) Write(p []byte) (n int, err error) {
	for len(p) > 0 {
		chunk := p[:min(len(p), writeChunk)]
		w.c.SetWriteDeadline(w.s.cfg.now().Add(w.s.cfg.idleTimeout()))
		m, err := w.c.Write(chunk)
		n += m
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// readLine reads the next line and remembers where in the input it began.
func (s *session) readLine() ([]byte, error) {
	s.lineStart = s.in.n - int64(s.lines.R.Buffered())
	return s.lines.ReadLine()
}

// countingReader counts the octets read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// observing reports whether events go anywhere, so that a session builds
// costly ones only when they do.
func (s *session) observing() bool { return s.srv.cfg.Observer != nil }

// interrupt ends the session from outside (Shutdown) unless it is
// committing its UPDATE.
func (s *session) interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interrupted = true
	if s.state != StateUpdate {
		s.raw.Close()
	}
}

func (s *session) setState(st State) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	s.event(Event{Kind: EventState})
}

func (s *session) getState() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *session) event(e Event) {
	if s.srv.cfg.Observer == nil {
		return
	}
	e.Session = s.id
	e.Time = s.cfg.now()
	e.Remote = s.raw.RemoteAddr()
	e.State = s.getState()
	e.User = s.authUser
	e.TLS = s.tlsActive
	if !e.Multiline {
		e.Body = -1
	}
	s.srv.observe(e)
}

func (s *session) run() {
	s.timestamp = s.newTimestamp()
	s.event(Event{Kind: EventConnect, Note: s.timestamp})
	s.reply(true, "", "POP3 server ready "+s.timestamp)
	for {
		if s.lines.R.Buffered() == 0 {
			// PIPELINING (RFC 2449 §6.6): answers to pipelined commands
			// go out together, once no more input is waiting.
			if err := s.flush(); err != nil {
				s.finish("write failed: " + err.Error())
				return
			}
			s.releaseWriter()
		}
		s.conn.SetReadDeadline(s.cfg.now().Add(s.cfg.idleTimeout()))
		line, err := s.readLine()
		if err == pop3.ErrLineTooLong {
			s.reply(false, "", fmt.Sprintf("Line too long: commands are at most %d octets (RFC 2449).", pop3.MaxCommandLine))
			if s.badCommand() {
				return
			}
			continue
		}
		if err != nil {
			s.finish(readFailure(err))
			return
		}
		switch err := s.handle(line); err {
		case nil:
		case errSessionFinished:
			return
		case errCloseSession:
			s.flush()
			s.finish(s.closeNote)
			return
		default:
			s.flush()
			s.finish(err.Error())
			return
		}
	}
}

func readFailure(err error) string {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		// RFC 1939 §3: the autologout timer closes without a response
		// and without entering UPDATE.
		return "autologout: idle timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by client"
	case errors.Is(err, net.ErrClosed):
		return "connection closed by server shutdown"
	}
	return "read failed: " + err.Error()
}

// finish ends the session without UPDATE unless it already committed.
func (s *session) finish(note string) {
	if s.mbox != nil {
		// No QUIT: release the lock, delete nothing (RFC 1939 §6).
		s.mbox.Close()
		s.mbox = nil
	}
	s.conn.Close()
	s.raw.Close()
	s.releaseWriter()
	s.mu.Lock()
	if s.interrupted && note == "connection closed by client" {
		note = "connection closed by server shutdown"
	}
	s.state = StateClosed
	s.mu.Unlock()
	s.srv.leave(s)
	s.event(Event{Kind: EventClose, Note: note})
}

func (s *session) flush() error {
	if s.w == nil {
		return nil
	}
	return s.w.Flush()
}

// reply sends a status line.
func (s *session) reply(ok bool, code, text string) {
	s.status(ok, code, text, false, -1)
}

// replyBody sends the +OK of a multi-line response whose body of size
// octets (-1: not known in advance) follows.
func (s *session) replyBody(ok bool, code, text string, size int64) {
	s.status(ok, code, text, true, size)
}

func (s *session) status(ok bool, code, text string, multiline bool, size int64) {
	line := pop3.FormatStatus(ok, code, text)
	s.out().Write(line)
	s.event(Event{Kind: EventResponse, Line: string(line[:len(line)-2]), Status: pop3.StatusIndicator(ok), Code: code, Multiline: multiline, Body: size})
}

// replyLines sends a status line and a multi-line body of the given lines.
func (s *session) replyLines(text string, lines []string) {
	var size int64
	for _, l := range lines {
		size += int64(len(l)) + 2
	}
	s.replyBody(true, "", text, size)
	dw := s.bodyWriter()
	for _, l := range lines {
		dw.Write([]byte(l))
		dw.Write([]byte("\r\n"))
	}
	dw.Close()
}

// bodyWriter returns the dot-stuffing writer for a multi-line body; with
// Config.ObserveBodies its Close reports the body as an EventBody.
func (s *session) bodyWriter() io.WriteCloser {
	if !s.cfg.ObserveBodies || s.cfg.Observer == nil {
		return pop3.NewDotWriter(s.out())
	}
	ob := &observedBody{s: s}
	ob.DotWriter = pop3.NewDotWriter(io.MultiWriter(s.out(), &ob.capture))
	return ob
}

// observedBody keeps the first MaxObservedBody octets of a body.
type observedBody struct {
	*pop3.DotWriter
	s       *session
	capture boundedBuffer
}

func (o *observedBody) Close() error {
	err := o.DotWriter.Close()
	o.s.event(Event{Kind: EventBody, Data: o.capture.b, Truncated: o.capture.over})
	return err
}

// boundedBuffer keeps at most MaxObservedBody octets and accepts the rest.
type boundedBuffer struct {
	b    []byte
	over bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	room := MaxObservedBody - len(b.b)
	if len(p) > room {
		b.b = append(b.b, p[:room]...)
		b.over = true
		return len(p), nil
	}
	b.b = append(b.b, p...)
	return len(p), nil
}

// badCommand counts a bad command and reports whether the session must
// close because of too many.
func (s *session) badCommand() bool {
	s.badCommands++
	if s.badCommands < s.cfg.maxBadCommands() {
		return false
	}
	s.reply(false, "", "Too many bad commands; closing the connection.")
	s.flush()
	s.finish("too many bad commands")
	return true
}

func (s *session) newTimestamp() string {
	src := s.cfg.Rand
	if src == nil {
		src = rand.Reader
	}
	var b [8]byte
	if _, err := io.ReadFull(src, b[:]); err != nil {
		binary.BigEndian.PutUint64(b[:], uint64(s.cfg.now().UnixNano()))
	}
	// RFC 1939 §7: a msg-id, unique for every greeting.
	return fmt.Sprintf("<%d.%d@%s>", binary.BigEndian.Uint64(b[:])%1e12, s.cfg.now().Unix(), s.cfg.hostname())
}

// startTLS runs a server handshake on tc and switches the session onto it.
func (s *session) startTLS(tc secure.Conn) bool {
	tc.SetDeadline(s.cfg.now().Add(s.cfg.idleTimeout()))
	if err := tc.Handshake(); err != nil {
		s.event(Event{Kind: EventTLS, Note: "TLS handshake failed: " + err.Error()})
		tc.Close() // a TLS end that never shook hands sends nothing more
		return false
	}
	tc.SetDeadline(zeroTime)
	s.tlsActive = true
	st, _ := tc.State()
	s.setConn(tc)
	s.event(Event{Kind: EventTLS, Note: st.VersionName + " " + st.CipherSuiteName})
	return true
}

// plaintextAuthAllowed reports whether USER/PASS and AUTH PLAIN may be
// used: over TLS, on loopback, or where the configuration allows it.
func (s *session) plaintextAuthAllowed() bool {
	if s.tlsActive || s.cfg.AllowInsecureAuth {
		return true
	}
	if a, ok := s.raw.RemoteAddr().(*net.TCPAddr); ok && a.IP.IsLoopback() {
		return true
	}
	return false
}

// secretSpan finds the credential bytes of a command line.
func secretSpan(line []byte, cmd pop3.Command) pop3.Span {
	nameEnd := len(cmd.Name) + 1
	switch cmd.Name {
	case "PASS":
		if len(line) > nameEnd {
			return pop3.Span{Start: nameEnd, End: len(line)}
		}
	case "APOP", "AUTH":
		// The second argument: APOP's digest, AUTH's initial response.
		if len(cmd.Args) >= 2 {
			start := nameEnd + len(cmd.Args[0]) + 1
			return pop3.Span{Start: start, End: len(line)}
		}
	}
	return pop3.Span{}
}

var zeroTime time.Time

// topLines copies the headers, the blank line, and then at most n body
// lines of a wire-form message (RFC 1939 §7 TOP).
func topLines(dst io.Writer, src io.Reader, n int) error {
	br := bufio.NewReaderSize(src, 32*1024)
	inBody := false
	for {
		if inBody && n == 0 {
			return nil
		}
		line, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			// A long line: copy its parts.
			if _, werr := dst.Write(line); werr != nil {
				return werr
			}
			line, err = br.ReadSlice('\n')
		}
		if len(line) > 0 {
			if _, werr := dst.Write(line); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if inBody {
			n--
		} else if bytes.Equal(line, []byte("\r\n")) {
			inBody = true
		}
	}
}
