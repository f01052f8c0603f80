package maildrop

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hack-pad/hackpadfs"
)

// faultModes: a single failing operation (a transient error), or every
// operation from the Nth on (the disk filled up, the medium went away).
var faultModes = []struct {
	name       string
	persistent bool
}{
	{"once", false},
	{"persistent", true},
}

// maxFaultOps stops a fault loop that never reaches a clean run.
const maxFaultOps = 100

// checkAllOrNothing opens the maildrop with faults off and checks that it
// holds exactly want (uid → wire-form body), every message intact.
func checkMaildrop(t *testing.T, s *Store, user string, want map[string]string) {
	t.Helper()
	m, err := s.Open(user)
	if err != nil {
		t.Fatalf("Open with faults off: %v", err)
	}
	defer m.Close()
	msgs := m.Messages()
	got := map[string]string{}
	for _, msg := range msgs {
		got[msg.UID] = body(t, m, msg.Number)
	}
	if len(got) != len(want) {
		t.Fatalf("maildrop holds %d messages %q, want %d", len(got), keys(got), len(want))
	}
	for uid, b := range want {
		if got[uid] != b {
			t.Fatalf("message %s: %q, want %q", uid, got[uid], b)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// RFC 1939 §6: the UPDATE state removes the marked messages. With a
// failure injected at every mutating operation a Commit performs, the
// maildrop seen by the next session holds either every message or exactly
// the unmarked ones: never some of the marked ones gone, never an
// unmarked one gone, never a damaged message.
func TestCommitFaults(t *testing.T) {
	forEachBackendNew(t, func(t *testing.T, newFS func() hackpadfs.FS) {
		for _, mode := range faultModes {
			t.Run(mode.name, func(t *testing.T) {
				clean := 0
				for n := 1; n <= maxFaultOps; n++ {
					fsys := newFS()
					ffs := &faultFS{fs: fsys}
					s := newTestStore(ffs)
					all := map[string]string{}
					var order []string
					for i := 1; i <= 5; i++ {
						msg := fmt.Sprintf("Subject: %d\n\nbody %d\n", i, i)
						uid := mustDeliver(t, s, "alice", msg)
						all[uid] = wireOf(msg)
						order = append(order, uid)
					}
					writeFile(t, fsys, "alice/new/dropped.eml", "no sizes\n")
					all["dropped.eml"] = "no sizes\r\n"
					order = append(order, "dropped.eml")

					m := mustOpen(t, s, "alice")
					marked := map[int]bool{2: true, 4: true, 6: true}
					kept := map[string]string{}
					for i, uid := range uids(m) {
						if uid != order[i] {
							t.Fatalf("message %d is %q, want %q", i+1, uid, order[i])
						}
						if marked[i+1] {
							if err := m.Delete(i + 1); err != nil {
								t.Fatal(err)
							}
						} else {
							kept[uid] = all[uid]
						}
					}
					ffs.arm(n, mode.persistent)
					err := m.Commit()
					ops, log := ffs.disarm()
					if s.Locked("alice") {
						t.Fatalf("fault at op %d: Commit left the maildrop locked", n)
					}
					if ops < n {
						// No fault was injected: this is the clean run.
						if err != nil {
							t.Fatalf("clean Commit: %v", err)
						}
						clean = ops
						checkMaildrop(t, s, "alice", kept)
						t.Logf("a clean Commit of 3 deletions performs %d mutating operations: %q", ops, log)
						break
					}
					journalPending := exists(t, fsys, "alice/"+journalName)
					if err == nil && journalPending && n < ops {
						t.Fatalf("fault at op %d (%s): Commit succeeded but left the journal unfinished", n, log[n-1])
					}

					// A session that opens while the disk is still failing
					// must not see a partial deletion either.
					ffs.arm(1, true)
					if m2, oerr := s.Open("alice"); oerr == nil {
						got := uids(m2)
						m2.Close()
						if len(got) != len(all) && len(got) != len(kept) {
							t.Fatalf("fault at op %d, Open on a failing disk: saw %q", n, got)
						}
						if len(got) == len(all) && journalPending {
							t.Fatalf("fault at op %d: listed all messages with a deletion journal pending", n)
						}
					}
					ffs.disarm()

					// Faults off: every marked message gone, or none.
					m3, oerr := s.Open("alice")
					if oerr != nil {
						t.Fatalf("fault at op %d (%s): Open with faults off: %v", n, log[n-1], oerr)
					}
					n3, _ := m3.Stat()
					m3.Close()
					switch {
					case n3 == len(kept):
						checkMaildrop(t, s, "alice", kept)
					case n3 == len(all):
						if err == nil {
							t.Fatalf("fault at op %d (%s): Commit reported success, nothing was deleted", n, log[n-1])
						}
						checkMaildrop(t, s, "alice", all)
					default:
						t.Fatalf("fault at op %d (%s): %d messages after the fault, want %d or %d", n, log[n-1], n3, len(all), len(kept))
					}
					if !mode.persistent {
						if tmp := listDir(t, fsys, "alice/tmp"); len(tmp) != 0 {
							t.Fatalf("fault at op %d (%s): tmp/ = %q", n, log[n-1], tmp)
						}
					}
					if exists(t, fsys, "alice/"+journalName) {
						t.Fatalf("fault at op %d: journal still there after a clean Open", n)
					}
				}
				// journal: create, write, rename; three removes; journal remove.
				if clean < 7 {
					t.Fatalf("clean Commit performed %d mutating operations, want at least 7", clean)
				}
			})
		}
	})
}

// forEachBackendNew runs f on every backend with a constructor, for
// tests that need a fresh file system per iteration.
func forEachBackendNew(t *testing.T, f func(t *testing.T, newFS func() hackpadfs.FS)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, func() hackpadfs.FS { return b.new(t) }) })
	}
}

func exists(t *testing.T, fsys hackpadfs.FS, p string) bool {
	t.Helper()
	_, err := hackpadfs.Stat(fsys, p)
	if err != nil && !errors.Is(err, hackpadfs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// Maildir delivery: with a failure at every mutating operation a delivery
// performs, a failed delivery is never visible (no partial file in new/
// or cur/) and leaves nothing in tmp/ when its clean-up could run.
func TestDeliverFaults(t *testing.T) {
	forEachBackendNew(t, func(t *testing.T, newFS func() hackpadfs.FS) {
		for _, mode := range faultModes {
			t.Run(mode.name, func(t *testing.T) {
				// Big enough for several writes, with bare LFs across them.
				msg := strings.Repeat("a line of the message body\n", 9000)
				clean := 0
				for n := 1; n <= maxFaultOps; n++ {
					fsys := newFS()
					ffs := &faultFS{fs: fsys}
					s := newTestStore(ffs)
					earlier := mustDeliver(t, s, "old", "earlier\n")
					ffs.arm(n, mode.persistent)
					// "new" has no Maildir yet: Deliver creates it.
					uid, err := s.Deliver("new", strings.NewReader(msg))
					ops, log := ffs.disarm()
					if ops < n {
						if err != nil {
							t.Fatalf("clean Deliver: %v", err)
						}
						clean = ops
						checkMaildrop(t, s, "new", map[string]string{uid: wireOf(msg)})
						t.Logf("a clean Deliver of %d octets performs %d mutating operations: %q", len(msg), ops, log)
						break
					}
					if err == nil {
						t.Fatalf("fault at op %d (%s): Deliver succeeded", n, log[n-1])
					}
					if !errors.Is(err, errInjected) {
						t.Fatalf("fault at op %d: error %v does not wrap the cause", n, err)
					}
					if !strings.HasPrefix(err.Error(), "maildrop new: ") {
						t.Errorf("error %q lacks the maildrop context", err)
					}
					for _, sub := range []string{"new/new", "new/cur"} {
						if got := listDir(t, fsys, sub); len(got) != 0 {
							t.Fatalf("fault at op %d (%s): %s = %q after a failed delivery", n, log[n-1], sub, got)
						}
					}
					if !mode.persistent {
						if got := listDir(t, fsys, "new/tmp"); len(got) != 0 {
							t.Fatalf("fault at op %d (%s): tmp/ = %q after a failed delivery", n, log[n-1], got)
						}
					}
					checkMaildrop(t, s, "new", map[string]string{})
					checkMaildrop(t, s, "old", map[string]string{earlier: "earlier\r\n"})
				}
				// mkdir ×3, create, one write of the whole message (the
				// key-value file systems store the file on each write),
				// rename.
				if clean != 6 {
					t.Fatalf("clean Deliver performed %d mutating operations, want 6", clean)
				}
			})
		}
	})
}

// Open moves messages from new/ to cur/ and fixes names; each of those
// renames may fail without failing the session, and the messages stay
// intact with the same unique-ids.
func TestOpenFaults(t *testing.T) {
	forEachBackendNew(t, func(t *testing.T, newFS func() hackpadfs.FS) {
		for _, mode := range faultModes {
			t.Run(mode.name, func(t *testing.T) {
				for n := 1; n <= maxFaultOps; n++ {
					fsys := newFS()
					ffs := &faultFS{fs: fsys}
					s := newTestStore(ffs)
					want := map[string]string{}
					for i := 1; i <= 3; i++ {
						msg := fmt.Sprintf("message %d\n", i)
						want[mustDeliver(t, s, "alice", msg)] = wireOf(msg)
					}
					writeFile(t, fsys, "alice/cur/1600000000.nosize:2,S", "no size\n")
					want["1600000000.nosize"] = "no size\r\n"
					writeFile(t, fsys, "alice/cur/1600000001.edited,S=1,W=1:2,", "edited\n")
					want["1600000001.edited"] = "edited\r\n"

					ffs.arm(n, mode.persistent)
					m, err := s.Open("alice")
					if err != nil {
						t.Fatalf("fault at op %d: Open: %v", n, err)
					}
					got := map[string]string{}
					for _, msg := range m.Messages() {
						got[msg.UID] = body(t, m, msg.Number)
					}
					m.Close()
					ops, _ := ffs.disarm()
					if len(got) != len(want) {
						t.Fatalf("fault at op %d: %d messages, want %d", n, len(got), len(want))
					}
					for uid, b := range want {
						if got[uid] != b {
							t.Fatalf("fault at op %d: %s = %q, want %q", n, uid, got[uid], b)
						}
					}
					checkMaildrop(t, s, "alice", want)
					if ops < n {
						if ops != 5 {
							t.Errorf("clean Open performed %d renames, want 5", ops)
						}
						break
					}
				}
			})
		}
	})
}
