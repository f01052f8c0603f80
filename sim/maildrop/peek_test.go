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
