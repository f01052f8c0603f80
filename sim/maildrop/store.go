package maildrop

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/hack-pad/hackpadfs"
)

// Maildir subdirectories (https://cr.yp.to/proto/maildir.html): a message
// is written into tmp/, renamed into new/ when it is complete, and moved
// to cur/ once a mail reader has seen it.
const (
	dirTmp = "tmp"
	dirNew = "new"
	dirCur = "cur"
)

const (
	// defaultHostname goes into delivered names when Options has none.
	defaultHostname = "pop3lab"
	// dirPerm and filePerm keep mail private to its owner, as delivery
	// agents do.
	dirPerm  hackpadfs.FileMode = 0o700
	filePerm hackpadfs.FileMode = 0o600
	// readDirAttempts: the keyvalue file systems (mem, indexeddb) fail a
	// whole directory listing when one entry vanishes between listing and
	// stat; a delivery or another tool may cause that, so we list again.
	readDirAttempts = 3
)

// Store is a set of Maildir maildrops, one per user at ROOT/USER/{cur,new,tmp}
// on a hackpadfs file system. It is safe for concurrent use.
//
// Locks are held in the Store, in memory, and on the host's file system
// (hackpadfs os, on Unix) also in an flock on a lock file per maildrop, so
// that other processes and Stores on the same directory are excluded too
// (see lock.go). On other file systems two Stores do not exclude each
// other, so a process should have one Store per file system.
type Store struct {
	fsys hackpadfs.FS
	root string
	now  func() time.Time
	rand io.Reader
	host string // escaped for use in names

	mu sync.Mutex
	// locked holds the users whose maildrop a session holds, with the
	// function that releases the cross-process lock (nil until taken).
	locked map[string]func()

	// nameMu serialises name generation: Options.Now and Options.Rand
	// need not be safe for concurrent use, and the clock is made
	// monotonic here.
	nameMu    sync.Mutex
	lastMicro int64
	counter   uint64

	// swept holds, per user, when this Store last swept the Maildir's
	// tmp/ (under mu); wallClock is the real clock the sweep compares
	// file times with (time.Now; a test sets its own).
	swept     map[string]time.Time
	wallClock func() time.Time
}

// NewStore returns a Store for the maildrops under root on fsys. root is a
// hackpadfs path (no leading slash); "" and "." mean the root of fsys.
// Nothing is touched on fsys until a maildrop is opened or mail delivered.
func NewStore(fsys hackpadfs.FS, root string, opts Options) *Store {
	root = path.Clean(root)
	if root == "." {
		root = ""
	}
	s := &Store{
		fsys:      fsys,
		root:      root,
		now:       opts.Now,
		rand:      opts.Rand,
		host:      opts.Hostname,
		locked:    make(map[string]func()),
		swept:     make(map[string]time.Time),
		wallClock: time.Now,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.host == "" {
		s.host = defaultHostname
	}
	s.host = escapeHost(s.host)
	return s
}

// Open scans the user's maildrop and locks it for one session (RFC 1939
// §8: the server should take an exclusive lock when it enters the
// TRANSACTION state). If another session holds the lock, Open returns
// ErrLocked at once, so the server can answer "-ERR [IN-USE]" (RFC 2449
// §8.1.1) instead of keeping the client waiting.
//
// Open creates the Maildir if it is missing, finishes an UPDATE that an
// earlier session could not complete, moves messages from new/ to cur/ and
// fixes file names whose sizes are missing or wrong. The caller must end
// the session with Commit or Close.
func (s *Store) Open(user string) (*Maildrop, error) {
	if !validUser(user) {
		return nil, fmt.Errorf("maildrop %q: %w", user, ErrBadUser)
	}
	if !s.lock(user) {
		return nil, fmt.Errorf("maildrop %s: %w", user, ErrLocked)
	}
	m, err := s.open(user)
	if err != nil {
		s.unlock(user)
		return nil, fmt.Errorf("maildrop %s: %w", user, err)
	}
	return m, nil
}

// Deliver adds a message to the user's maildrop the Maildir way: it writes
// the message into tmp/ under a new unique name, then renames it into
// new/, so that no reader ever sees a partial message. It needs no lock
// and may run while a session is open; that session sees the message only
// at its next Open (RFC 1939 message numbers are fixed for a session).
//
// The name is "<seconds>.M<microseconds>P<random>Q<counter>.<host>" with
// ",S=<size>,W=<wire size>" appended, from Options. Deliver creates the
// Maildir if it is missing and returns the message's unique-id. On failure
// it removes what it wrote to tmp/.
func (s *Store) Deliver(user string, msg io.Reader) (uid string, err error) {
	if !validUser(user) {
		return "", fmt.Errorf("maildrop %q: %w", user, ErrBadUser)
	}
	dir := s.userDir(user)
	if err := s.ensureDirs(dir); err != nil {
		return "", fmt.Errorf("maildrop %s: %w", user, err)
	}
	uniq, err := s.uniqueName()
	if err != nil {
		return "", fmt.Errorf("maildrop %s: delivery name: %w", user, err)
	}
	tmp := path.Join(dir, dirTmp, uniq)
	f, err := hackpadfs.OpenFile(s.fsys, tmp, hackpadfs.FlagWriteOnly|hackpadfs.FlagCreate|hackpadfs.FlagExclusive, filePerm)
	if err != nil {
		return "", fmt.Errorf("maildrop %s: %w", user, err)
	}
	cr := &countingReader{r: msg, c: newWireCounter()}
	// One write of the whole message: the key-value file systems (mem,
	// indexeddb) store the whole file again on every Write, so writing
	// in chunks would cost time quadratic in the message size.
	data, err := readAllSized(cr, lengthOf(msg))
	if err == nil {
		err = writeAll(f, data)
	}
	if err == nil {
		err = syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		final := path.Join(dir, dirNew, uniq+",S="+strconv.FormatInt(cr.c.raw, 10)+",W="+strconv.FormatInt(cr.c.wire(), 10))
		err = hackpadfs.Rename(s.fsys, tmp, final)
	}
	if err != nil {
		_ = hackpadfs.Remove(s.fsys, tmp)
		return "", fmt.Errorf("maildrop %s: %w", user, err)
	}
	return uidFor(uniq), nil
}

// List returns the messages of user's maildrop as the next session would
// number them, without taking the lock and without changing anything: it
// is for views, which must not disturb a session. A maildrop that does
// not exist yet is empty.
func (s *Store) List(user string) ([]Message, error) {
	msgs, _, err := s.peek(user)
	if err != nil {
		return nil, err
	}
	out := make([]Message, len(msgs))
	for i := range msgs {
		out[i] = msgs[i].message(i + 1)
	}
	return out, nil
}

// MaxReadSize is the largest message Read returns.
const MaxReadSize = 32 << 20

// Read returns the wire form of the message with the given unique-id, as
// List shows it, without taking the lock: for views.
func (s *Store) Read(user, uid string) ([]byte, error) {
	r, e, err := s.openWire(user, uid)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := readAllSized(io.LimitReader(r, MaxReadSize+1), min(max(e.wire, e.size), MaxReadSize+1))
	if err != nil {
		return nil, fmt.Errorf("maildrop %s: %s: %w", user, uid, err)
	}
	if len(b) > MaxReadSize {
		return nil, fmt.Errorf("maildrop %s: %s: larger than %d octets", user, uid, MaxReadSize)
	}
	return b, nil
}

// ReadHeader returns the start of a message as Read would, up to and
// including the empty line that ends its header section (RFC 5322 section
// 2.1), or the whole message when it has none: views show a message's
// sender and subject without reading a large body.
func (s *Store) ReadHeader(user, uid string) ([]byte, error) {
	r, _, err := s.openWire(user, uid)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var b []byte
	chunk := make([]byte, 4096)
	for len(b) <= MaxReadSize {
		n, err := r.Read(chunk)
		from := max(0, len(b)-3) // the end may straddle two reads
		b = append(b, chunk[:n]...)
		if bytes.HasPrefix(b, []byte("\r\n")) {
			return b[:2], nil // no header fields: the empty line comes first
		}
		if i := bytes.Index(b[from:], []byte("\r\n\r\n")); i >= 0 {
			return b[:from+i+4], nil
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, fmt.Errorf("maildrop %s: %s: %w", user, uid, err)
		}
	}
	return nil, fmt.Errorf("maildrop %s: %s: larger than %d octets", user, uid, MaxReadSize)
}

// openWire opens a message of user's maildrop for reading in wire form.
func (s *Store) openWire(user, uid string) (*wireReader, entry, error) {
	msgs, dir, err := s.peek(user)
	if err != nil {
		return nil, entry{}, err
	}
	for _, e := range msgs {
		if e.uid != uid {
			continue
		}
		f, err := s.fsys.Open(path.Join(dir, e.path()))
		if errors.Is(err, hackpadfs.ErrNotExist) {
			return nil, entry{}, fmt.Errorf("maildrop %s: %s: %w", user, uid, ErrGone)
		}
		if err != nil {
			return nil, entry{}, fmt.Errorf("maildrop %s: %w", user, err)
		}
		return newWireReader(f), e, nil
	}
	return nil, entry{}, fmt.Errorf("maildrop %s: %s: %w", user, uid, ErrNoSuchMessage)
}

// peek scans user's maildrop read-only.
func (s *Store) peek(user string) ([]entry, string, error) {
	if !validUser(user) {
		return nil, "", fmt.Errorf("maildrop %q: %w", user, ErrBadUser)
	}
	dir := s.userDir(user)
	if _, err := hackpadfs.Stat(s.fsys, dir); errors.Is(err, hackpadfs.ErrNotExist) {
		return nil, dir, nil
	}
	if err := s.refuseSymlinks(dir); err != nil {
		return nil, "", fmt.Errorf("maildrop %s: %w", user, err)
	}
	msgs, err := s.scan(dir, false, nil)
	if err != nil {
		return nil, "", fmt.Errorf("maildrop %s: %w", user, err)
	}
	return msgs, dir, nil
}

// Locked reports whether a session holds the user's maildrop, for views.
func (s *Store) Locked(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, held := s.locked[user]
	return held
}

// lock takes the user's in-memory lock if it is free.
func (s *Store) lock(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, held := s.locked[user]; held {
		return false
	}
	s.locked[user] = nil
	return true
}

// holdProcessLock records the release of the cross-process lock that
// goes with the user's in-memory lock.
func (s *Store) holdProcessLock(user string, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locked[user] = release
}

// unlock releases both locks.
func (s *Store) unlock(user string) {
	s.mu.Lock()
	release := s.locked[user]
	delete(s.locked, user)
	s.mu.Unlock()
	if release != nil {
		release()
	}
}

func (s *Store) userDir(user string) string {
	return path.Join(s.root, user)
}

// open does the work of Open while the lock is held.
func (s *Store) open(user string) (*Maildrop, error) {
	dir := s.userDir(user)
	if err := s.ensureDirs(dir); err != nil {
		return nil, err
	}
	release, err := s.processLock(dir)
	if err != nil {
		return nil, err
	}
	s.holdProcessLock(user, release)
	if s.sweepDue(user) {
		s.sweepTmp(dir)
	}
	// An UPDATE that failed half-way is finished before anything is
	// listed, so the session never sees a subset of those deletions.
	if err := s.rollForward(dir); err != nil {
		return nil, err
	}
	m := &Maildrop{store: s, user: user, dir: dir, hostDir: s.hostDir(dir)}
	if m.msgs, err = s.scan(dir, true, &m.dirs); err != nil {
		m.dirs.close()
		return nil, err
	}
	if m.hostDir == "" {
		m.dirs.close() // messages are read through hackpadfs
	}
	return m, nil
}

// maildirSubdirs are the subdirectories of a Maildir.
var maildirSubdirs = [...]string{dirCur, dirNew, dirTmp}

// ensureDirs creates the Maildir's subdirectories that are missing. It
// looks first, so that opening an existing maildrop writes nothing. A
// Maildir or subdirectory that is a symbolic link is refused with
// ErrSymlink, before anything is created or read through it.
func (s *Store) ensureDirs(dir string) error {
	present, err := s.checkDirs(dir)
	if err != nil {
		return err
	}
	for i, sub := range maildirSubdirs {
		if present[i] {
			continue
		}
		if err := hackpadfs.MkdirAll(s.fsys, path.Join(dir, sub), dirPerm); err != nil {
			return err
		}
	}
	return nil
}

// refuseSymlinks fails with ErrSymlink if the Maildir dir or one of its
// subdirectories is a symbolic link. Missing ones are fine (ensureDirs
// creates them). Symbolic links to message files are skipped by the scan
// instead (scanEntry takes regular files only).
func (s *Store) refuseSymlinks(dir string) error {
	_, err := s.checkDirs(dir)
	return err
}

// checkDirs looks at the Maildir dir and its subdirectories without
// following links (one lstat each): it fails with ErrSymlink if one is a
// symbolic link, and reports which of maildirSubdirs are directories.
func (s *Store) checkDirs(dir string) (present [len(maildirSubdirs)]bool, err error) {
	if _, err := s.lstatNoLink(dir); err != nil {
		return present, err
	}
	for i, sub := range maildirSubdirs {
		info, err := s.lstatNoLink(path.Join(dir, sub))
		if err != nil {
			return present, err
		}
		present[i] = info != nil && info.IsDir()
	}
	return present, nil
}

// lstatNoLink returns what p is, nil if it does not exist, and fails with
// ErrSymlink if it is a symbolic link.
func (s *Store) lstatNoLink(p string) (hackpadfs.FileInfo, error) {
	info, err := hackpadfs.LstatOrStat(s.fsys, p)
	switch {
	case errors.Is(err, hackpadfs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case info.Mode()&hackpadfs.ModeSymlink != 0:
		return nil, fmt.Errorf("%s: %w", p, ErrSymlink)
	}
	return info, nil
}

// readDir lists a directory, again if an entry vanished while it was
// being listed (see readDirAttempts).
func (s *Store) readDir(p string) ([]hackpadfs.DirEntry, error) {
	return s.readDirKeep(p, nil)
}

// readDirKeep is readDir that, where the host's directory is listed
// directly, hands the open directory to keep (see readHostDir).
func (s *Store) readDirKeep(p string, keep func(fd int)) ([]hackpadfs.DirEntry, error) {
	host := ""
	if hostDirReads {
		host = s.hostPath(p)
	}
	var err error
	for range readDirAttempts {
		var des []hackpadfs.DirEntry
		if host != "" {
			des, err = readHostDir(host, keep)
		} else {
			des, err = hackpadfs.ReadDir(s.fsys, p)
		}
		if err == nil || !errors.Is(err, hackpadfs.ErrNotExist) {
			return des, err
		}
	}
	return nil, err
}

// scan lists cur/ and new/ and returns the messages in session order with
// their unique-ids. Message bodies are read only for files whose name does
// not carry trustworthy sizes. With dirs (a session's scan), cur/ stays
// open there where the host's directory is listed directly.
func (s *Store) scan(dir string, fix bool, dirs *messageDirs) ([]entry, error) {
	var keep func(fd int)
	if dirs != nil {
		keep = func(fd int) { dirs.hold(dirCur, fd) }
	}
	// List cur/ before new/: messages move from new/ to cur/, and listing
	// in this order can miss one moved meanwhile by another agent (it
	// shows up next time) but never lists one twice.
	cur, err := s.readDirKeep(path.Join(dir, dirCur), keep)
	if err != nil {
		return nil, err
	}
	nw, err := s.readDir(path.Join(dir, dirNew))
	if err != nil {
		return nil, err
	}
	msgs := make([]entry, 0, len(cur)+len(nw))
	for _, sub := range [...]struct {
		name string
		des  []hackpadfs.DirEntry
	}{{dirCur, cur}, {dirNew, nw}} {
		for _, de := range sub.des {
			if e, ok := s.scanEntry(dir, sub.name, de, fix); ok {
				msgs = append(msgs, e)
			}
		}
	}
	sortEntries(msgs)
	assignUIDs(msgs)
	return msgs, nil
}

// scanEntry turns one directory entry into a message. It moves a message
// from new/ to cur/ (the Maildir convention for a message a reader has
// seen) and puts the sizes into names that lack them or carry stale ones.
// Renames are best effort: a message whose rename fails is listed under
// its old name. Entries that are not regular files, dot-files, and files
// that cannot be read are not messages.
func (s *Store) scanEntry(dir, sub string, de hackpadfs.DirEntry, fixNames bool) (entry, bool) {
	name := de.Name()
	if name == "" || name[0] == '.' || de.IsDir() || !de.Type().IsRegular() {
		return entry{}, false
	}
	info, err := de.Info()
	if err != nil {
		return entry{}, false // vanished since the listing
	}
	n := parseName(name)
	e := entry{dir: sub, name: name, base: n.base}
	fix := false
	if n.sized && n.size == info.Size() {
		// Dovecot's rule: W= is trusted while S= matches the file.
		e.size, e.wire = n.size, n.wire
	} else {
		f, err := s.fsys.Open(path.Join(dir, sub, name))
		if err != nil {
			return entry{}, false
		}
		e.size, e.wire, err = wireSize(f)
		_ = f.Close()
		if err != nil {
			return entry{}, false
		}
		fix = true
	}
	if secs, ok := leadingSeconds(n.base); ok {
		e.secs = secs
	} else {
		mt := info.ModTime()
		e.secs, e.nsec = mt.Unix(), int64(mt.Nanosecond())
	}
	if fixNames && (sub == dirNew || fix) {
		target := sizedName(n.base, e.size, e.wire, n.info)
		if sub != dirCur || target != name {
			if s.renameFree(path.Join(dir, sub, name), path.Join(dir, dirCur, target)) {
				e.dir, e.name = dirCur, target
			}
		}
	}
	return e, true
}

// renameFree renames oldPath to newPath unless newPath exists: os.Rename
// would silently replace it, and that file is another message.
func (s *Store) renameFree(oldPath, newPath string) bool {
	if _, err := hackpadfs.Stat(s.fsys, newPath); !errors.Is(err, hackpadfs.ErrNotExist) {
		return false
	}
	return hackpadfs.Rename(s.fsys, oldPath, newPath) == nil
}

// sortEntries puts messages in session order: by delivery time (the
// seconds that start a Maildir name, else the file's modification time),
// then by name, so that the order is the same in every session in which
// nothing changed. Delivered names carry zero-padded microseconds, so the
// name breaks ties within a second in delivery order.
func sortEntries(msgs []entry) {
	sort.Slice(msgs, func(i, j int) bool {
		a, b := &msgs[i], &msgs[j]
		switch {
		case a.secs != b.secs:
			return a.secs < b.secs
		case a.nsec != b.nsec:
			return a.nsec < b.nsec
		case a.base != b.base:
			return a.base < b.base
		case a.dir != b.dir:
			return a.dir < b.dir
		default:
			return a.name < b.name
		}
	})
}

// assignUIDs gives every message a unique-id that is valid (RFC 1939 §7),
// unique in the maildrop and stable. Bases that are valid unique-ids claim
// themselves first, in session order; the rest, and later copies of a
// base, get a hash, re-hashed with a counter on a collision. Messages that
// share a base are flagged: they cannot be found again by base alone.
func assignUIDs(msgs []entry) {
	used := make(map[string]bool, len(msgs))
	count := make(map[string]int, len(msgs))
	for i := range msgs {
		count[msgs[i].base]++
	}
	for i := range msgs {
		e := &msgs[i]
		e.dupBase = count[e.base] > 1
		if validUID(e.base) && !used[e.base] {
			e.uid = e.base
			used[e.uid] = true
		}
	}
	for i := range msgs {
		e := &msgs[i]
		if e.uid != "" {
			continue
		}
		uid := hashUID(e.base)
		for k := 2; used[uid]; k++ {
			uid = hashUID(e.base + "\x00" + strconv.Itoa(k))
		}
		e.uid = uid
		used[uid] = true
	}
}

// uniqueName returns a new Maildir unique name for a delivery. The clock
// is made strictly increasing per Store (a simulator's virtual clock may
// stand still), so names sort in delivery order.
func (s *Store) uniqueName() (string, error) {
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	var rb [4]byte
	if _, err := io.ReadFull(s.rand, rb[:]); err != nil {
		return "", err
	}
	us := max(s.now().UnixMicro(), 0)
	if us <= s.lastMicro {
		us = s.lastMicro + 1
	}
	s.lastMicro = us
	s.counter++
	return fmt.Sprintf("%d.M%06dP%dQ%d.%s", us/1e6, us%1e6, binary.BigEndian.Uint32(rb[:]), s.counter, s.host), nil
}

// journalTempName returns a new name for a deletion journal being
// written in tmp/: the time, the process id and a random number make it
// unique across sessions, Stores and processes, so that a journal never
// meets a leftover of another (the file is created with O_EXCL anyway).
func (s *Store) journalTempName() (string, error) {
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	var rb [8]byte
	if _, err := io.ReadFull(s.rand, rb[:]); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s.%d.P%d.R%x.%s", journalName, s.now().UnixNano(), os.Getpid(), rb, s.host), nil
}

// staleTmpAge is the age at which a file in tmp/ is left over from a
// delivery or journal that never finished: the Maildir convention is to
// remove tmp/ files not touched for 36 hours.
const staleTmpAge = 36 * time.Hour

// sweepInterval is how long a Store leaves a Maildir's tmp/ alone after
// sweeping it: a file there becomes stale only after staleTmpAge, so one
// sweep an hour removes every leftover within 37 hours, and a mail client
// that logs in every minute does not list tmp/ every time.
const sweepInterval = time.Hour

// sweepDue reports whether user's tmp/ is due for a sweep (its first open
// by this Store, or sweepInterval after the last), and if so notes the
// sweep as done now.
func (s *Store) sweepDue(user string) bool {
	now := s.wallClock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.swept[user]; ok && now.Sub(last) < sweepInterval && !now.Before(last) {
		return false
	}
	s.swept[user] = now
	return true
}

// sweepTmp removes stale files from the Maildir's tmp/. The file times
// are set by the file system's clock, so they are compared with the real
// clock, not Options.Now. Failures are ignored: a leftover costs nothing
// but space.
func (s *Store) sweepTmp(dir string) {
	tmp := path.Join(dir, dirTmp)
	des, err := s.readDir(tmp)
	if err != nil {
		return
	}
	cutoff := s.wallClock().Add(-staleTmpAge)
	for _, de := range des {
		if !de.Type().IsRegular() {
			continue
		}
		if info, err := de.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = hackpadfs.Remove(s.fsys, path.Join(tmp, de.Name()))
		}
	}
}

func writeAll(f hackpadfs.File, p []byte) error {
	for len(p) > 0 {
		n, err := hackpadfs.WriteFile(f, p)
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrShortWrite
		}
		p = p[n:]
	}
	return nil
}

// syncFile flushes f to stable storage where the file system can (the
// Maildir delivery protocol syncs before the rename into new/); file
// systems without Sync are in memory or sync on their own.
func syncFile(f hackpadfs.File) error {
	err := hackpadfs.SyncFile(f)
	if errors.Is(err, hackpadfs.ErrNotImplemented) {
		return nil
	}
	return err
}

// readAllSized is io.ReadAll with a size hint: a buffer of hint octets
// (and room to see the end) from the start, where io.ReadAll would grow
// one step at a time, copying a 2 MB message a dozen times over. A wrong
// hint costs only time.
func readAllSized(r io.Reader, hint int64) ([]byte, error) {
	if hint <= 0 {
		return io.ReadAll(r)
	}
	var b bytes.Buffer
	b.Grow(int(hint) + bytes.MinRead)
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// lengthOf is the number of unread octets of r when r knows it (a
// bytes.Reader, strings.Reader or bytes.Buffer), else 0.
func lengthOf(r io.Reader) int64 {
	if l, ok := r.(interface{ Len() int }); ok {
		return int64(l.Len())
	}
	return 0
}
