package sim

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
	"pop3lab/sim/server"
	"pop3lab/sim/wire"
	"pop3lab/sim/wording"
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
// connection's view of its session. Everything it knows of the session
// comes from the event's fields; it never reads the server's text.
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
		ev.Kind, ev.Text, ev.Segment = EvCommand, e.Line, NoSegment
		if c != nil {
			ev.Segment = c.commandSegment(e)
		}
		if !e.Secret.Empty() {
			ev.Secrets = []pop3.Span{e.Secret}
			if !e.TLS && c != nil {
				s.markSecretLocked(c, e.Offset+int64(e.Secret.Start), e.Offset+int64(e.Secret.End))
			}
		}
	case server.EventResponse:
		ev.Kind, ev.Text, ev.Status, ev.Code = EvResponse, e.Line, e.Status, e.Code
	case server.EventBody:
		ev.Kind, ev.Data, ev.Truncated = EvBody, e.Data, e.Truncated
	case server.EventState:
		ev.Kind, ev.State = EvState, e.State.String()
		ev.Text = "session state: " + e.State.String()
		if c != nil {
			c.state = e.State.String()
			c.user = e.User
		}
	case server.EventMaildrop:
		ev.Kind, ev.Messages = EvMaildrop, messageRefs(e.Messages)
		ev.Text = fmt.Sprintf("maildrop of %s locked and numbered for this session: %s", e.User, wording.Plural(len(e.Messages), "message"))
		if c != nil {
			// The session numbers the maildrop as it is now
			// (RFC 1939 §4); the view keeps that numbering.
			c.view, c.marks = ev.Messages, map[int]bool{}
		}
	case server.EventMark:
		ev.Kind, ev.Message = EvMark, messageRef(e.Message)
		ev.Text = fmt.Sprintf("message %d (UID %s) marked for deletion", e.Message.Number, e.Message.UID)
		if c != nil {
			c.marks[e.Message.Number] = true
		}
	case server.EventUnmark:
		ev.Kind, ev.Message = EvUnmark, messageRef(e.Message)
		ev.Text = fmt.Sprintf("message %d (UID %s) no longer marked for deletion", e.Message.Number, e.Message.UID)
		if c != nil {
			delete(c.marks, e.Message.Number)
		}
	case server.EventCommit:
		ev.Kind, ev.Messages, ev.Failed = EvCommit, messageRefs(e.Messages), e.Err != nil
		ev.Text = describeCommit(e)
		s.lastUpdate = &UpdateReport{Conn: id, Step: s.step, Deleted: ev.Messages, Failed: ev.Failed}
		if e.Err != nil {
			s.lastUpdate.Reason = e.Err.Error()
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

func messageRef(m maildrop.Message) MessageRef {
	return MessageRef{Number: m.Number, UID: m.UID, Size: m.Size}
}

func messageRefs(ms []maildrop.Message) []MessageRef {
	refs := make([]MessageRef, len(ms))
	for i, m := range ms {
		refs[i] = messageRef(m)
	}
	return refs
}

func describeCommit(e server.Event) string {
	if e.Err != nil {
		return "UPDATE failed, nothing removed: " + e.Err.Error()
	}
	if len(e.Messages) == 0 {
		return "UPDATE: no message was marked, nothing removed; maildrop unlocked"
	}
	nums := make([]string, len(e.Messages))
	for i, m := range e.Messages {
		nums[i] = strconv.Itoa(m.Number)
	}
	return fmt.Sprintf("UPDATE: removed %s (%s); maildrop unlocked", wording.Plural(len(e.Messages), "message"), strings.Join(nums, ", "))
}

// inboundSegment is a client data segment: where its payload lies in the
// client's byte stream, and its event.
type inboundSegment struct {
	start, end int64
	seq        int
}

// commandSegment returns the Seq of the segment that carried the final
// octet of a command line and forgets the segments before it. The server
// reports where the line began in its input; the line's terminator is at
// least one octet after the text. Inside TLS the offsets count decrypted
// octets, so the newest client segment stands in.
func (c *connection) commandSegment(e server.Event) int {
	if e.TLS {
		return c.lastInbound
	}
	last := e.Offset + int64(len(e.Line))
	for i, seg := range c.inbound {
		if seg.start <= last && last < seg.end {
			c.inbound = c.inbound[i:]
			return seg.seq
		}
	}
	return c.lastInbound
}

// markSecretLocked marks the credential octets [start, end) of the
// client's stream in the plaintext segments that carried them, so the
// wire view can highlight them.
func (s *Simulation) markSecretLocked(c *connection, start, end int64) {
	for _, seg := range c.inbound {
		lo, hi := max(start, seg.start), min(end, seg.end)
		if lo < hi {
			ev := &s.events[seg.seq]
			ev.Secrets = append(ev.Secrets, pop3.Span{Start: int(lo - seg.start), End: int(hi - seg.start)})
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
	if seg.Kind == wire.Data && seg.Dir == wire.ClientToServer {
		c.lastInbound = len(s.events)
		c.inbound = append(c.inbound, inboundSegment{start: seg.Offset, end: seg.Offset + int64(len(seg.Payload)), seq: c.lastInbound})
	}
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
