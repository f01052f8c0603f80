package client

import (
	"errors"
	"fmt"

	"pop3lab/sim/pop3"
)

// Sentinel errors callers test with errors.Is.
var (
	// ErrNoTimestamp: APOP was asked for but the greeting carried no
	// <timestamp> (RFC 1939 §7: APOP needs one).
	ErrNoTimestamp = errors.New("pop3 client: the greeting has no APOP timestamp")
	// ErrBadArgument: an argument would break the command line (a CR, LF
	// or NUL, or a space where the grammar allows none). Sending it would
	// let the argument smuggle in a second command.
	ErrBadArgument = errors.New("pop3 client: invalid command argument")
	// ErrInjection: bytes arrived after the +OK to STLS and before the TLS
	// handshake. Only an attacker (or a broken server) sends them; using
	// them would be the STARTTLS injection flaw (RFC 2595 §4,
	// CVE-2011-0411 family), so the connection is abandoned.
	ErrInjection = errors.New("pop3 client: plaintext received after +OK to STLS, before TLS (possible injection)")
	// ErrNoTLSClient: TLS was needed and no TLS client was given.
	ErrNoTLSClient = errors.New("pop3 client: TLS needs a TLS client")
	// ErrTLSUnavailable: the TLS policy requires TLS and the server does
	// not offer STLS, or refused it. The client sent no credentials.
	ErrTLSUnavailable = errors.New("pop3 client: TLS required but the server does not offer STLS")
	// ErrClosed: the connection was closed by Quit or Close.
	ErrClosed = errors.New("pop3 client: connection closed")
	// ErrSASLPending: a Raw AUTH exchange is waiting for the next SASL
	// response line; only Raw may send it.
	ErrSASLPending = errors.New("pop3 client: a SASL exchange is in progress; answer it with Raw")
)

// ServerError is an -ERR answer. The connection stays usable.
type ServerError struct {
	// Command is the keyword of the command that was refused ("RETR").
	// It never holds arguments, so credentials do not leak into logs.
	Command string
	// Status is the parsed -ERR line; Status.Code holds a response code
	// such as "IN-USE" (RFC 2449 §8) or "AUTH" (RFC 3206 §5).
	Status pop3.Status
}

// Error implements error.
func (e *ServerError) Error() string {
	code := ""
	if e.Status.Code != "" {
		code = " [" + e.Status.Code + "]"
	}
	return fmt.Sprintf("pop3 client: %s refused: -ERR%s %s", e.Command, code, e.Status.Text)
}

// ProtocolError is a response that breaks the protocol: it is not what the
// command allows, too long, or cut off. The connection is unusable after
// it: every later call returns the same error.
type ProtocolError struct {
	// Command is the keyword of the command whose response was bad, or
	// "greeting".
	Command string
	// Expected says what the client was waiting for.
	Expected string
	// Line is the offending line, at most MaxQuotedLine octets of it.
	Line []byte
	// Err is the underlying cause when there is one, such as
	// io.ErrUnexpectedEOF for a server that closed mid-body.
	Err error
}

// MaxQuotedLine is how much of an offending line a ProtocolError keeps.
const MaxQuotedLine = 80

// Error implements error.
func (e *ProtocolError) Error() string {
	s := fmt.Sprintf("pop3 client: bad response to %s: expected %s", e.Command, e.Expected)
	if e.Line != nil {
		s += fmt.Sprintf(", got %q", e.Line)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *ProtocolError) Unwrap() error { return e.Err }

func protoErr(cmd, expected string, line []byte, err error) *ProtocolError {
	var quoted []byte
	if line != nil {
		n := min(len(line), MaxQuotedLine)
		quoted = append(make([]byte, 0, n), line[:n]...)
	}
	return &ProtocolError{Command: cmd, Expected: expected, Line: quoted, Err: err}
}
