package maildrop

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	osfs "github.com/hack-pad/hackpadfs/os"
)

// TestReadHostDirAsOS: the direct listing gives what os.ReadDir and
// os.Lstat give, for a file, a directory, a symbolic link, a named pipe
// and a dot-file, in the same order.
func TestReadHostDirAsOS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "1700000000.M1P1.host,S=5,W=6"), []byte("a\nbc\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".hidden"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o1750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nowhere", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readHostDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		wi, err := w.Info()
		if err != nil {
			t.Fatal(err)
		}
		gi, err := g.Info()
		if err != nil {
			t.Fatal(err)
		}
		if g.Name() != w.Name() || g.IsDir() != w.IsDir() || g.Type() != w.Type() ||
			gi.Name() != wi.Name() || gi.Size() != wi.Size() || gi.Mode() != wi.Mode() || !gi.ModTime().Equal(wi.ModTime()) {
			t.Errorf("entry %d: %s %v %v size %d mode %v time %v, want %s %v %v size %d mode %v time %v", i,
				g.Name(), g.IsDir(), g.Type(), gi.Size(), gi.Mode(), gi.ModTime(),
				w.Name(), w.IsDir(), w.Type(), wi.Size(), wi.Mode(), wi.ModTime())
		}
	}
	if _, err := readHostDir(filepath.Join(dir, "missing"), nil); !os.IsNotExist(err) {
		t.Errorf("missing directory: %v, want not-exist", err)
	}
}

// TestSessionClosesItsDirectories: a session that read messages from cur/
// and new/ holds both directories open while it runs (cur/ from the scan)
// and leaves neither open once it ends, by Close or by Commit.
func TestSessionClosesItsDirectories(t *testing.T) {
	for _, end := range []string{"Close", "Commit"} {
		t.Run(end, func(t *testing.T) {
			fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(t.TempDir()), "/"))
			if err != nil {
				t.Fatal(err)
			}
			s := newTestStore(fsys)
			mustDeliver(t, s, "alice", "Subject: one\n\none\n")
			mustDeliver(t, s, "alice", "Subject: two\n\ntwo\n")
			m := mustOpen(t, s, "alice")
			if !m.dirs.opened[0] || m.dirs.opened[1] {
				t.Fatalf("after the scan: cur/ open %v, new/ open %v; want cur/ only", m.dirs.opened[0], m.dirs.opened[1])
			}
			// Message 2 left in new/ (as a failed rename would leave
			// it): new/ is opened to read it.
			name := m.msgs[1].name
			if err := os.Rename(filepath.Join(m.hostDir, dirCur, name), filepath.Join(m.hostDir, dirNew, name)); err != nil {
				t.Fatal(err)
			}
			m.msgs[1].dir = dirNew
			if got := bodies(t, m); len(got) != 2 || !strings.HasPrefix(got[1], "Subject: two") {
				t.Fatalf("messages %q", got)
			}
			fds := m.dirs.fd
			for i, sub := range []string{dirCur, dirNew} {
				if !m.dirs.opened[i] || !sameFile(t, fds[i], filepath.Join(m.hostDir, sub)) {
					t.Fatalf("%s/ is not held open during the session", sub)
				}
			}
			if end == "Close" {
				err = m.Close()
			} else {
				err = m.Commit()
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, sub := range []string{dirCur, dirNew} {
				if m.dirs.opened[i] || sameFile(t, fds[i], filepath.Join(m.hostDir, sub)) {
					t.Fatalf("%s/ still open after %s", sub, end)
				}
			}
		})
	}
}

// sameFile reports whether fd is open on the file at p.
func sameFile(t *testing.T, fd int, p string) bool {
	var st, want syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return false
	}
	if err := syscall.Stat(p, &want); err != nil {
		t.Fatal(err)
	}
	return st.Dev == want.Dev && st.Ino == want.Ino
}
