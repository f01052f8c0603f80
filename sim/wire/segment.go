package wire

import (
	"fmt"
	"time"
)

// Dir is the direction a segment travels.
type Dir uint8

// The two directions of a link.
const (
	// ClientToServer carries commands: the client end writes, the server
	// end reads.
	ClientToServer Dir = iota
	// ServerToClient carries responses: the server end writes, the client
	// end reads.
	ServerToClient
)

// String returns "C->S" or "S->C".
func (d Dir) String() string {
	switch d {
	case ClientToServer:
		return "C->S"
	case ServerToClient:
		return "S->C"
	}
	return fmt.Sprintf("Dir(%d)", uint8(d))
}

// reverse returns the other direction.
func (d Dir) reverse() Dir { return d ^ 1 }

// valid reports whether d is one of the two directions.
func (d Dir) valid() bool { return d == ClientToServer || d == ServerToClient }

// Kind says what a segment stands for on the wire.
type Kind uint8

// Segment kinds.
const (
	// Data is a segment carrying payload bytes (TCP PSH|ACK).
	Data Kind = iota
	// SYN is the opening of the connection: the three-way handshake
	// (RFC 9293 §3.5). It is recorded once, in ClientToServer, when the
	// link is made.
	SYN
	// FIN is the close of one direction (RFC 9293 §3.6): its end was
	// closed, and the peer reads io.EOF once it has read what came before.
	FIN
)

// String returns "data", "SYN" or "FIN".
func (k Kind) String() string {
	switch k {
	case Data:
		return "data"
	case SYN:
		return "SYN"
	case FIN:
		return "FIN"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Origin says who put a segment's bytes on the wire.
type Origin uint8

// Segment origins.
const (
	// Sent bytes are exactly what the sending end wrote.
	Sent Origin = iota
	// Rewritten bytes are what the middlebox delivered in place of a chunk
	// the sending end wrote, when they differ from it.
	Rewritten
	// Injected bytes were put on the wire by Link.Inject; the sending end
	// never wrote them.
	Injected
)

// String returns "sent", "rewritten" or "injected".
func (o Origin) String() string {
	switch o {
	case Sent:
		return "sent"
	case Rewritten:
		return "rewritten"
	case Injected:
		return "injected"
	}
	return fmt.Sprintf("Origin(%d)", uint8(o))
}

// A Segment is one TCP segment that crossed the link, as the receiver got it.
type Segment struct {
	// Index is the segment's position in the link's log, from 0.
	Index int
	// Kind is Data, SYN or FIN.
	Kind Kind
	// Dir is the direction the segment travelled.
	Dir Dir
	// Origin says whether the sender, the middlebox or an injection put
	// the bytes there.
	Origin Origin
	// Time is the virtual clock when the segment crossed.
	Time time.Time
	// Seq is the TCP sequence number: the initial sequence number for SYN,
	// the number of the first payload byte for Data, the number the FIN
	// occupies for FIN (RFC 9293 §3.4). It wraps modulo 2^32.
	Seq uint32
	// Offset is the number of payload bytes that crossed in Dir before
	// this segment; Offset+1 is what Wireshark calls the relative
	// sequence number.
	Offset int64
	// Payload is the bytes that crossed; empty for SYN and FIN. It is
	// shared with the log and must not be modified.
	Payload []byte
}

// String describes the segment in one line, as a packet list would:
// "#3 C->S data seq=1001 len=12".
func (s Segment) String() string {
	str := fmt.Sprintf("#%d %v %v seq=%d len=%d", s.Index, s.Dir, s.Kind, s.Seq, len(s.Payload))
	if s.Origin != Sent {
		str += " " + s.Origin.String()
	}
	return str
}
