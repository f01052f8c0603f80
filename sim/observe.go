package sim

import (
	"strconv"

	"bytes"
	"fmt"
	"net"
	"pop3lab/sim/pop3"
	"strings"

	"pop3lab/sim/server"
	"pop3lab/sim/wire"
)

// connFor finds the connection of a server event by the client's port.
func (s *Simulation) connFor(remote net.Addr) *connection {
	a, ok := remote.(*net.TCPAddr)
	if !ok {
		return nil
	}
	for _, c := range s.conns {
		if int(c.port) == a.Port {
			return c
		}
	}
	return nil
}

// observe turns server events into log events and keeps each
// connection's view of its session.
func (s *Simulation) observe(e server.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.connFor(e.Remote)
	id := 0
	if c != nil {
		id = c.id
		c.tls = c.tls || e.TLS
	}
	ev := Event{Conn: id, TLS: e.TLS}
	switch e.Kind {
	case server.EventConnect:
		if c != nil {
			c.state = server.StateAuthorization.String()
		}
		return
	case server.EventCommand:
		// Each command moves the clock on a little, so captures show
		// an order. Only here: commands are sequential, while during a
		// TLS handshake both ends write at once and a tick per segment
		// would make time depend on scheduling.
		s.clock.tick()
		ev.Kind, ev.Text = EvCommand, e.Line
		if c != nil {
			c.lastCommand = e.Line
		}
		if !e.Secret.Empty() {
			ev.Secrets = []Span{{e.Secret.Start, e.Secret.End}}
			if !e.TLS {
				s.markSecretLocked(id, e.Line, e.Secret)
			}
		}
	case server.EventResponse:
		ev.Kind, ev.Text = EvResponse, e.Line
		if c != nil {
			trackMarks(c, e.Line)
		}
	case server.EventBody:
		ev.Kind, ev.Data = EvBody, e.Data
		if e.Truncated {
			ev.Text = fmt.Sprintf("(first %d octets shown)", len(e.Data))
		}
	case server.EventState:
		ev.Kind, ev.State = EvState, e.State.String()
		ev.Text = "session state: " + e.State.String()
		if c != nil {
			c.state = e.State.String()
			c.user = e.User
			if e.State == server.StateTransaction {
				// The session numbers the maildrop as it is now
				// (RFC 1939 §4); the view keeps that numbering.
				c.view, _ = s.store.List(e.User)
				c.marks = map[int]bool{}
			}
		}
	case server.EventTLS:
		// e.TLS is true once the handshake succeeded.
		ev.Kind, ev.Text = EvTLS, e.Note
	case server.EventDiscard:
		ev.Kind, ev.Text, ev.Data = EvDiscard, e.Note, []byte(e.Line)
	case server.EventClose:
		ev.Kind, ev.Text = EvSession, fmt.Sprintf("connection %d closed by the server: %s", id, e.Note)
		if c != nil {
			c.state = server.StateClosed.String()
			c.closed = true
			c.view, c.marks = nil, map[int]bool{}
		}
	default:
		return
	}
	s.logLocked(ev)
}

// trackMarks follows DELE and RSET, by the command a +OK answers, so that
// views show the deletion marks the server holds (RFC 1939 §5).
func trackMarks(c *connection, status string) {
	if !strings.HasPrefix(status, "+OK") {
		return
	}
	cmd, err := pop3.ParseCommand([]byte(c.lastCommand))
	if err != nil {
		return
	}
	switch cmd.Name {
	case "DELE":
		if n, err := strconv.Atoi(cmd.Rest); err == nil {
			c.marks[n] = true
		}
	case "RSET":
		c.marks = map[int]bool{}
	}
}

// markSecretLocked finds the plaintext segment that carried a credential
// and marks its bytes, so the wire view can highlight them.
func (s *Simulation) markSecretLocked(conn int, line string, secret server.Span) {
	needle := []byte(line)
	for i := len(s.events) - 1; i >= 0; i-- {
		ev := &s.events[i]
		if ev.Kind != EvSegment || ev.Conn != conn || ev.Dir != wire.ClientToServer {
			continue
		}
		if at := bytes.Index(ev.Data, needle); at >= 0 {
			ev.Secrets = append(ev.Secrets, Span{at + secret.Start, at + secret.End})
			return
		}
	}
}

// onSegment records what the eavesdropper sees.
func (s *Simulation) onSegment(c *connection, seg wire.Segment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := Event{Kind: EvSegment, Conn: c.id, Dir: seg.Dir, Data: seg.Payload, Origin: seg.Origin, SegmentKind: seg.Kind}
	if seg.Kind == wire.Data {
		ev.Units = c.dec.Decode(seg.Dir, seg.Payload)
		ev.TLS = c.dec.IsTLS(seg.Dir)
	}
	ev.Text = describeSegment(seg, ev.Units, ev.TLS)
	s.logLocked(ev)
}

func describeSegment(seg wire.Segment, units []wire.Unit, tls bool) string {
	switch seg.Kind {
	case wire.SYN:
		return "TCP handshake (SYN, SYN-ACK, ACK)"
	case wire.FIN:
		return fmt.Sprintf("%s FIN: no more data from this side", seg.Dir)
	}
	what := "plaintext"
	if tls {
		what = "TLS"
	}
	return fmt.Sprintf("%s %d octets, %s", seg.Dir, len(seg.Payload), what)
}
