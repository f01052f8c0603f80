package maildrop

import (
	"errors"
	"io"
	"math/rand/v2"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"
	osfs "github.com/hack-pad/hackpadfs/os"
)

// backend is one file system the whole suite runs on, as hackpadfs runs
// one conformance suite over all its file systems.
type backend struct {
	name string
	new  func(t testing.TB) hackpadfs.FS
}

// backends lists the file systems under test. The browser's indexeddb is
// tested in Chromium by the wasm package; Node has no indexedDB.
var backends = []backend{
	{"mem", newMemFS},
	{"os", newOSFS},
}

func newMemFS(t testing.TB) hackpadfs.FS {
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// newOSFS is a fresh temporary directory seen through hackpadfs os, the
// way cmd/pop3lab serves a directory: os.NewFS() then Sub of the absolute
// path without its leading slash.
func newOSFS(t testing.TB) hackpadfs.FS {
	dir := filepath.ToSlash(t.TempDir())
	fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(dir, "/"))
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// forEachBackend runs f as a subtest on every backend.
func forEachBackend(t *testing.T, f func(t *testing.T, fsys hackpadfs.FS)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.new(t)) })
	}
}

// t0 is the virtual clock of the tests: 2023-11-14T22:13:20Z.
var t0 = time.Unix(1700000000, 0)

// testOptions make delivery names deterministic, as the simulator does.
func testOptions() Options {
	return Options{
		Now:      func() time.Time { return t0 },
		Rand:     rand.NewChaCha8([32]byte{1}),
		Hostname: "lab",
	}
}

func newTestStore(fsys hackpadfs.FS) *Store { return NewStore(fsys, "", testOptions()) }

// writeFile puts a file on fsys as another program would (a user
// dropping a message in, an editor), creating the directories.
func writeFile(t testing.TB, fsys hackpadfs.FS, p string, data string) {
	t.Helper()
	if err := hackpadfs.MkdirAll(fsys, path.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := hackpadfs.OpenFile(fsys, p, hackpadfs.FlagWriteOnly|hackpadfs.FlagCreate|hackpadfs.FlagTruncate, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 {
		if _, err := hackpadfs.WriteFile(f, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// listDir returns the sorted names in a directory, nil if it is missing.
func listDir(t testing.TB, fsys hackpadfs.FS, p string) []string {
	t.Helper()
	des, err := hackpadfs.ReadDir(fsys, p)
	if errors.Is(err, hackpadfs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	sort.Strings(names)
	return names
}

func mustOpen(t testing.TB, s *Store, user string) *Maildrop {
	t.Helper()
	m, err := s.Open(user)
	if err != nil {
		t.Fatalf("Open(%q): %v", user, err)
	}
	return m
}

func mustDeliver(t testing.TB, s *Store, user, msg string) string {
	t.Helper()
	uid, err := s.Deliver(user, strings.NewReader(msg))
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return uid
}

// body reads message n in wire form.
func body(t testing.TB, m *Maildrop, n int) string {
	t.Helper()
	rc, err := m.Open(n)
	if err != nil {
		t.Fatalf("Open(%d): %v", n, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading message %d: %v", n, err)
	}
	return string(b)
}

// bodies returns the wire form of every message of a session, checking
// on the way that each one is exactly as long as its listed size.
func bodies(t testing.TB, m *Maildrop) []string {
	t.Helper()
	var out []string
	for _, msg := range m.Messages() {
		b := body(t, m, msg.Number)
		if int64(len(b)) != msg.Size {
			t.Errorf("message %d (%s): %d octets, listed as %d", msg.Number, msg.Name, len(b), msg.Size)
		}
		out = append(out, b)
	}
	return out
}

func uids(m *Maildrop) []string {
	var out []string
	for _, msg := range m.Messages() {
		out = append(out, msg.UID)
	}
	return out
}

// errInjected is the failure faultFS injects.
var errInjected = errors.New("injected fault")

// faultFS wraps a file system and fails its Nth mutating operation, the
// way a full disk or a yanked USB stick would: OpenFile with write flags,
// Write (half the data is written first: a torn write), Rename, Remove,
// Mkdir and MkdirAll. In persistent mode every mutating operation from
// the Nth on fails. It also counts opens of regular files, so tests can
// tell whether a listing read message bodies.
type faultFS struct {
	fs hackpadfs.FS

	mu         sync.Mutex
	armed      bool
	failAt     int
	persistent bool
	ops        int      // mutating operations since arm
	log        []string // those operations, for failure messages
	fileOpens  int      // read opens of regular files
}

var (
	_ hackpadfs.OpenFileFS = (*faultFS)(nil)
	_ hackpadfs.MkdirFS    = (*faultFS)(nil)
	_ hackpadfs.MkdirAllFS = (*faultFS)(nil)
	_ hackpadfs.RemoveFS   = (*faultFS)(nil)
	_ hackpadfs.RenameFS   = (*faultFS)(nil)
	_ hackpadfs.StatFS     = (*faultFS)(nil)
	_ hackpadfs.ReadDirFS  = (*faultFS)(nil)
	_ hackpadfs.ChtimesFS  = (*faultFS)(nil)
)

// arm starts counting mutating operations and fails the nth (1-based).
func (f *faultFS) arm(n int, persistent bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed, f.failAt, f.persistent, f.ops, f.log = true, n, persistent, 0, nil
}

// disarm stops injecting and returns the mutating operations counted.
func (f *faultFS) disarm() (int, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
	return f.ops, f.log
}

func (f *faultFS) opens() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fileOpens
}

func (f *faultFS) fault(op, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.armed {
		return nil
	}
	f.ops++
	f.log = append(f.log, op+" "+name)
	if f.ops == f.failAt || (f.persistent && f.ops > f.failAt) {
		return &hackpadfs.PathError{Op: op, Path: name, Err: errInjected}
	}
	return nil
}

func (f *faultFS) Open(name string) (hackpadfs.File, error) {
	file, err := f.fs.Open(name)
	if err == nil {
		if info, serr := file.Stat(); serr == nil && info.Mode().IsRegular() {
			f.mu.Lock()
			f.fileOpens++
			f.mu.Unlock()
		}
	}
	return file, err
}

const writeFlags = hackpadfs.FlagWriteOnly | hackpadfs.FlagReadWrite | hackpadfs.FlagCreate | hackpadfs.FlagTruncate | hackpadfs.FlagAppend

func (f *faultFS) OpenFile(name string, flag int, perm hackpadfs.FileMode) (hackpadfs.File, error) {
	if flag&writeFlags == 0 {
		return f.Open(name)
	}
	if err := f.fault("openfile", name); err != nil {
		return nil, err
	}
	file, err := hackpadfs.OpenFile(f.fs, name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: name}, nil
}

func (f *faultFS) Mkdir(name string, perm hackpadfs.FileMode) error {
	if err := f.fault("mkdir", name); err != nil {
		return err
	}
	return hackpadfs.Mkdir(f.fs, name, perm)
}

func (f *faultFS) MkdirAll(name string, perm hackpadfs.FileMode) error {
	if err := f.fault("mkdirall", name); err != nil {
		return err
	}
	return hackpadfs.MkdirAll(f.fs, name, perm)
}

func (f *faultFS) Remove(name string) error {
	if err := f.fault("remove", name); err != nil {
		return err
	}
	return hackpadfs.Remove(f.fs, name)
}

func (f *faultFS) Rename(oldname, newname string) error {
	if err := f.fault("rename", oldname+" -> "+newname); err != nil {
		return &hackpadfs.LinkError{Op: "rename", Old: oldname, New: newname, Err: errInjected}
	}
	return hackpadfs.Rename(f.fs, oldname, newname)
}

func (f *faultFS) Stat(name string) (hackpadfs.FileInfo, error) { return hackpadfs.Stat(f.fs, name) }

func (f *faultFS) ReadDir(name string) ([]hackpadfs.DirEntry, error) {
	return hackpadfs.ReadDir(f.fs, name)
}

func (f *faultFS) Chtimes(name string, atime, mtime time.Time) error {
	return hackpadfs.Chtimes(f.fs, name, atime, mtime)
}

// faultFile is a file opened for writing through faultFS.
type faultFile struct {
	hackpadfs.File
	fs   *faultFS
	name string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.fs.fault("write", f.name); err != nil {
		n, _ := hackpadfs.WriteFile(f.File, p[:len(p)/2])
		return n, err
	}
	return hackpadfs.WriteFile(f.File, p)
}

func (f *faultFile) Sync() error { return hackpadfs.SyncFile(f.File) }

// sameStrings reports whether a and b hold the same strings in any order.
func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wireOf is the wire form of a message, from the oracle.
func wireOf(s string) string { return string(refWire([]byte(s))) }
