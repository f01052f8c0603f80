package maildrop

import (
	"errors"
	"strings"
	"testing"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"
)

// TestListAndReadDoNotDisturb: views list and read a maildrop while a
// session holds it, and change no file name doing so.
func TestListAndReadDoNotDisturb(t *testing.T) {
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(fsys, "", Options{})
	if msgs, err := s.List("alice"); err != nil || len(msgs) != 0 {
		t.Fatalf("List of a missing maildrop = %v, %v", msgs, err)
	}
	uid, err := s.Deliver("alice", strings.NewReader("Subject: a\n\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := hackpadfs.ReadDir(fsys, "alice/new")
	msgs, err := s.List("alice")
	if err != nil || len(msgs) != 1 || msgs[0].UID != uid || msgs[0].Size != int64(len("Subject: a\r\n\r\nbody\r\n")) || msgs[0].Number != 1 {
		t.Fatalf("List = %+v, %v", msgs, err)
	}
	after, _ := hackpadfs.ReadDir(fsys, "alice/new")
	if len(before) != 1 || len(after) != 1 || before[0].Name() != after[0].Name() {
		t.Fatal("List renamed a file")
	}
	m, err := s.Open("alice")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	got, err := s.Read("alice", uid)
	if err != nil || string(got) != "Subject: a\r\n\r\nbody\r\n" {
		t.Fatalf("Read while locked = %q, %v", got, err)
	}
	if _, err := s.Read("alice", "nope"); !errors.Is(err, ErrNoSuchMessage) {
		t.Fatalf("Read of an unknown uid: %v", err)
	}
	if _, err := s.List("../etc"); !errors.Is(err, ErrBadUser) {
		t.Fatalf("List of a bad user: %v", err)
	}
}

// TestSameSizeEdit: an edit that keeps the file size but changes the wire
// size (line endings) is caught at Open(n), and the next session lists
// the right size.
func TestSameSizeEdit(t *testing.T) {
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(fsys, "", Options{})
	if _, err := s.Deliver("alice", strings.NewReader("Subject: x\n\nab\ncd\n")); err != nil {
		t.Fatal(err)
	}
	m, err := s.Open("alice")
	if err != nil {
		t.Fatal(err)
	}
	name := m.Messages()[0].Name
	m.Close()
	edited := "Subject: x\r\n\r\nabc\n"
	if len(edited) != len("Subject: x\n\nab\ncd\n") {
		t.Fatal("the edit must keep the size")
	}
	if err := hackpadfs.WriteFullFile(fsys, "alice/cur/"+name, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err = s.Open("alice")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Messages()[0].Size; got != 22 {
		t.Fatalf("listed size %d, want the stale 22 (sizes come from the name)", got)
	}
	if _, err := m.Open(1); !errors.Is(err, ErrGone) {
		t.Fatalf("Open of the edited message: %v, want ErrGone", err)
	}
	m.Close()
	m, err = s.Open("alice")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := m.Messages()[0].Size; got != int64(len("Subject: x\r\n\r\nabc\r\n")) {
		t.Fatalf("next session lists %d octets, want %d", got, len("Subject: x\r\n\r\nabc\r\n"))
	}
	r, err := m.Open(1)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}
