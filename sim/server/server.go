package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("pop3 server closed")

// Server serves POP3 sessions. Create it with New; it is safe for
// concurrent use.
type Server struct {
	cfg Config

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	sessions  map[*session]struct{}
	lastLogin map[string]time.Time
	nextID    uint64
	admission admission
	failures  *failureBudget // nil: no budget
	closing   bool
	done      chan struct{} // closed by Shutdown
	wg        sync.WaitGroup
}

// New returns a server with the given configuration.
func New(cfg Config) *Server {
	return &Server{
		cfg:       cfg,
		listeners: make(map[net.Listener]struct{}),
		sessions:  make(map[*session]struct{}),
		lastLogin: make(map[string]time.Time),
		done:      make(chan struct{}),
		failures:  cfg.authFailureBudget(),
	}
}

// Serve accepts plaintext connections (port 110 style, STLS offered when
// TLS is set) until the listener fails or Shutdown is called.
func (s *Server) Serve(l net.Listener) error {
	return s.serve(l, false)
}

// ServeTLS accepts implicit-TLS connections (POP3S, port 995; RFC 8314):
// every connection starts with a TLS handshake. Config.TLS must be set.
func (s *Server) ServeTLS(l net.Listener) error {
	if s.cfg.TLS == nil {
		return errors.New("pop3 server: ServeTLS needs Config.TLS")
	}
	return s.serve(l, true)
}

func (s *Server) serve(l net.Listener, implicitTLS bool) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}()
	var backoff time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			if !temporaryAcceptError(err) {
				return err
			}
			backoff = nextBackoff(backoff)
			s.cfg.logf("pop3 server: accept failed: %v; retrying in %v", err, backoff)
			t := time.NewTimer(backoff)
			select {
			case <-t.C:
			case <-s.done:
				t.Stop()
				return ErrServerClosed
			}
			continue
		}
		backoff = 0
		go s.serveConn(c, implicitTLS)
	}
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// ServeConn runs one session on c and returns when it ends. c may be any
// connection: a TCP connection or one end of an in-memory link.
func (s *Server) ServeConn(c net.Conn) {
	s.serveConn(c, false)
}

// ServeConnTLS runs one implicit-TLS session on c.
func (s *Server) ServeConnTLS(c net.Conn) {
	s.serveConn(c, true)
}

func (s *Server) serveConn(c net.Conn, implicitTLS bool) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		c.Close()
		return
	}
	s.nextID++
	id := s.nextID
	addr := addressKey(c.RemoteAddr())
	s.wg.Add(1)
	defer s.wg.Done()
	if refusal := s.admit(addr); refusal != "" {
		s.mu.Unlock()
		s.refuse(c, id, refusal)
		return
	}
	sess := newSession(s, c, id)
	sess.addr, sess.unauthCounted = addr, true
	s.sessions[sess] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.leave(sess) // done already if the session finished
		sess.release()
	}()
	if implicitTLS {
		if !sess.startTLS(s.cfg.TLS(c)) {
			sess.finish("TLS handshake failed")
			return
		}
	}
	sess.run()
}

// leave takes sess out of the server's sessions and frees its place
// under the connection caps. The session leaves before it reports its
// close, so whoever sees the close event may connect again at once; a
// second call does nothing.
func (s *Server) leave(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[sess]; !ok {
		return
	}
	delete(s.sessions, sess)
	s.release(sess)
}

// Shutdown stops accepting connections, ends every session that is not
// committing (a session in UPDATE finishes its commit first; the others
// end without UPDATE, so nothing is deleted: RFC 1939 §6), and waits for
// them until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closing {
		s.closing = true
		close(s.done)
	}
	for l := range s.listeners {
		l.Close()
	}
	for sess := range s.sessions {
		sess.interrupt()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkLoginDelay enforces LOGIN-DELAY (RFC 2449 §6.5): it reports how
// long the user must still wait since the last login.
func (s *Server) checkLoginDelay(user string, now time.Time) (wait time.Duration, ok bool) {
	if s.cfg.LoginDelay <= 0 {
		return 0, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, seen := s.lastLogin[user]; seen {
		if next := last.Add(s.cfg.LoginDelay); now.Before(next) {
			return next.Sub(now), false
		}
	}
	return 0, true
}

// recordLogin notes a successful login for LOGIN-DELAY; a login refused
// for another reason ([IN-USE]) does not count.
func (s *Server) recordLogin(user string, now time.Time) {
	if s.cfg.LoginDelay <= 0 {
		return
	}
	s.mu.Lock()
	s.lastLogin[user] = now
	s.mu.Unlock()
}

func (s *Server) observe(e Event) {
	if s.cfg.Observer != nil {
		s.cfg.Observer.Observe(e)
	}
}
