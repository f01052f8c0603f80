package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"pop3lab/sim/pop3"
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

	lines *pop3.LineReader
	br    *bufio.Reader // under lines
	w     *bufio.Writer

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
	if s.br == nil {
		s.br = readerPool.Get().(*bufio.Reader)
		s.w = writerPool.Get().(*bufio.Writer)
	}
	s.br.Reset(c)
	s.w.Reset(c)
	s.lines = pop3.NewLineReader(s.br)
}

// Buffers of ended sessions, for new ones: a server that completes
// thousands of sessions a second does not allocate 36 KB for each.
var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32*1024) }}
)

// release returns the session's buffers once it has ended.
func (s *session) release() {
	if s.br == nil {
		return
	}
	s.br.Reset(nil)
	s.w.Reset(nil)
	readerPool.Put(s.br)
	writerPool.Put(s.w)
	s.br, s.w, s.lines = nil, nil, nil
}

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
		}
		s.conn.SetReadDeadline(s.cfg.now().Add(s.cfg.idleTimeout()))
		line, err := s.lines.ReadLine()
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
	s.mu.Lock()
	if s.interrupted && note == "connection closed by client" {
		note = "connection closed by server shutdown"
	}
	s.state = StateClosed
	s.mu.Unlock()
	s.event(Event{Kind: EventClose, Note: note})
}

func (s *session) flush() error {
	s.conn.SetWriteDeadline(s.cfg.now().Add(s.cfg.idleTimeout()))
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
	s.w.Write(line)
	s.event(Event{Kind: EventResponse, Line: string(line[:len(line)-2]), Multiline: multiline, Body: size})
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
		return pop3.NewDotWriter(s.w)
	}
	ob := &observedBody{s: s}
	ob.DotWriter = pop3.NewDotWriter(io.MultiWriter(s.w, &ob.capture))
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
func (s *session) startTLS(tc *tls.Conn) bool {
	tc.SetDeadline(s.cfg.now().Add(s.cfg.idleTimeout()))
	if err := tc.Handshake(); err != nil {
		s.event(Event{Kind: EventTLS, Note: "TLS handshake failed: " + err.Error()})
		return false
	}
	tc.SetDeadline(zeroTime)
	s.tlsActive = true
	st := tc.ConnectionState()
	s.setConn(tc)
	s.event(Event{Kind: EventTLS, Note: tls.VersionName(st.Version) + " " + tls.CipherSuiteName(st.CipherSuite)})
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
func secretSpan(line []byte, cmd pop3.Command) Span {
	nameEnd := len(cmd.Name) + 1
	switch cmd.Name {
	case "PASS":
		if len(line) > nameEnd {
			return Span{nameEnd, len(line)}
		}
	case "APOP", "AUTH":
		// The second argument: APOP's digest, AUTH's initial response.
		if len(cmd.Args) >= 2 {
			start := nameEnd + len(cmd.Args[0]) + 1
			return Span{start, len(line)}
		}
	}
	return Span{}
}

var zeroTime time.Time

var errNotNumber = errors.New("not a message number")

// parseNumber parses a decimal message number or line count: digits
// only, no sign, at most 9 digits.
func parseNumber(arg string) (int, error) {
	if arg == "" || len(arg) > 9 {
		return 0, errNotNumber
	}
	n := 0
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c < '0' || c > '9' {
			return 0, errNotNumber
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

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
