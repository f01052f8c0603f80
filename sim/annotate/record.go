package annotate

import (
	"strings"
	"time"

	"pop3lab/sim/wire"
)

// Kind says what a Record stands for.
type Kind uint8

// Record kinds.
const (
	// Line is a POP3 line with its line ending.
	Line Kind = iota
	// TLSRecord is one TLS record, header and payload (RFC 8446 §5.1).
	TLSRecord
	// SYN is the opening of the connection; it carries no bytes.
	SYN
	// FIN is the close of one direction; it carries no bytes.
	FIN
)

// String returns "line", "TLS record", "SYN" or "FIN".
func (k Kind) String() string {
	switch k {
	case Line:
		return "line"
	case TLSRecord:
		return "TLS record"
	case SYN:
		return "SYN"
	case FIN:
		return "FIN"
	}
	return "unknown"
}

// A Record is one unit an eavesdropper reads off the wire, explained.
type Record struct {
	// Index is the record's position in the connection, from 0.
	Index int
	// Dir is the direction it travelled.
	Dir wire.Dir
	// Kind is Line, TLSRecord, SYN or FIN.
	Kind Kind
	// Offset is the position of Bytes[0] in the direction's byte stream.
	Offset int64
	// Bytes are the record's bytes as they crossed; empty for SYN and FIN.
	// They are shared with the Annotator and must not be modified.
	Bytes []byte
	// Segments are the indexes (wire.Segment.Index) of the segments that
	// carried its bytes, in order; one or more.
	Segments []int
	// Cuts are the offsets in Bytes where a new segment began: where TCP
	// split the record. Empty when one segment carried it.
	Cuts []int
	// Origin is Injected or Rewritten when the attacker put any of the
	// bytes there, else Sent.
	Origin wire.Origin
	// Time is when its last byte crossed.
	Time time.Time
	// Span is the root of the span tree: it covers [0, len(Bytes)).
	Span Span
}

// Tree returns the record's span tree as indented text (see WriteTree).
func (r Record) Tree() string {
	var b strings.Builder
	WriteTree(&b, r.Span, r.Bytes)
	return b.String()
}
