package maildrop

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sync"

	"github.com/hack-pad/hackpadfs"
)

// Maildrop is one user's maildrop opened by a session: the list of
// messages as scanned at Open, numbered from 1, with the session's
// deletion marks (RFC 1939 §5, TRANSACTION state). It is safe for
// concurrent use. A session ends with Commit (QUIT: the UPDATE state) or
// Close (any other end); both release the lock.
type Maildrop struct {
	store *Store
	user  string
	dir   string // the Maildir, a path on the store's file system
	// hostDir is the Maildir's host path where messages are read
	// directly (see host.go), else "".
	hostDir string

	mu     sync.Mutex
	dirs   messageDirs // where hostDir is set: cur/ and new/, open
	msgs   []entry
	closed bool
}

// entry is one message of a session.
type entry struct {
	dir     string // dirCur or dirNew
	name    string // file name in dir
	base    string // unique part of the name, without S= and W=
	uid     string
	size    int64 // octets in the file
	wire    int64 // octets on the wire
	secs    int64 // sort key: delivery time
	nsec    int64
	dupBase bool // another message has the same base
	deleted bool
	// wireChecked: Open has counted the file's wire size this session.
	wireChecked bool
}

func (e *entry) path() string { return path.Join(e.dir, e.name) }

// User returns the user whose maildrop this is.
func (m *Maildrop) User() string { return m.user }

// Messages returns every message of the session in message-number order,
// those marked deleted included (views show them struck out). The slice
// is a copy. It still answers after Commit or Close, with the marks the
// session ended with.
func (m *Maildrop) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Message, len(m.msgs))
	for i := range m.msgs {
		out[i] = m.msgs[i].message(i + 1)
	}
	return out
}

// Stat returns the number of messages not marked deleted and the sum of
// their wire sizes: the answer to STAT (RFC 1939 §5).
func (m *Maildrop) Stat() (count int, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.msgs {
		if !m.msgs[i].deleted {
			count++
			size += m.msgs[i].wire
		}
	}
	return count, size
}

// Message returns message n (1-based). It fails with ErrNoSuchMessage when
// n is out of range and ErrDeleted when the message is marked deleted:
// RFC 1939 §5 forbids referring to a deleted message.
func (m *Maildrop) Message(n int) (Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.lookup(n)
	if err != nil {
		return Message{}, err
	}
	return e.message(n), nil
}

// Open returns message n in wire form: lines end in CRLF, the last one
// too, exactly Message(n).Size octets. It is not dot-stuffed; the caller
// does that when it sends the message (RFC 1939 §3). A message smaller
// than one wire buffer is read whole and checked before Open returns; a
// larger one is streamed from its file. The caller must close the reader.
//
// If the file vanished because another program renamed it (a flag change),
// Open finds it again by its unique name. If it is really gone, or its
// size changed since the scan so that it is no longer the message that
// LIST described, Open fails with ErrGone.
func (m *Maildrop) Open(n int) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.lookup(n)
	if err != nil {
		return nil, err
	}
	if e.size < wireBufSize {
		return m.openWhole(e, n)
	}
	f, err := m.store.fsys.Open(path.Join(m.dir, e.path()))
	if errors.Is(err, hackpadfs.ErrNotExist) && m.relocate(e) {
		f, err = m.store.fsys.Open(path.Join(m.dir, e.path()))
	}
	if errors.Is(err, hackpadfs.ErrNotExist) {
		return nil, m.errorf("message %d: %w", n, ErrGone)
	}
	if err != nil {
		return nil, m.errorf("message %d: %w", n, err)
	}
	if info, err := f.Stat(); err == nil && info.Size() != e.size {
		_ = f.Close()
		return nil, m.errorf("message %d: size changed from %d to %d: %w", n, e.size, info.Size(), ErrGone)
	}
	// The name's W= was trusted at the scan because the file size had
	// not changed; an edit that kept the size but changed line endings
	// would still make LIST lie. Counting the wire form costs one fast
	// pass over the file (GB/s), once per message and session; a
	// mismatch fixes the name for the next session and fails this one,
	// as for any edited message.
	if !e.wireChecked {
		_, wire, err := wireSize(f)
		if err == nil && wire != e.wire {
			_ = f.Close()
			return nil, m.contentChanged(e, n, wire)
		}
		if err != nil {
			_ = f.Close()
			return nil, m.errorf("message %d: %w", n, err)
		}
		if f, err = m.rewind(f, e); err != nil {
			return nil, m.errorf("message %d: %w", n, err)
		}
		e.wireChecked = true
	}
	return newWireReader(f), nil
}

// openWhole reads message n, a file smaller than one wire buffer, in one
// pass into a pooled buffer, checks it there and serves it from there: the
// read that sends the message is also the one that checks its size
// (reading one octet more than the scan saw finds a file that grew) and
// its wire size, with no Stat, no second pass and no rewind. The file is
// read into the end of the buffer and turned into its wire form towards
// the start, which checks the wire size on the way, so that the message
// is sent from the buffer with one write. The file is closed before the
// message is sent.
func (m *Maildrop) openWhole(e *entry, n int) (io.ReadCloser, error) {
	bufp := wireBufs.Get().(*[]byte)
	full := *bufp
	off := len(full) - int(e.size) - 1
	buf := full[off:]
	got, err := m.readWhole(e, buf)
	if errors.Is(err, hackpadfs.ErrNotExist) && m.relocate(e) {
		got, err = m.readWhole(e, buf)
	}
	switch {
	case errors.Is(err, hackpadfs.ErrNotExist):
		err = ErrGone
	case err != nil:
	case int64(got) > e.size:
		err = fmt.Errorf("size changed from %d to more: %w", e.size, ErrGone)
	case int64(got) != e.size:
		err = fmt.Errorf("size changed from %d to %d: %w", e.size, got, ErrGone)
	}
	if err != nil {
		wireBufs.Put(bufp)
		return nil, m.errorf("message %d: %w", n, err)
	}
	if e.wire < int64(len(full)) {
		// off >= e.wire-got: the transform has the room it needs.
		if toWireInPlace(full, off, got, int(e.wire)) {
			return newWiredReader(bufp, int(e.wire)), nil
		}
		wireBufs.Put(bufp)
		return nil, m.wireChanged(e, n)
	}
	// A wire form larger than the buffer (a file of bare LFs):
	// counted first, made as it is read.
	c := newWireCounter()
	c.add(buf[:got])
	if wire := c.wire(); wire != e.wire {
		wireBufs.Put(bufp)
		return nil, m.contentChanged(e, n, wire)
	}
	return newLoadedWireReader(bufp, off, got), nil
}

// wireChanged fails message n, whose file was found not to have the
// listed wire size, as contentChanged does, with the wire size counted
// again from the file.
func (m *Maildrop) wireChanged(e *entry, n int) error {
	f, err := m.store.fsys.Open(path.Join(m.dir, e.path()))
	if err != nil {
		return m.errorf("message %d: content changed: %w", n, ErrGone)
	}
	_, wire, err := wireSize(f)
	_ = f.Close()
	if err != nil || wire == e.wire {
		// Unreadable now, or changed back meanwhile: it is not the
		// message that was read; the name stays.
		return m.errorf("message %d: content changed while it was read: %w", n, ErrGone)
	}
	return m.contentChanged(e, n, wire)
}

// readWhole reads the file of e into buf until it ends or buf is full
// (buf holds one octet more than e's size, to find a file that grew).
func (m *Maildrop) readWhole(e *entry, buf []byte) (int, error) {
	if m.hostDir != "" {
		// The names come from the directory listing: no separator in
		// them, so each is a name in its directory.
		return m.dirs.read(m.hostDir, e.dir, e.name, buf, int(e.size))
	}
	f, err := m.store.fsys.Open(path.Join(m.dir, e.path()))
	if err != nil {
		return 0, err
	}
	got, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return got, err
}

// contentChanged renames the file of e to carry its real wire size, for
// the next session, and returns the error that fails this one.
func (m *Maildrop) contentChanged(e *entry, n int, wire int64) error {
	name := parseName(e.name)
	if target := sizedName(name.base, e.size, wire, name.info); m.store.renameFree(path.Join(m.dir, e.path()), path.Join(m.dir, e.dir, target)) {
		e.name = target
	}
	return m.errorf("message %d: content changed (wire size %d, listed %d): %w", n, wire, e.wire, ErrGone)
}

// rewind returns f read from its start again: seeked if it can be, else
// opened anew.
func (m *Maildrop) rewind(f hackpadfs.File, e *entry) (hackpadfs.File, error) {
	if sk, ok := f.(io.Seeker); ok {
		if _, err := sk.Seek(0, io.SeekStart); err == nil {
			return f, nil
		}
	}
	_ = f.Close()
	return m.store.fsys.Open(path.Join(m.dir, e.path()))
}

// Delete marks message n for deletion at Commit (DELE, RFC 1939 §5). It
// fails with ErrNoSuchMessage or, if the mark is already there,
// ErrDeleted.
func (m *Maildrop) Delete(n int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.lookup(n)
	if err != nil {
		return err
	}
	e.deleted = true
	return nil
}

// Reset removes every deletion mark (RSET, RFC 1939 §5).
func (m *Maildrop) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	for i := range m.msgs {
		m.msgs[i].deleted = false
	}
}

// Commit is the UPDATE state (RFC 1939 §6): it removes the marked
// messages and releases the lock. The removal is atomic for the user: a
// journal naming the files goes into the Maildir first (written in tmp/,
// then renamed, so it is never partial), then the files are removed, then
// the journal. If the journal cannot be written, nothing is removed. If a
// removal fails after that, Commit reports it and the next Open finishes
// the job before it lists anything, so no session ever sees some of the
// marked messages gone and others not. On an error the server answers
// "-ERR [SYS/TEMP]" (RFC 3206 §4).
//
// Messages that another program removed meanwhile are not an error. The
// lock is released in every case; a second Commit or Close returns
// ErrClosed.
func (m *Maildrop) Commit() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return m.errorf("%w", ErrClosed)
	}
	m.closed = true
	m.dirs.close()
	defer m.store.unlock(m.user)
	var recs []journalRecord
	for i := range m.msgs {
		e := &m.msgs[i]
		if e.deleted {
			recs = append(recs, journalRecord{path: e.path(), base: e.base, byBase: !e.dupBase})
		}
	}
	if len(recs) == 0 {
		return nil
	}
	if err := m.store.writeJournal(m.dir, recs); err != nil {
		return m.errorf("nothing deleted: writing the deletion journal: %w", err)
	}
	if err := m.store.applyJournal(m.dir, recs); err != nil {
		return m.errorf("deletion unfinished (the next Open finishes it): %w", err)
	}
	return nil
}

// Close ends the session without the UPDATE state: it releases the lock
// and removes nothing, as RFC 1939 §6 requires when the connection ends
// without QUIT. A second Commit or Close returns ErrClosed.
func (m *Maildrop) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return m.errorf("%w", ErrClosed)
	}
	m.closed = true
	m.dirs.close()
	m.store.unlock(m.user)
	return nil
}

// lookup returns message n for a command that may not refer to a deleted
// message. m.mu must be held.
func (m *Maildrop) lookup(n int) (*entry, error) {
	if m.closed {
		return nil, m.errorf("%w", ErrClosed)
	}
	if n < 1 || n > len(m.msgs) {
		return nil, m.errorf("message %d: %w", n, ErrNoSuchMessage)
	}
	e := &m.msgs[n-1]
	if e.deleted {
		return nil, m.errorf("message %d: %w", n, ErrDeleted)
	}
	return e, nil
}

// relocate looks once through cur/ and new/ for the file of e under
// another name (another mail reader changed its flags) and records it.
// A base that several messages share identifies none of them.
func (m *Maildrop) relocate(e *entry) bool {
	if e.dupBase {
		return false
	}
	for _, sub := range [...]string{dirCur, dirNew} {
		des, err := m.store.readDir(path.Join(m.dir, sub))
		if err != nil {
			continue
		}
		for _, de := range des {
			name := de.Name()
			if name != "" && name[0] != '.' && !de.IsDir() && parseName(name).base == e.base {
				e.dir, e.name = sub, name
				return true
			}
		}
	}
	return false
}

func (m *Maildrop) errorf(format string, args ...any) error {
	return fmt.Errorf("maildrop %s: %w", m.user, fmt.Errorf(format, args...))
}

func (e *entry) message(n int) Message {
	return Message{Number: n, UID: e.uid, Size: e.wire, Deleted: e.deleted, Name: e.name}
}
