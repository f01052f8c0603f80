// Package tlsmsg is what the browser app and its TLS layer (the program
// built from ./wasm/tls) say to each other: the operations of their
// messages and how an error crosses between the two programs.
//
// Each message is a JavaScript object with an "op" and the connection's
// "id". The app opens a connection (OpOpen, with Role), makes calls on it
// (OpCall: Call is one of the Call names, Seq numbers it) and answers the
// layer's reads of the raw connection (OpRaw). The layer asks to read the
// raw connection (OpNeed, at most N octets), writes to it (OpWrite), hands
// over key log lines (OpKeyLog) and answers each call (OpDone, with Seq,
// the octets read or written, the error and the handshake's state). The
// loader's pop3labTLS carries them, always from the JavaScript event loop,
// so that neither program is entered while it calls the other.
package tlsmsg

import (
	"errors"
	"io"
	"net"
	"os"
)

// The operations.
const (
	OpOpen   = "open"
	OpCall   = "call"
	OpRaw    = "raw"
	OpNeed   = "need"
	OpWrite  = "write"
	OpKeyLog = "keylog"
	OpDone   = "done"
	// OpFailed is the loader's or the layer's: the layer could not be
	// loaded or stopped (its error says why), and no call made so far will
	// be answered.
	OpFailed = "failed"
)

// The calls of OpCall, the methods of secure.Conn.
const (
	CallHandshake = "handshake"
	CallRead      = "read"
	CallWrite     = "write"
	CallClose     = "close"
)

// The roles of OpOpen.
const (
	RoleServer = "server"
	RoleClient = "client"
)

// The kinds of error, so that the other program gets an error that
// errors.Is recognises as the same.
const (
	kindEOF           = "eof"
	kindUnexpectedEOF = "unexpected-eof"
	kindTimeout       = "timeout"
	kindClosed        = "closed"
	kindOther         = "other" // the loader's OpFailed too
)

// Encode returns err as a kind and a text; "" and "" for nil.
func Encode(err error) (kind, text string) {
	var ne net.Error
	switch {
	case err == nil:
		return "", ""
	case err == io.EOF:
		return kindEOF, err.Error()
	case errors.Is(err, io.ErrUnexpectedEOF):
		return kindUnexpectedEOF, err.Error()
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return kindTimeout, err.Error()
	case errors.Is(err, net.ErrClosed):
		return kindClosed, err.Error()
	}
	return kindOther, err.Error()
}

// Decode is the error that Encode gave kind and text for.
func Decode(kind, text string) error {
	switch kind {
	case "":
		return nil
	case kindEOF:
		return io.EOF
	case kindUnexpectedEOF:
		if text == io.ErrUnexpectedEOF.Error() {
			return io.ErrUnexpectedEOF
		}
		return &wrapped{text, io.ErrUnexpectedEOF}
	case kindTimeout:
		return &timeoutError{text}
	case kindClosed:
		return &wrapped{text, net.ErrClosed}
	}
	return errors.New(text)
}

// timeoutError is a deadline that passed: a net.Error whose Timeout is
// true, and os.ErrDeadlineExceeded to errors.Is.
type timeoutError struct{ text string }

func (e *timeoutError) Error() string        { return e.text }
func (e *timeoutError) Timeout() bool        { return true }
func (e *timeoutError) Temporary() bool      { return true }
func (e *timeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

type wrapped struct {
	text string
	err  error
}

func (e *wrapped) Error() string { return e.text }
func (e *wrapped) Unwrap() error { return e.err }
