package server

import (
	"net"

	"pop3lab/sim/pop3"
)

// Connection caps. The server counts its sessions in total, per remote
// address, and per address before login; a connection over a cap is told
// so with "-ERR [SYS/TEMP]" (RFC 3206 §4: a temporary problem, try again
// later) and closed before it costs a session.

// admission counts sessions for the connection caps. Server.mu guards it.
type admission struct {
	total  int
	byAddr map[string]int
	unauth map[string]int
}

// Texts of the refusals, one per cap.
const (
	refuseTotal  = "Too many connections; try again later."
	refuseAddr   = "Too many connections from your address; try again later."
	refuseUnauth = "Too many connections from your address waiting to log in; try again later."
)

// addressKey is the remote address that caps and the failure budget count
// by: the IP address of a TCP peer (its port changes with every
// connection), its /64 for IPv6, since one subscriber usually holds a
// whole /64 (RFC 6177); else the address as the connection names it.
func addressKey(a net.Addr) string {
	switch a := a.(type) {
	case nil:
		return ""
	case *net.TCPAddr:
		if a.IP.To4() == nil && len(a.IP) == net.IPv6len {
			return a.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
		}
		return a.IP.String()
	}
	return a.String()
}

// admit counts a new session from addr, or returns the refusal text of
// the cap it would exceed. s.mu must be held.
func (s *Server) admit(addr string) (refusal string) {
	a := &s.admission
	if a.byAddr == nil {
		a.byAddr = make(map[string]int)
		a.unauth = make(map[string]int)
	}
	if n := s.cfg.maxConns(); n > 0 && a.total >= n {
		return refuseTotal
	}
	if n := s.cfg.maxConnsPerAddress(); n > 0 && a.byAddr[addr] >= n {
		return refuseAddr
	}
	if n := s.cfg.maxUnauthenticatedPerAddress(); n > 0 && a.unauth[addr] >= n {
		return refuseUnauth
	}
	a.total++
	a.byAddr[addr]++
	a.unauth[addr]++
	return ""
}

// authenticated moves sess out of the unauthenticated count.
func (s *Server) authenticated(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess.unauthCounted {
		sess.unauthCounted = false
		decrement(s.admission.unauth, sess.addr)
	}
}

// release uncounts a session that ended. s.mu must be held.
func (s *Server) release(sess *session) {
	s.admission.total--
	decrement(s.admission.byAddr, sess.addr)
	if sess.unauthCounted {
		sess.unauthCounted = false
		decrement(s.admission.unauth, sess.addr)
	}
}

func decrement(m map[string]int, key string) {
	if m[key] <= 1 {
		delete(m, key)
		return
	}
	m[key]--
}

// refuse answers a connection over a cap and closes it. The answer gets
// one idle timeout to leave, as any write does.
func (s *Server) refuse(c net.Conn, id uint64, text string) {
	defer c.Close()
	line := pop3.FormatStatus(false, pop3.CodeSysTemp, text)
	base := Event{Session: id, Remote: c.RemoteAddr(), Body: -1}
	e := base
	e.Kind, e.Time, e.Line = EventResponse, s.cfg.now(), string(line[:len(line)-2])
	s.observe(e)
	c.SetWriteDeadline(s.cfg.now().Add(s.cfg.idleTimeout()))
	c.Write(line)
	e = base
	e.Kind, e.Time, e.State, e.Note = EventClose, s.cfg.now(), StateClosed, "refused: "+text
	s.observe(e)
}
