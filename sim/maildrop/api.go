package maildrop

// This file is the contract sim/server codes against: the sentinel errors,
// Options and Message. Store lives in store.go, Maildrop in maildrop.go.

import (
	"errors"
	"io"
	"time"
)

// Sentinel errors callers test with errors.Is. Every error the package
// returns is wrapped with the user's name for context.
var (
	// ErrLocked: another session holds the maildrop (RFC 2449 [IN-USE]).
	ErrLocked = errors.New("maildrop is locked by another session")
	// ErrNoSuchMessage: the message number is out of range.
	ErrNoSuchMessage = errors.New("no such message")
	// ErrDeleted: the message is marked deleted in this session.
	ErrDeleted = errors.New("message is marked deleted")
	// ErrGone: the message file vanished (edited or removed outside the
	// session) after the maildrop was scanned.
	ErrGone = errors.New("message file is no longer in the maildrop")
	// ErrClosed: the maildrop was already committed or closed.
	ErrClosed = errors.New("maildrop is closed")
	// ErrBadUser: the user name cannot name a maildrop directory.
	ErrBadUser = errors.New("invalid maildrop user name")
	// ErrSymlink: the maildrop directory or its cur/, new/ or tmp/ is a
	// symbolic link. It is refused: following it would serve, and
	// rename or delete, files outside the store.
	ErrSymlink = errors.New("maildrop directory is a symbolic link")
)

// Options tune a Store. The zero value uses the real clock, crypto/rand and
// the host name "pop3lab".
type Options struct {
	// Now returns the current time (delivery names, sort order).
	Now func() time.Time
	// Rand supplies the random part of delivered file names.
	Rand io.Reader
	// Hostname goes into delivered file names.
	Hostname string
}

// Message describes one message of an open maildrop, in session order.
type Message struct {
	// Number is the 1-based message number, fixed for the session.
	Number int
	// UID is the unique-id listing string: 1-70 octets in 0x21-0x7E,
	// stable across sessions, never reused (RFC 1939 §7 UIDL).
	UID string
	// Size is the exact octet count as sent on the wire: CRLF line
	// endings, a final line break, before dot-stuffing.
	Size int64
	// Deleted is true when the message is marked for deletion.
	Deleted bool
	// Name is the Maildir file name (without directory), for views.
	Name string
}
