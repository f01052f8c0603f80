package maildrop

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
)

// TestStaleTmpDoesNotBreakCommit: tmp/ full of leftovers (journal temp
// files under the names a process numbering from 1 would pick, and files
// from deliveries that never finished) neither stops QUIT's commit nor
// stays forever: Open removes tmp/ files older than 36 hours, the Maildir
// convention, and leaves newer ones (a delivery may be writing them).
func TestStaleTmpDoesNotBreakCommit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "Subject: one\n\nbody\n")
		mustDeliver(t, s, "alice", "Subject: two\n\nbody\n")
		var leftovers []string
		for i := 1; i <= 20; i++ {
			leftovers = append(leftovers, fmt.Sprintf("pop3lab-deletions.%d.lab", i))
		}
		for _, name := range leftovers {
			writeFile(t, fsys, "alice/tmp/"+name, "pop3lab-deletions 1\n")
		}
		writeFile(t, fsys, "alice/tmp/1690000000.M1P1Q1.lab", "half a delivery")
		old := time.Now().Add(-37 * time.Hour)
		for _, name := range append(leftovers[:5:5], "1690000000.M1P1Q1.lab") {
			if err := hackpadfs.Chtimes(fsys, "alice/tmp/"+name, old, old); err != nil {
				t.Fatal(err)
			}
		}
		m := mustOpen(t, s, "alice")
		if got, want := strings.Join(listDir(t, fsys, "alice/tmp"), " "), strings.Join(slices.Sorted(slices.Values(leftovers[5:])), " "); got != want {
			t.Fatalf("tmp/ after Open: %s\nwant: %s", got, want)
		}
		if err := m.Delete(1); err != nil {
			t.Fatal(err)
		}
		if err := m.Commit(); err != nil {
			t.Fatalf("Commit with leftovers in tmp/: %v", err)
		}
		m = mustOpen(t, s, "alice")
		defer m.Close()
		if got := bodies(t, m); len(got) != 1 || !strings.HasPrefix(got[0], "Subject: two") {
			t.Fatalf("after the commit: %q", got)
		}
	})
}

// TestTmpSweepInterval: a Store sweeps a Maildir's tmp/ at its first open
// and then at most once per sweepInterval, on the real clock, so that a
// client logging in every minute does not list tmp/ each time; a clock
// set back sweeps again. Each step opens alice's maildrop after a stale
// file was put in tmp/ and says whether that open removed it.
func TestTmpSweepInterval(t *testing.T) {
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := newTestStore(fsys)
		mustDeliver(t, s, "alice", "Subject: one\n\nbody\n")
		start := time.Now()
		steps := []struct {
			at      time.Duration // since the first open
			removed bool
		}{
			{0, true},            // the first open by this Store
			{time.Minute, false}, // within the interval
			{sweepInterval - time.Second, false},
			{sweepInterval, true}, // the interval has passed since the first sweep
			{sweepInterval + time.Minute, false},
			{2*sweepInterval + time.Second, true},
			{time.Minute, true}, // the clock went back: sweep again
		}
		for i, step := range steps {
			now := start.Add(step.at)
			s.wallClock = func() time.Time { return now }
			name := fmt.Sprintf("alice/tmp/left.%d.lab", i)
			writeFile(t, fsys, name, "half a delivery")
			old := now.Add(-staleTmpAge - time.Hour)
			if err := hackpadfs.Chtimes(fsys, name, old, old); err != nil {
				t.Fatal(err)
			}
			m := mustOpen(t, s, "alice")
			m.Close()
			_, err := hackpadfs.Stat(fsys, name)
			if removed := err != nil; removed != step.removed {
				t.Fatalf("step %d (open at +%v): stale file removed = %v, want %v (stat: %v)", i, step.at, removed, step.removed, err)
			}
			if !step.removed {
				if err := hackpadfs.Remove(fsys, name); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
