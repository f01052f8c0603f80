package maildrop

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
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
	got, err := readHostDir(dir)
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
	if _, err := readHostDir(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing directory: %v, want not-exist", err)
	}
}
