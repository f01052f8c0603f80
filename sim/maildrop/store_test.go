package maildrop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
)

// RFC 1939 §5 LIST: sizes are exact octets as sent, and RETR sends the
// message with CRLF line endings. Checked for delivered messages and for
// files dropped into new/ under an arbitrary name.
func TestWireFormAndSizesThroughStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		for i, tc := range wireCases {
			mustDeliver(t, s, "alice", tc.in)
			writeFile(t, fsys, fmt.Sprintf("bob/new/drop%02d.eml", i), tc.in)
		}
		for _, user := range []string{"alice", "bob"} {
			m := mustOpen(t, s, user)
			msgs := m.Messages()
			if len(msgs) != len(wireCases) {
				t.Fatalf("%s: %d messages, want %d", user, len(msgs), len(wireCases))
			}
			var total int64
			for i, tc := range wireCases {
				if msgs[i].Size != int64(len(tc.want)) {
					t.Errorf("%s %s: size %d, want %d", user, tc.name, msgs[i].Size, len(tc.want))
				}
				if got := body(t, m, i+1); got != tc.want {
					t.Errorf("%s %s: body %q, want %q", user, tc.name, got, tc.want)
				}
				total += int64(len(tc.want))
			}
			if n, size := m.Stat(); n != len(wireCases) || size != total {
				t.Errorf("%s: Stat = %d, %d; want %d, %d", user, n, size, len(wireCases), total)
			}
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestTenMegabyteMessage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		in := tenMegabytes(false)
		want := refWire(in)
		if _, err := s.Deliver("alice", bytes.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		m := mustOpen(t, s, "alice")
		defer m.Close()
		msg, err := m.Message(1)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Size != int64(len(want)) {
			t.Fatalf("size %d, want %d", msg.Size, len(want))
		}
		if want := fmt.Sprintf(",S=%d,W=%d:2,", len(in), len(want)); !strings.HasSuffix(msg.Name, want) {
			t.Errorf("name %q does not end in %q", msg.Name, want)
		}
		rc, err := m.Open(1)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if _, err := io.Copy(&got, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("10 MB message differs from its wire form (%d octets, want %d)", got.Len(), len(want))
		}
	})
}

// The delivered name follows the Maildir spec and is deterministic from
// Options: seconds, zero-padded microseconds, the random part, the
// counter, the escaped host, then the sizes.
func TestDeliverName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		opts := Options{
			Now:      func() time.Time { return time.Unix(1700000000, 42000) },
			Rand:     bytes.NewReader([]byte{0, 0, 1, 0, 0, 0, 0, 7}),
			Hostname: "mx/1:a,b",
		}
		s := NewStore(fsys, "spool/mail", opts)
		uid1 := mustDeliver(t, s, "alice", "hi\n")
		uid2 := mustDeliver(t, s, "alice", "")
		want1 := `1700000000.M000042P256Q1.mx\0571\072a\054b`
		want2 := `1700000000.M000043P7Q2.mx\0571\072a\054b` // the clock stood still: one microsecond later
		if uid1 != want1 || uid2 != want2 {
			t.Fatalf("uids %q %q, want %q %q", uid1, uid2, want1, want2)
		}
		got := listDir(t, fsys, "spool/mail/alice/new")
		want := []string{want1 + ",S=3,W=4", want2 + ",S=0,W=0"}
		if !sameStrings(got, want) {
			t.Fatalf("new/ = %q, want %q", got, want)
		}
		if tmp := listDir(t, fsys, "spool/mail/alice/tmp"); len(tmp) != 0 {
			t.Fatalf("tmp/ not empty after delivery: %q", tmp)
		}
		if _, err := s.Deliver("alice", strings.NewReader("x")); err == nil {
			t.Fatal("Deliver succeeded with the random source exhausted")
		}
	})
}

func TestStoreRoot(t *testing.T) {
	for _, tc := range []struct{ root, dir string }{
		{"", "alice"},
		{".", "alice"},
		{"mail", "mail/alice"},
		{"a/b/", "a/b/alice"},
	} {
		fsys := newMemFS(t)
		s := NewStore(fsys, tc.root, testOptions())
		mustDeliver(t, s, "alice", "x\n")
		for _, sub := range []string{"cur", "new", "tmp"} {
			if info, err := hackpadfs.Stat(fsys, path.Join(tc.dir, sub)); err != nil || !info.IsDir() {
				t.Errorf("root %q: %s/%s missing: %v", tc.root, tc.dir, sub, err)
			}
		}
	}
}

func TestOpenCreatesMaildir(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := NewStore(fsys, "mail", testOptions())
		m := mustOpen(t, s, "carol")
		if n, size := m.Stat(); n != 0 || size != 0 {
			t.Errorf("empty maildrop: Stat = %d, %d", n, size)
		}
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		for _, sub := range []string{"cur", "new", "tmp"} {
			if info, err := hackpadfs.Stat(fsys, "mail/carol/"+sub); err != nil || !info.IsDir() {
				t.Errorf("mail/carol/%s missing: %v", sub, err)
			}
		}
	})
}

func TestBadUser(t *testing.T) {
	s := newTestStore(newMemFS(t))
	for _, user := range []string{"", ".", "..", ".x", "a/b", "a\\b", "a\x00", "a\r\n", "\x1b[2J"} {
		if _, err := s.Open(user); !errors.Is(err, ErrBadUser) {
			t.Errorf("Open(%q) err = %v, want ErrBadUser", user, err)
		}
		if _, err := s.Deliver(user, strings.NewReader("x")); !errors.Is(err, ErrBadUser) {
			t.Errorf("Deliver(%q) err = %v, want ErrBadUser", user, err)
		}
		if s.Locked(user) {
			t.Errorf("Locked(%q) after a refused Open", user)
		}
	}
}

// RFC 1939 §7: the unique-id of a message never changes, across sessions,
// server restarts and flag changes by other mail readers.
func TestUIDsStable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		var delivered []string
		for i := 0; i < 3; i++ {
			delivered = append(delivered, mustDeliver(t, s, "alice", fmt.Sprintf("Subject: %d\n\nbody\n", i)))
		}
		writeFile(t, fsys, "alice/new/msg1.eml", "dropped\n")

		m := mustOpen(t, s, "alice")
		first := uids(m)
		if want := append(append([]string(nil), delivered...), "msg1.eml"); !sameStrings(first, want) {
			t.Fatalf("uids %q, want %q", first, want)
		}
		for i := range delivered {
			if first[i] != delivered[i] {
				t.Errorf("message %d: uid %q, Deliver returned %q", i+1, first[i], delivered[i])
			}
		}
		m.Close()

		m = mustOpen(t, s, "alice")
		if got := uids(m); !equalStrings(got, first) {
			t.Errorf("second session: %q, want %q", got, first)
		}
		m.Close()

		// A restart: a new Store on the same file system.
		s2 := newTestStore(fsys)
		m = mustOpen(t, s2, "alice")
		if got := uids(m); !equalStrings(got, first) {
			t.Errorf("after restart: %q, want %q", got, first)
		}
		names := m.Messages()
		m.Close()

		// Another mail reader marks two messages seen and replied.
		for _, i := range []int{0, 3} {
			old := names[i].Name
			nw := strings.TrimSuffix(old, ":2,") + ":2,RS"
			if err := hackpadfs.Rename(fsys, "alice/cur/"+old, "alice/cur/"+nw); err != nil {
				t.Fatal(err)
			}
		}
		m = mustOpen(t, s2, "alice")
		defer m.Close()
		if got := uids(m); !equalStrings(got, first) {
			t.Errorf("after flag changes: %q, want %q", got, first)
		}
		if got := m.Messages()[0].Name; !strings.HasSuffix(got, ":2,RS") {
			t.Errorf("flag change not seen: %q", got)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Names that cannot be unique-ids as they are (RFC 1939 §7: 1-70 octets
// in 0x21-0x7E) are hashed into that set, the same way every time.
func TestUIDsHashedForInvalidBases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		long := strings.Repeat("x", 71)
		bases := []string{"my message.eml", long, "r\xc3\xa9sum\xc3\xa9.eml", "tab\there"}
		for _, b := range bases {
			writeFile(t, fsys, "alice/new/"+b, "m "+b+"\n")
		}
		s := newTestStore(fsys)
		m := mustOpen(t, s, "alice")
		got := uids(m)
		m.Close()
		var want []string
		for _, b := range bases {
			want = append(want, hashUID(b))
		}
		if !sameStrings(got, want) {
			t.Fatalf("uids %q, want %q", got, want)
		}
		for _, u := range got {
			if !validUID(u) {
				t.Errorf("invalid uid %q", u)
			}
		}
		m = mustOpen(t, newTestStore(fsys), "alice")
		defer m.Close()
		if again := uids(m); !equalStrings(again, got) {
			t.Errorf("second session %q, want %q", again, got)
		}
	})
}

// Two files with the same base (a copy made by hand) still get distinct,
// valid unique-ids, the same in every session.
func TestUIDsUnique(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		writeFile(t, fsys, "alice/cur/1600000000.dup.host:2,S", "one\n")
		writeFile(t, fsys, "alice/cur/1600000000.dup.host,S=4,W=5:2,", "two\n")
		writeFile(t, fsys, "alice/new/"+hashUID("a b"), "three\n")
		writeFile(t, fsys, "alice/new/a b", "four\n")
		s := newTestStore(fsys)
		m := mustOpen(t, s, "alice")
		first := uids(m)
		m.Close()
		if len(first) != 4 {
			t.Fatalf("%d messages, want 4", len(first))
		}
		seen := map[string]bool{}
		for _, u := range first {
			if !validUID(u) || seen[u] {
				t.Errorf("uid %q invalid or repeated in %q", u, first)
			}
			seen[u] = true
		}
		if !seen["1600000000.dup.host"] || !seen[hashUID("a b")] {
			t.Errorf("uids %q: a valid base must keep its own uid", first)
		}
		for i := 0; i < 2; i++ {
			m := mustOpen(t, s, "alice")
			if got := uids(m); !equalStrings(got, first) {
				t.Errorf("session %d: %q, want %q", i+2, got, first)
			}
			m.Close()
		}
	})
}

// Files dropped in by hand appear with correct sizes, and their names get
// the sizes so that the next listing reads no bodies.
func TestDroppedInFiles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		files := map[string]string{
			"alice/new/msg1.eml":                           "Subject: dropped\n\nhello\n",
			"alice/cur/1600000000.nosize.host:2,S":         "Subject: no size\r\n\r\nx",
			"alice/cur/1600000001.edited.host,S=5,W=6:2,F": "Subject: edited after delivery\n\nlonger now\n",
			"alice/cur/1600000002.good.host,S=3,W=4:2,":    "ok\n",
			"alice/new/.hidden":                            "not a message\n",
			"alice/cur/.also-hidden":                       "not a message\n",
			"alice/tmp/1600000003.partial.host":            "still being written",
		}
		for p, data := range files {
			writeFile(t, fsys, p, data)
		}
		if err := hackpadfs.MkdirAll(fsys, "alice/cur/subdir", 0o700); err != nil {
			t.Fatal(err)
		}
		m := mustOpen(t, s, "alice")
		got := m.Messages()
		// Timestamped names first, by time; msg1.eml has only its mtime
		// (now), which is later.
		want := []struct{ name, body string }{
			{"1600000000.nosize.host,S=21,W=23:2,S", "Subject: no size\r\n\r\nx"},
			{"1600000001.edited.host,S=43,W=46:2,F", "Subject: edited after delivery\n\nlonger now\n"},
			{"1600000002.good.host,S=3,W=4:2,", "ok\n"},
			{"msg1.eml,S=24,W=27:2,", "Subject: dropped\n\nhello\n"},
		}
		if len(got) != len(want) {
			t.Fatalf("messages %+v, want %d", got, len(want))
		}
		for i, w := range want {
			if got[i].Name != w.name || got[i].Size != int64(len(wireOf(w.body))) {
				t.Errorf("message %d: %q size %d, want %q size %d", i+1, got[i].Name, got[i].Size, w.name, len(wireOf(w.body)))
			}
			if b := body(t, m, i+1); b != wireOf(w.body) {
				t.Errorf("message %d: body %q, want %q", i+1, b, wireOf(w.body))
			}
		}
		m.Close()
		cur := listDir(t, fsys, "alice/cur")
		wantCur := []string{".also-hidden", "subdir"}
		for _, w := range want {
			wantCur = append(wantCur, w.name)
		}
		if !sameStrings(cur, wantCur) {
			t.Errorf("cur/ = %q, want %q", cur, wantCur)
		}
		if nw := listDir(t, fsys, "alice/new"); !equalStrings(nw, []string{".hidden"}) {
			t.Errorf("new/ = %q, want only .hidden", nw)
		}
		if tmp := listDir(t, fsys, "alice/tmp"); len(tmp) != 1 {
			t.Errorf("tmp/ = %q: a session must not touch it", tmp)
		}
	})
}

// Dovecot's rule, and ours: while S= matches the file, listing reads no
// bodies. The first session fixes the names; the second opens no file.
func TestListingReadsNoBodies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		ffs := &faultFS{fs: fsys}
		s := newTestStore(ffs)
		for i := 0; i < 5; i++ {
			mustDeliver(t, s, "alice", fmt.Sprintf("message %d\n", i))
		}
		writeFile(t, fsys, "alice/new/dropped.eml", "no sizes in my name\n")
		m := mustOpen(t, s, "alice")
		m.Close()
		if n := ffs.opens(); n != 1 {
			t.Errorf("first Open read %d files, want 1 (the dropped one)", n)
		}
		before := ffs.opens()
		m = mustOpen(t, s, "alice")
		if n := ffs.opens() - before; n != 0 {
			t.Errorf("second Open read %d message files, want 0", n)
		}
		if len(m.Messages()) != 6 {
			t.Errorf("%d messages, want 6", len(m.Messages()))
		}
		m.Close()
	})
}

// Order: by the time that starts a Maildir name (numerically, not as
// text), else the modification time; ties by name. The same in every
// session when nothing changed.
func TestMessageOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		writeFile(t, fsys, "alice/cur/1000000000.b:2,", "b\n")
		writeFile(t, fsys, "alice/cur/999999999.z:2,", "z\n")
		writeFile(t, fsys, "alice/cur/1000000000.a:2,", "a\n")
		writeFile(t, fsys, "alice/new/late.eml", "late\n")
		writeFile(t, fsys, "alice/new/early.eml", "early\n")
		writeFile(t, fsys, "alice/new/same-b.eml", "same b\n")
		writeFile(t, fsys, "alice/new/same-a.eml", "same a\n")
		set := func(name string, sec int64) {
			t.Helper()
			tm := time.Unix(sec, 0)
			if err := hackpadfs.Chtimes(fsys, "alice/new/"+name, tm, tm); err != nil {
				t.Fatal(err)
			}
		}
		set("late.eml", 1500000000)
		set("early.eml", 900000000)
		set("same-b.eml", 1000000000)
		set("same-a.eml", 1000000000)
		want := []string{"early.eml", "999999999.z", "1000000000.a", "1000000000.b", "same-a.eml", "same-b.eml", "late.eml"}
		s := newTestStore(fsys)
		for session := 0; session < 3; session++ {
			m := mustOpen(t, s, "alice")
			var got []string
			for _, msg := range m.Messages() {
				got = append(got, parseName(msg.Name).base)
			}
			m.Close()
			if !equalStrings(got, want) {
				t.Errorf("session %d: order %q, want %q", session+1, got, want)
			}
		}
	})
}

// Deliveries with a virtual clock that stands still keep delivery order.
func TestDeliveryOrderWithFrozenClock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		var want []string
		for i := 0; i < 12; i++ {
			want = append(want, mustDeliver(t, s, "alice", fmt.Sprintf("%d\n", i)))
		}
		m := mustOpen(t, s, "alice")
		defer m.Close()
		if got := uids(m); !equalStrings(got, want) {
			t.Errorf("order %q, want delivery order %q", got, want)
		}
		for i := range want {
			if b := body(t, m, i+1); b != fmt.Sprintf("%d\r\n", i) {
				t.Errorf("message %d: %q", i+1, b)
			}
		}
	})
}

// RFC 1939 §8 (and RFC 2449 [IN-USE]): one session per maildrop; a second
// Open fails at once rather than waiting.
func TestLockExclusive(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "x\n")
		m := mustOpen(t, s, "alice")
		if !s.Locked("alice") {
			t.Error("Locked = false during a session")
		}
		start := time.Now()
		if _, err := s.Open("alice"); !errors.Is(err, ErrLocked) {
			t.Fatalf("second Open: %v, want ErrLocked", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("second Open took %v: it must not wait", d)
		}
		// Other users are not affected.
		b := mustOpen(t, s, "bob")
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if s.Locked("alice") {
			t.Error("Locked after Close")
		}
		m = mustOpen(t, s, "alice")
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		if s.Locked("alice") {
			t.Error("Locked after Commit")
		}
		m = mustOpen(t, s, "alice")
		// Ending twice is an error, never a panic, and never unlocks a
		// later session.
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		m2 := mustOpen(t, s, "alice")
		for _, end := range []func() error{m.Commit, m.Close} {
			if err := end(); !errors.Is(err, ErrClosed) {
				t.Errorf("second end: %v, want ErrClosed", err)
			}
		}
		if !s.Locked("alice") {
			t.Error("a stale Maildrop's second Commit/Close unlocked another session")
		}
		m2.Close()
	})
}

func TestLockConcurrentOpen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "x\n")
		const n = 50
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []*Maildrop
			locked  int
			start   = make(chan struct{})
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				m, err := s.Open("alice")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, m)
				case errors.Is(err, ErrLocked):
					locked++
				default:
					t.Errorf("Open: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 || locked != n-1 {
			t.Fatalf("%d sessions opened, %d locked out; want 1 and %d", len(winners), locked, n-1)
		}
		winners[0].Close()
	})
}

// Sessions, deliveries and views at once, for the race detector: every
// session sees a consistent maildrop and no message is lost.
func TestConcurrentSessionsAndDeliveries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		const deliveries = 40
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < deliveries; i++ {
				if _, err := s.Deliver("alice", strings.NewReader(fmt.Sprintf("m%d\n", i))); err != nil {
					t.Errorf("Deliver: %v", err)
				}
			}
		}()
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 15; i++ {
					m, err := s.Open("alice")
					if errors.Is(err, ErrLocked) {
						_ = s.Locked("alice")
						continue
					}
					if err != nil {
						t.Errorf("Open: %v", err)
						return
					}
					for _, msg := range m.Messages() {
						rc, err := m.Open(msg.Number)
						if err != nil {
							t.Errorf("Open(%d): %v", msg.Number, err)
							continue
						}
						b, _ := io.ReadAll(rc)
						rc.Close()
						if int64(len(b)) != msg.Size {
							t.Errorf("message %d: %d octets, size %d", msg.Number, len(b), msg.Size)
						}
					}
					m.Stat()
					m.Close()
				}
			}()
		}
		wg.Wait()
		m := mustOpen(t, s, "alice")
		defer m.Close()
		if n, _ := m.Stat(); n != deliveries {
			t.Errorf("%d messages, want %d", n, deliveries)
		}
	})
}

// RFC 1939 §5: message numbers are fixed for the session; a delivery
// during a session shows up in the next one.
func TestDeliverDuringSession(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "first\n")
		m := mustOpen(t, s, "alice")
		uid := mustDeliver(t, s, "alice", "second\n")
		if n, _ := m.Stat(); n != 1 || len(m.Messages()) != 1 {
			t.Fatalf("session sees %d messages after a delivery, want 1", n)
		}
		if _, err := m.Message(2); !errors.Is(err, ErrNoSuchMessage) {
			t.Errorf("Message(2): %v, want ErrNoSuchMessage", err)
		}
		if err := m.Delete(1); err != nil {
			t.Fatal(err)
		}
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		m = mustOpen(t, s, "alice")
		defer m.Close()
		msgs := m.Messages()
		if len(msgs) != 1 || msgs[0].UID != uid || body(t, m, 1) != "second\r\n" {
			t.Fatalf("next session: %+v, want the delivered message %q", msgs, uid)
		}
	})
}

func TestMessageErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "one\n")
		mustDeliver(t, s, "alice", "two\n")
		m := mustOpen(t, s, "alice")
		for _, n := range []int{-1, 0, 3} {
			if _, err := m.Message(n); !errors.Is(err, ErrNoSuchMessage) {
				t.Errorf("Message(%d): %v", n, err)
			}
			if _, err := m.Open(n); !errors.Is(err, ErrNoSuchMessage) {
				t.Errorf("Open(%d): %v", n, err)
			}
			if err := m.Delete(n); !errors.Is(err, ErrNoSuchMessage) {
				t.Errorf("Delete(%d): %v", n, err)
			}
		}
		if err := m.Delete(1); err != nil {
			t.Fatal(err)
		}
		// RFC 1939 §5: a deleted message may not be referred to.
		if _, err := m.Message(1); !errors.Is(err, ErrDeleted) {
			t.Errorf("Message(1): %v, want ErrDeleted", err)
		}
		if _, err := m.Open(1); !errors.Is(err, ErrDeleted) {
			t.Errorf("Open(1): %v, want ErrDeleted", err)
		}
		if err := m.Delete(1); !errors.Is(err, ErrDeleted) {
			t.Errorf("Delete(1) twice: %v, want ErrDeleted", err)
		}
		if err := m.Delete(1); err == nil || !strings.Contains(err.Error(), "maildrop alice: ") {
			t.Errorf("error %q lacks the maildrop context", err)
		}
		msgs := m.Messages()
		if !msgs[0].Deleted || msgs[1].Deleted || msgs[0].Number != 1 || msgs[1].Number != 2 {
			t.Errorf("Messages = %+v", msgs)
		}
		if n, size := m.Stat(); n != 1 || size != 5 {
			t.Errorf("Stat = %d, %d; want 1, 5", n, size)
		}
		// RSET (RFC 1939 §5) unmarks everything.
		m.Reset()
		if n, size := m.Stat(); n != 2 || size != 10 {
			t.Errorf("after Reset: Stat = %d, %d; want 2, 10", n, size)
		}
		if m.User() != "alice" {
			t.Errorf("User = %q", m.User())
		}
		msgs[1].Deleted = true // Messages is a copy
		if m.Messages()[1].Deleted {
			t.Error("Messages returned the session's own slice")
		}
		m.Close()
		if _, err := m.Open(1); !errors.Is(err, ErrClosed) {
			t.Errorf("Open after Close: %v, want ErrClosed", err)
		}
		if err := m.Delete(2); !errors.Is(err, ErrClosed) {
			t.Errorf("Delete after Close: %v, want ErrClosed", err)
		}
		if len(m.Messages()) != 2 {
			t.Error("Messages after Close must still describe the session")
		}
	})
}

// RFC 1939 §6: QUIT removes the marked messages, only those; a session
// that ends any other way removes nothing.
func TestCommitAndClose(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		var all []string
		for i := 1; i <= 5; i++ {
			all = append(all, mustDeliver(t, s, "alice", fmt.Sprintf("message %d\n", i)))
		}
		m := mustOpen(t, s, "alice")
		m.Delete(2)
		m.Delete(4)
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		m = mustOpen(t, s, "alice")
		if got := uids(m); !equalStrings(got, all) {
			t.Fatalf("after Close: %q, want all %q", got, all)
		}
		m.Delete(2)
		m.Delete(4)
		m.Delete(5)
		m.Reset()
		m.Delete(2)
		m.Delete(4)
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		m = mustOpen(t, s, "alice")
		defer m.Close()
		if got, want := uids(m), []string{all[0], all[2], all[4]}; !equalStrings(got, want) {
			t.Fatalf("after Commit: %q, want %q", got, want)
		}
		if got := bodies(t, m); !equalStrings(got, []string{"message 1\r\n", "message 3\r\n", "message 5\r\n"}) {
			t.Fatalf("bodies %q", got)
		}
		if _, err := hackpadfs.Stat(fsys, "alice/"+journalName); !errors.Is(err, hackpadfs.ErrNotExist) {
			t.Errorf("journal left behind: %v", err)
		}
		if tmp := listDir(t, fsys, "alice/tmp"); len(tmp) != 0 {
			t.Errorf("tmp/ = %q", tmp)
		}
	})
}

// A Commit with nothing marked writes nothing.
func TestCommitNothingMarkedWritesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		ffs := &faultFS{fs: fsys}
		s := newTestStore(ffs)
		mustDeliver(t, s, "alice", "x\n")
		m := mustOpen(t, s, "alice")
		m.Delete(1)
		m.Reset()
		ffs.arm(1, true)
		err := m.Commit()
		ops, log := ffs.disarm()
		if err != nil || ops != 0 {
			t.Fatalf("Commit: %v after %d mutating ops %q, want none", err, ops, log)
		}
	})
}

// Another mail reader renamed (flagged) or removed a message during the
// session: Commit still removes exactly the marked messages.
func TestCommitAfterOutsideChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		var all []string
		for i := 1; i <= 4; i++ {
			all = append(all, mustDeliver(t, s, "alice", fmt.Sprintf("message %d\n", i)))
		}
		mustOpen(t, s, "alice").Close() // move to cur/
		m := mustOpen(t, s, "alice")
		msgs := m.Messages()
		// Message 1: flagged by another reader. Message 2: removed by it.
		if err := hackpadfs.Rename(fsys, "alice/cur/"+msgs[0].Name, "alice/cur/"+msgs[0].Name+"FS"); err != nil {
			t.Fatal(err)
		}
		if err := hackpadfs.Remove(fsys, "alice/cur/"+msgs[1].Name); err != nil {
			t.Fatal(err)
		}
		m.Delete(1)
		m.Delete(2)
		if err := m.Commit(); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		m = mustOpen(t, s, "alice")
		defer m.Close()
		if got := uids(m); !equalStrings(got, all[2:]) {
			t.Fatalf("uids %q, want %q", got, all[2:])
		}
	})
}

// RETR of a message whose file another reader renamed finds it by its
// unique name; one removed or edited since the scan is ErrGone.
func TestOpenAfterOutsideChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		for i := 1; i <= 3; i++ {
			mustDeliver(t, s, "alice", fmt.Sprintf("message %d\n", i))
		}
		m := mustOpen(t, s, "alice")
		defer m.Close()
		msgs := m.Messages()
		if err := hackpadfs.Rename(fsys, "alice/cur/"+msgs[0].Name, "alice/cur/"+msgs[0].Name+"S"); err != nil {
			t.Fatal(err)
		}
		if b := body(t, m, 1); b != "message 1\r\n" {
			t.Errorf("renamed message: %q", b)
		}
		if got := m.Messages()[0].Name; got != msgs[0].Name+"S" {
			t.Errorf("name after relocation %q, want %q", got, msgs[0].Name+"S")
		}
		if err := hackpadfs.Remove(fsys, "alice/cur/"+msgs[1].Name); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Open(2); !errors.Is(err, ErrGone) {
			t.Errorf("removed message: %v, want ErrGone", err)
		}
		writeFile(t, fsys, "alice/cur/"+msgs[2].Name, "message 3, edited\n")
		if _, err := m.Open(3); !errors.Is(err, ErrGone) {
			t.Errorf("edited message: %v, want ErrGone", err)
		}
	})
}

// A journal we did not write (damaged by hand) makes Open fail without
// removing anything, and the lock is not left held.
func TestDamagedJournalFailsOpen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "x\n")
		writeFile(t, fsys, "alice/"+journalName, "pop3lab-deletions 1\nu \"../../etc/passwd\" \"x\"\n")
		if _, err := s.Open("alice"); err == nil || !errors.Is(err, errBadJournal) {
			t.Fatalf("Open with a damaged journal: %v", err)
		}
		if s.Locked("alice") {
			t.Error("a failed Open left the maildrop locked")
		}
		if err := hackpadfs.Remove(fsys, "alice/"+journalName); err != nil {
			t.Fatal(err)
		}
		m := mustOpen(t, s, "alice")
		defer m.Close()
		if n, _ := m.Stat(); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
	})
}

// A journal left by a failed UPDATE is finished by the next Open before
// it lists anything, even for files renamed meanwhile.
func TestJournalRolledForward(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		var all []string
		for i := 1; i <= 3; i++ {
			all = append(all, mustDeliver(t, s, "alice", fmt.Sprintf("message %d\n", i)))
		}
		m := mustOpen(t, s, "alice")
		msgs := m.Messages()
		m.Close()
		recs := []journalRecord{
			{path: "cur/" + msgs[0].Name, base: parseName(msgs[0].Name).base, byBase: true},
			{path: "cur/" + msgs[2].Name, base: parseName(msgs[2].Name).base, byBase: true},
		}
		writeFile(t, fsys, "alice/"+journalName, string(encodeJournal(recs)))
		// Message 3 was flagged by another reader after the crash.
		if err := hackpadfs.Rename(fsys, "alice/cur/"+msgs[2].Name, "alice/cur/"+msgs[2].Name+"S"); err != nil {
			t.Fatal(err)
		}
		m = mustOpen(t, s, "alice")
		defer m.Close()
		if got := uids(m); !equalStrings(got, all[1:2]) {
			t.Fatalf("uids %q, want %q", got, all[1:2])
		}
		if _, err := hackpadfs.Stat(fsys, "alice/"+journalName); !errors.Is(err, hackpadfs.ErrNotExist) {
			t.Errorf("journal still there: %v", err)
		}
	})
}

// A message source that fails part-way leaves nothing behind: the
// delivery is not visible and tmp/ is cleaned up.
func TestDeliverSourceError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		_, err := s.Deliver("alice", &errAfterReader{data: []byte("partial\n")})
		if !errors.Is(err, errSource) {
			t.Fatalf("Deliver: %v, want the source's error", err)
		}
		for _, sub := range []string{"tmp", "new", "cur"} {
			if got := listDir(t, fsys, "alice/"+sub); len(got) != 0 {
				t.Errorf("%s/ = %q after a failed delivery", sub, got)
			}
		}
	})
}
