package server

import (
	"net"
	"time"
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

// String returns the state's name as RFC 1939 spells it.
func (s State) String() string {
	switch s {
	case StateAuthorization:
		return "AUTHORIZATION"
	case StateTransaction:
		return "TRANSACTION"
	case StateUpdate:
		return "UPDATE"
	case StateClosed:
		return "CLOSED"
	}
	return "UNKNOWN"
}

// EventKind says what an Event reports.
type EventKind int

// The kinds of events.
const (
	// EventConnect: a session began; Note holds the APOP timestamp.
	EventConnect EventKind = iota
	// EventCommand: a command line arrived (Line, Command, Secret).
	EventCommand
	// EventResponse: a status line was sent (Line, Multiline, Body).
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
)

// MaxObservedBody is how much of a multi-line body an EventBody carries.
const MaxObservedBody = 64 << 10

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventConnect:
		return "connect"
	case EventCommand:
		return "command"
	case EventResponse:
		return "response"
	case EventState:
		return "state"
	case EventTLS:
		return "tls"
	case EventDiscard:
		return "discard"
	case EventClose:
		return "close"
	case EventBody:
		return "body"
	}
	return "unknown"
}

// Span is a byte range [Start, End) of an event's Line.
type Span struct {
	Start, End int
}

// Empty reports whether the span covers nothing.
func (s Span) Empty() bool { return s.End <= s.Start }

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
	Secret Span
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
