package sim

import (
	"time"

	"pop3lab/sim/pop3"
	"pop3lab/sim/wire"
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of events, in the vocabulary of the lessons.
const (
	// EvAction: the learner or a scenario did something (Text).
	EvAction EventKind = iota
	// EvNote: narration for the current step (Text).
	EvNote
	// EvSegment: bytes crossed the wire (Dir, Data, Origin, Units,
	// Secrets); what an eavesdropper sees.
	EvSegment
	// EvCommand: the server received a command line (Text, Secrets,
	// Segment).
	EvCommand
	// EvResponse: the server sent a status line (Text, Status, Code).
	EvResponse
	// EvBody: the server sent a multi-line body (Data, dot-stuffed;
	// Truncated).
	EvBody
	// EvState: the session state changed (State): AUTHORIZATION,
	// TRANSACTION, UPDATE (after QUIT, while the deletions commit),
	// CLOSED.
	EvState
	// EvTLS: TLS came up, or failed (Text).
	EvTLS
	// EvDiscard: the server threw bytes away (Text, Data).
	EvDiscard
	// EvSession: a connection opened or closed (Text).
	EvSession
	// EvClient: the mail client explains what it does (Text; Warning).
	EvClient
	// EvDelivery: a message was delivered to the server maildrop (Text).
	EvDelivery
	// EvClock: virtual time passed (Text).
	EvClock
	// EvAttack: the attacker acted (Text).
	EvAttack
	// EvError: an action failed (Text).
	EvError
	// EvMaildrop: a session entered TRANSACTION and the server numbered
	// the maildrop for it (Messages, Text; RFC 1939 §4).
	EvMaildrop
	// EvMark: DELE marked a message for deletion (Message, Text).
	EvMark
	// EvUnmark: RSET removed a message's deletion mark (Message, Text);
	// one event per message that was marked.
	EvUnmark
	// EvCommit: the UPDATE state committed the session (Messages: the
	// messages removed; Failed, Text; RFC 1939 §6).
	EvCommit
)

var eventKindNames = [...]string{"action", "note", "segment", "command", "response", "body", "state", "tls", "discard", "session", "client", "delivery", "clock", "attack", "error", "maildrop", "mark", "unmark", "commit"}

// String names the kind.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}

// MessageRef names a message of one session: its number there (fixed for
// the session, RFC 1939 §4), its UID and its size in octets.
type MessageRef struct {
	Number int
	UID    string
	Size   int64
}

// NoSegment is the Segment of an event no segment is known for.
const NoSegment = -1

// Event is one entry of the log.
type Event struct {
	// Seq numbers events from 0; Step is the action that caused it.
	Seq, Step int
	// Time is the virtual time.
	Time time.Time
	Kind EventKind
	// Conn is the connection (1, 2, ...) the event belongs to; 0 for none.
	Conn int
	// Dir is the direction of a segment.
	Dir wire.Dir
	// Text is the human-readable content: a command or status line, a
	// narration, a description.
	Text string
	// Data is the raw bytes of a segment, body or discard.
	Data []byte
	// Secrets are the credential bytes of Data (a plaintext segment) or of
	// Text (a command): views highlight them, masked exports hide them.
	Secrets []pop3.Span
	// TLS reports whether the connection was encrypted at the time.
	TLS bool
	// State is the session state after an EvState.
	State string
	// Origin says whether a segment was sent as written, rewritten or
	// injected by the attacker.
	Origin wire.Origin
	// SegmentKind tells SYN, data and FIN segments apart.
	SegmentKind wire.Kind
	// Units is what the eavesdropper decodes from a segment: POP3 lines or
	// TLS records.
	Units []wire.Unit
	// Warning marks an EvClient event that warns (a downgrade).
	Warning bool
	// Who opened the connection of an EvSession that opens one: "terminal",
	// "mail client" or "attacker".
	Who string
	// Segment is the Seq of the EvSegment that carried an EvCommand's
	// line (its final octet), or NoSegment. On a plaintext connection it
	// is exact, from the offset the server reports; inside TLS it is the
	// newest client segment of the connection when the command arrived.
	Segment int
	// Status is the status indicator of an EvResponse (+OK, -ERR, or +
	// for a SASL challenge): views colour a response by it.
	Status pop3.Indicator
	// Code is the response code of an EvResponse without brackets
	// ("IN-USE", "SYS/TEMP"), or "".
	Code string
	// Truncated reports that an EvBody's Data holds only the first
	// server.MaxObservedBody octets of the body.
	Truncated bool
	// Message is the message of an EvMark or EvUnmark.
	Message MessageRef
	// Messages are the session's messages of an EvMaildrop, or those an
	// EvCommit removed (none when none was marked).
	Messages []MessageRef
	// Failed reports that an EvCommit failed: the server answered -ERR
	// and this session removed nothing (Text says why).
	Failed bool
}
