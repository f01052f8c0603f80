package server

import (
	"fmt"
	"net"
	"time"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
)

// State is a POP3 session state (RFC 1939 §3).
type State int

// The session states.
const (
	// StateAuthorization: after the greeting, until a successful login.
	StateAuthorization State = iota
	// StateTransaction: logged in, the maildrop locked.
	StateTransaction
	// StateUpdate: after QUIT in TRANSACTION, while deletions commit.
	StateUpdate
	// StateClosed: the connection has ended.
	StateClosed
)

// stateNames are the states' names as RFC 1939 spells them.
var stateNames = [...]string{
	StateAuthorization: "AUTHORIZATION", StateTransaction: "TRANSACTION", StateUpdate: "UPDATE", StateClosed: "CLOSED",
}

// String returns the state's name as RFC 1939 spells it.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// StateNames returns the names of every state, in order.
func StateNames() []string { return append([]string(nil), stateNames[:]...) }

// EventKind says what an Event reports.
type EventKind int

// The kinds of events.
const (
	// EventConnect: a session began; Note holds the APOP timestamp.
	EventConnect EventKind = iota
	// EventCommand: a command line arrived (Line, Command, Secret,
	// Offset).
	EventCommand
	// EventResponse: a status line was sent (Line, Status, Code,
	// Multiline, Body).
	EventResponse
	// EventState: the session state changed (State, User).
	EventState
	// EventTLS: a TLS handshake ended: TLS is true when it succeeded (Note:
	// version and cipher suite), false when it failed (Note: why).
	EventTLS
	// EventDiscard: bytes were thrown away (Note says why), such as
	// plaintext pipelined after STLS.
	EventDiscard
	// EventClose: the session ended (Note: the reason).
	EventClose
	// EventBody: a multi-line body was sent (Data: its octets as they
	// crossed, dot-stuffed, with the terminating line; at most
	// MaxObservedBody of them, Truncated if there were more). Only with
	// Config.ObserveBodies.
	EventBody
	// EventMaildrop: TRANSACTION began on a locked maildrop (Messages:
	// every message as this session numbers it, RFC 1939 §4). Sent right
	// after the EventState that enters TRANSACTION.
	EventMaildrop
	// EventMark: DELE marked a message for deletion (Message, with
	// Deleted set; RFC 1939 §5). Sent before the +OK.
	EventMark
	// EventUnmark: RSET removed a message's deletion mark (Message); one
	// event per message that was marked, in number order, before the +OK.
	EventUnmark
	// EventCommit: the UPDATE state committed the session (RFC 1939 §6):
	// Messages are the marked messages it removed, none if none was
	// marked. Err is non-nil when the commit failed: the -ERR follows and
	// the messages are not removed by this session (the maildrop finishes
	// a commit whose journal was written at the next open). Sent after the
	// EventState that enters UPDATE, before the response to QUIT.
	EventCommit
)

// MaxObservedBody is how much of a multi-line body an EventBody carries.
const MaxObservedBody = 64 << 10

// eventKindNames are the kinds' names, the one spelling logs and the
// classroom feed use.
var eventKindNames = [...]string{
	EventConnect: "connect", EventCommand: "command", EventResponse: "response", EventState: "state",
	EventTLS: "tls", EventDiscard: "discard", EventClose: "close", EventBody: "body",
	EventMaildrop: "maildrop", EventMark: "mark", EventUnmark: "unmark", EventCommit: "commit",
}

// String names the kind ("command").
func (k EventKind) String() string {
	if k >= 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}

// MarshalText implements encoding.TextMarshaler with String.
func (k EventKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(eventKindNames) {
		return nil, fmt.Errorf("pop3 server: unknown event kind %d", int(k))
	}
	return []byte(eventKindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: the name String
// gives.
func (k *EventKind) UnmarshalText(b []byte) error {
	for i, n := range eventKindNames {
		if n == string(b) {
			*k = EventKind(i)
			return nil
		}
	}
	return fmt.Errorf("pop3 server: unknown event kind %q", b)
}

// Event is one thing that happened in a session, in order.
type Event struct {
	Kind    EventKind
	Session uint64
	Time    time.Time
	Remote  net.Addr
	// State is the session state after the event.
	State State
	// User is the authenticated user, once there is one.
	User string
	// Line is the command or status line without its CRLF.
	Line string
	// Command is the upper-case keyword of a command line, "" for a line
	// that did not parse, or "AUTH-RESPONSE" for a SASL response line.
	Command string
	// Secret marks the bytes of Line that are credentials (a password,
	// SASL data, an APOP digest). Views highlight them; logs must use
	// Redacted.
	Secret pop3.Span
	// Offset is where the command line began in the octets received on
	// the connection's current transport: the raw connection, or after a
	// TLS handshake the decrypted stream, counted from the handshake. With
	// it a view finds the TCP segment that carried a plaintext command.
	Offset int64
	// Status is the status indicator of an EventResponse: views colour a
	// response by it, never by reading Line.
	Status pop3.Indicator
	// Code is the response code of an EventResponse, without brackets
	// ("IN-USE"), or "" (RFC 2449 §8).
	Code string
	// Message is the message an EventMark or EventUnmark concerns.
	Message maildrop.Message
	// Messages are the session's messages of an EventMaildrop, or the
	// removed ones of an EventCommit.
	Messages []maildrop.Message
	// Err is why an EventCommit failed; nil when it succeeded.
	Err error
	// Multiline is true for a status line followed by a multi-line body.
	Multiline bool
	// Body is the size of that body when known in advance (RETR, CAPA,
	// LIST, UIDL), else -1.
	Body int64
	// TLS reports whether the connection was encrypted at the time.
	TLS bool
	// Note is extra human-readable detail.
	Note string
	// Data is the body of an EventBody.
	Data []byte
	// Truncated reports that Data holds only the first MaxObservedBody
	// octets of the body.
	Truncated bool
}

// Redacted returns Line with the credential bytes replaced by "********",
// the only form of a command line that may be logged.
func (e Event) Redacted() string {
	if e.Secret.Empty() || e.Secret.End > len(e.Line) {
		return e.Line
	}
	return e.Line[:e.Secret.Start] + "********" + e.Line[e.Secret.End:]
}

// Observer receives session events.
type Observer interface {
	Observe(Event)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Event)

// Observe calls f.
func (f ObserverFunc) Observe(e Event) { f(e) }
