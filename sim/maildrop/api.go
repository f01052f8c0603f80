package maildrop

// This file is the contract sim/server codes against. Keep the exported
// names and signatures; the implementation lives in the other files.

import (
	"errors"
	"io"
	"time"

	"github.com/hack-pad/hackpadfs"
)

// Sentinel errors callers test with errors.Is.
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

// Store is a set of Maildir maildrops, one per user at ROOT/USER/{cur,new,tmp}
// on a hackpadfs file system. It is safe for concurrent use.
//
//	func NewStore(fsys hackpadfs.FS, root string, opts Options) *Store
//	func (s *Store) Open(user string) (*Maildrop, error)            // scans, locks; ErrLocked at once if held
//	func (s *Store) Deliver(user string, msg io.Reader) (uid string, err error) // tmp/ then rename to new/
//	func (s *Store) Locked(user string) bool                        // for views
//
// Maildrop is one user's maildrop opened by a session.
//
//	func (m *Maildrop) User() string
//	func (m *Maildrop) Messages() []Message                   // all, deleted included, a copy
//	func (m *Maildrop) Stat() (count int, size int64)         // not deleted only
//	func (m *Maildrop) Message(n int) (Message, error)        // ErrNoSuchMessage, ErrDeleted
//	func (m *Maildrop) Open(n int) (io.ReadCloser, error)     // wire form (CRLF, final CRLF), not dot-stuffed
//	func (m *Maildrop) Delete(n int) error                    // mark; ErrNoSuchMessage, ErrDeleted
//	func (m *Maildrop) Reset()                                // unmark all (RSET)
//	func (m *Maildrop) Commit() error                         // UPDATE: remove marked atomically, unlock
//	func (m *Maildrop) Close() error                          // unlock, remove nothing
var _ hackpadfs.FS = nil
