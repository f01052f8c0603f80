//go:build unix

package maildrop

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	osfs "github.com/hack-pad/hackpadfs/os"
)

// lockChildEnv names the directory that the child of
// TestLockAcrossProcesses serves.
const lockChildEnv = "POP3LAB_TEST_LOCK_CHILD_DIR"

// TestLockAcrossStores: on the host's file system two Stores on one
// directory exclude each other through the lock file (RFC 1939 §8).
func TestLockAcrossStores(t *testing.T) {
	fsys := newOSFS(t)
	a, b := newTestStore(fsys), newTestStore(fsys)
	m := mustOpen(t, a, "alice")
	if _, err := b.Open("alice"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Store: Open err = %v, want ErrLocked", err)
	}
	if b.Locked("alice") {
		t.Fatal("a refused Open left the in-memory lock taken")
	}
	other := mustOpen(t, b, "bob") // another maildrop is free
	other.Close()
	m.Close()
	mustOpen(t, b, "alice").Close()
}

// TestLockAcrossProcesses: while a second process holds alice's maildrop,
// Open here is refused with ErrLocked; when that process dies (killed,
// without closing anything), the lock is free again.
func TestLockAcrossProcesses(t *testing.T) {
	if dir := os.Getenv(lockChildEnv); dir != "" {
		holdLock(t, dir) // this process is the child
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockAcrossProcesses$", "-test.v")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin, _ = os.Open(os.DevNull)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "holding alice" {
	}
	fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(dir), "/"))
	if err != nil {
		t.Fatal(err)
	}
	s := newTestStore(fsys)
	if _, err := s.Open("alice"); !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while another process holds the maildrop: err = %v, want ErrLocked", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	mustOpen(t, s, "alice").Close()
}

// holdLock is the child of TestLockAcrossProcesses: it holds alice's
// maildrop under dir until it is killed.
func holdLock(t *testing.T, dir string) {
	fsys, err := osfs.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(dir), "/"))
	if err != nil {
		t.Fatal(err)
	}
	mustOpen(t, newTestStore(fsys), "alice")
	os.Stdout.WriteString("holding alice\n")
	time.Sleep(time.Hour)
}
