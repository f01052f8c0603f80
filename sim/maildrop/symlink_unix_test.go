//go:build unix

package maildrop

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	osfs "github.com/hack-pad/hackpadfs/os"
)

// TestSymlinkedDirectoriesRefused: a maildrop whose directory, cur/, new/
// or tmp/ is a symbolic link is refused by Open, Deliver, List and Read
// with ErrSymlink, and nothing outside the store is read, renamed or
// written. A symbolic link to a message file is skipped, not followed.
func TestSymlinkedDirectoriesRefused(t *testing.T) {
	for _, link := range []string{"alice", "alice/cur", "alice/new", "alice/tmp"} {
		t.Run(link, func(t *testing.T) {
			root := t.TempDir()
			store, outside := filepath.Join(root, "store"), filepath.Join(root, "outside")
			for _, d := range []string{"store/alice/cur", "store/alice/new", "store/alice/tmp", "outside/cur", "outside/new", "outside/tmp"} {
				if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			secret := filepath.Join(outside, "new", "1700000000.M1P1Q1.host")
			if err := os.WriteFile(secret, []byte("Subject: outside the store\n\nsecret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			target := outside
			if sub := filepath.Base(link); link != "alice" {
				target = filepath.Join(outside, sub)
			}
			if err := os.RemoveAll(filepath.Join(store, link)); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, filepath.Join(store, link)); err != nil {
				t.Fatal(err)
			}
			fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(store), "/"))
			if err != nil {
				t.Fatal(err)
			}
			s := newTestStore(fsys)
			if _, err := s.Open("alice"); !errors.Is(err, ErrSymlink) {
				t.Errorf("Open: err = %v, want ErrSymlink", err)
			}
			if s.Locked("alice") {
				t.Error("a refused Open left the lock taken")
			}
			if _, err := s.Deliver("alice", strings.NewReader("Subject: x\n\nx\n")); !errors.Is(err, ErrSymlink) {
				t.Errorf("Deliver: err = %v, want ErrSymlink", err)
			}
			if _, err := s.List("alice"); !errors.Is(err, ErrSymlink) {
				t.Errorf("List: err = %v, want ErrSymlink", err)
			}
			if _, err := s.Read("alice", "1700000000.M1P1Q1.host"); !errors.Is(err, ErrSymlink) {
				t.Errorf("Read: err = %v, want ErrSymlink", err)
			}
			if _, err := os.Stat(secret); err != nil {
				t.Errorf("the file outside the store moved: %v", err)
			}
			for _, sub := range []string{"cur", "new", "tmp"} {
				des, _ := os.ReadDir(filepath.Join(outside, sub))
				if n := len(des); (sub == "new" && n != 1) || (sub != "new" && n != 0) {
					t.Errorf("outside/%s holds %d entries after the refusals", sub, n)
				}
			}
		})
	}
}

// TestSymlinkedMessageSkipped: a symbolic link in cur/ to a file outside
// the store is not a message.
func TestSymlinkedMessageSkipped(t *testing.T) {
	root := t.TempDir()
	outsideFile := filepath.Join(root, "outside.eml")
	if err := os.WriteFile(outsideFile, []byte("Subject: secret\n\nsecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(filepath.Join(root, "store")), "/"))
	if err != nil {
		t.Fatal(err)
	}
	s := newTestStore(fsys)
	mustDeliver(t, s, "alice", "Subject: real\n\nreal\n")
	if err := os.Symlink(outsideFile, filepath.Join(root, "store", "alice", "cur", "1600000000.M1P1Q1.link")); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, s, "alice")
	defer m.Close()
	if got := bodies(t, m); len(got) != 1 || !strings.HasPrefix(got[0], "Subject: real") {
		t.Fatalf("messages: %q, want only the real one", got)
	}
}

// TestMessageSwappedForSymlink: a message file replaced by a symbolic link
// of the same size after the scan is not followed: RETR of it fails and
// nothing of the link's target is read. On the host's file system the
// small message takes the direct read (host_unix.go).
func TestMessageSwappedForSymlink(t *testing.T) {
	root := t.TempDir()
	msg := "Subject: real\n\nreal\n"
	outsideFile := filepath.Join(root, "outside.eml")
	if err := os.WriteFile(outsideFile, []byte(strings.Replace(msg, "real", "leak", 2)), 0o600); err != nil {
		t.Fatal(err)
	}
	m := openHostMaildrop(t, root, msg)
	defer m.Close()
	if m.hostDir == "" {
		t.Fatal("the os backend does not read messages directly")
	}
	file := filepath.Join(root, "store", "alice", "cur", m.Messages()[0].Name)
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outsideFile, file); err != nil {
		t.Fatal(err)
	}
	if r, err := m.Open(1); err == nil {
		b, _ := io.ReadAll(r)
		r.Close()
		t.Fatalf("Open of a message swapped for a link read %q", b)
	}
}

// TestMessageDirSwappedForSymlink: cur/ replaced by a symbolic link to a
// directory outside the store after the scan, holding a file of the same
// name and size: RETR does not follow the link. It reads the message from
// the directory the session listed (which it holds open), and nothing of
// the target.
func TestMessageDirSwappedForSymlink(t *testing.T) {
	root := t.TempDir()
	msg := "Subject: real\n\nreal\n"
	m := openHostMaildrop(t, root, msg)
	defer m.Close()
	outside := filepath.Join(root, "outside")
	if err := os.MkdirAll(outside, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, m.Messages()[0].Name), []byte(strings.Replace(msg, "real", "leak", 2)), 0o600); err != nil {
		t.Fatal(err)
	}
	cur := filepath.Join(root, "store", "alice", "cur")
	if err := os.Rename(cur, cur+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, cur); err != nil {
		t.Fatal(err)
	}
	if got := body(t, m, 1); got != strings.ReplaceAll(msg, "\n", "\r\n") {
		t.Fatalf("RETR after cur/ was swapped for a link read %q", got)
	}
}

// openHostMaildrop delivers msg to alice in a store on the host's file
// system at root/store and opens her maildrop.
func openHostMaildrop(t *testing.T, root, msg string) *Maildrop {
	t.Helper()
	fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(filepath.Join(root, "store")), "/"))
	if err != nil {
		t.Fatal(err)
	}
	s := newTestStore(fsys)
	mustDeliver(t, s, "alice", msg)
	return mustOpen(t, s, "alice")
}
