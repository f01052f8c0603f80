package server

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/maildrop"
)

// TestMaildropEvents: the server reports what it does to the maildrop, in
// order, with the offset each command began at, the status of each
// response, and no UPDATE when the connection ends without QUIT
// (RFC 1939 §5, §6).
func TestMaildropEvents(t *testing.T) {
	login := []string{
		"command@0 USER alice",
		"response +OK|+OK Send your password.",
		"command@12 PASS ********",
		"state TRANSACTION",
		"maildrop 1:uid1 2:uid2 3:uid3",
		"response +OK|+OK alice's maildrop has 3 messages (262 octets).",
	}
	tests := []struct {
		name       string
		commands   []string
		drop       bool // the client hangs up after the commands
		failCommit bool
		want       []string
	}{
		{name: "DELE", commands: []string{"DELE 2", "DELE 2", "DELE 9"}, drop: true, want: []string{
			"command@29 DELE 2",
			"mark 2:uid2 deleted",
			"response +OK|+OK Message 2 marked for deletion.",
			"command@37 DELE 2",
			"response -ERR|-ERR Message 2 is marked for deletion.",
			"command@45 DELE 9",
			"response -ERR|-ERR No such message.",
			"close connection closed by client",
		}},
		{name: "RSET unmarks each marked message", commands: []string{"DELE 3", "DELE 1", "RSET", "RSET"}, drop: true, want: []string{
			"command@29 DELE 3",
			"mark 3:uid3 deleted",
			"response +OK|+OK Message 3 marked for deletion.",
			"command@37 DELE 1",
			"mark 1:uid1 deleted",
			"response +OK|+OK Message 1 marked for deletion.",
			"command@45 RSET",
			"unmark 1:uid1",
			"unmark 3:uid3",
			"response +OK|+OK Maildrop has 3 messages (262 octets).",
			"command@51 RSET",
			"response +OK|+OK Maildrop has 3 messages (262 octets).",
			"close connection closed by client",
		}},
		{name: "QUIT without deletions", commands: []string{"QUIT"}, want: []string{
			"command@29 QUIT",
			"state UPDATE",
			"commit []",
			"response +OK|+OK Logging out; no messages deleted.",
			"close quit",
		}},
		{name: "QUIT with deletions", commands: []string{"DELE 1", "DELE 3", "QUIT"}, want: []string{
			"command@29 DELE 1",
			"mark 1:uid1 deleted",
			"response +OK|+OK Message 1 marked for deletion.",
			"command@37 DELE 3",
			"mark 3:uid3 deleted",
			"response +OK|+OK Message 3 marked for deletion.",
			"command@45 QUIT",
			"state UPDATE",
			"commit [1:uid1 3:uid3]",
			"response +OK|+OK Logging out; 2 messages deleted.",
			"close quit",
		}},
		{name: "failed commit", commands: []string{"DELE 2", "QUIT"}, failCommit: true, want: []string{
			"command@29 DELE 2",
			"mark 2:uid2 deleted",
			"response +OK|+OK Message 2 marked for deletion.",
			"command@37 QUIT",
			"state UPDATE",
			"commit [2:uid2] failed",
			"response -ERR|-ERR [SYS/TEMP] Could not remove the deleted messages; try again later.",
			"close quit: commit failed: ",
		}},
		{name: "dropped connection after DELE: no UPDATE", commands: []string{"DELE 1"}, drop: true, want: []string{
			"command@29 DELE 1",
			"mark 1:uid1 deleted",
			"response +OK|+OK Message 1 marked for deletion.",
			"close connection closed by client",
		}},
	}
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ffs := &renameFaultFS{}
				var err error
				if ffs.FS, err = mem.NewFS(); err != nil {
					t.Fatal(err)
				}
				env := newEnv(t, func(c *Config) { c.Store = eventStore(t, ffs) })
				uids := map[string]string{}
				msgs, err := env.cfg.Store.List("alice")
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range msgs {
					uids[m.UID] = fmt.Sprintf("uid%d", m.Number)
				}
				c := newClient(t, tr.Dial(t, env.srv))
				c.login()
				ffs.fail.Store(tt.failCommit)
				for _, cmd := range tt.commands {
					c.cmd(cmd)
					c.line()
				}
				if tt.drop {
					c.conn.Close() // the cleanup stops the writer
				} else {
					c.expectEOF()
				}
				env.events.WaitFor(t, "close", func(ev []Event) bool { return closedSessions(ev) == 1 })
				var got []string
				for _, e := range env.events.All() {
					if d := describeEvent(e, uids); d != "" {
						got = append(got, d)
					}
				}
				want := append(append([]string(nil), login...), tt.want...)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				left, err := env.cfg.Store.List("alice")
				if err != nil {
					t.Fatal(err)
				}
				wantLeft := 3
				if !tt.drop && !tt.failCommit {
					wantLeft -= strings.Count(strings.Join(tt.commands, " "), "DELE")
				}
				if len(left) != wantLeft {
					t.Fatalf("%d messages left, want %d", len(left), wantLeft)
				}
			})
		}
	})
}

// describeEvent renders the fields of an event a test checks, with UIDs
// replaced by their names in uids; "" for the greeting's events.
func describeEvent(e Event, uids map[string]string) string {
	ref := func(m maildrop.Message) string { return fmt.Sprintf("%d:%s", m.Number, uids[m.UID]) }
	refs := func(ms []maildrop.Message) string {
		var parts []string
		for _, m := range ms {
			parts = append(parts, ref(m))
		}
		return strings.Join(parts, " ")
	}
	switch e.Kind {
	case EventCommand:
		return fmt.Sprintf("command@%d %s", e.Offset, e.Redacted())
	case EventResponse:
		if strings.HasPrefix(e.Line, "+OK POP3 server ready") {
			return ""
		}
		return fmt.Sprintf("response %v|%s", e.Status, e.Line)
	case EventState:
		return "state " + e.State.String()
	case EventMaildrop:
		return "maildrop " + refs(e.Messages)
	case EventMark:
		s := "mark " + ref(e.Message)
		if e.Message.Deleted {
			s += " deleted"
		}
		return s
	case EventUnmark:
		s := "unmark " + ref(e.Message)
		if e.Message.Deleted {
			s += " deleted"
		}
		return s
	case EventCommit:
		s := "commit [" + refs(e.Messages) + "]"
		if e.Err != nil {
			s += " failed"
		}
		return s
	case EventClose:
		if strings.HasPrefix(e.Note, "quit: commit failed: ") {
			return "close quit: commit failed: "
		}
		return "close " + e.Note
	}
	return ""
}

// eventStore is a store of alice's three test messages on fsys.
func eventStore(t *testing.T, fsys hackpadfs.FS) *maildrop.Store {
	t.Helper()
	seq := 0
	base := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	store := maildrop.NewStore(fsys, "mail", maildrop.Options{
		Now: func() time.Time { seq++; return base.Add(time.Duration(seq) * time.Second) },
	})
	for _, m := range pop3test.Messages {
		if _, err := store.Deliver("alice", strings.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// renameFaultFS fails every rename while fail is set: the maildrop cannot
// put its commit journal in place, so a commit fails and removes nothing.
type renameFaultFS struct {
	hackpadfs.FS
	fail atomic.Bool
}

var errInjected = errors.New("injected rename failure")

func (f *renameFaultFS) OpenFile(name string, flag int, perm hackpadfs.FileMode) (hackpadfs.File, error) {
	return hackpadfs.OpenFile(f.FS, name, flag, perm)
}

func (f *renameFaultFS) Rename(oldname, newname string) error {
	if f.fail.Load() {
		return errInjected
	}
	return hackpadfs.Rename(f.FS, oldname, newname)
}

func (f *renameFaultFS) Remove(name string) error { return hackpadfs.Remove(f.FS, name) }

func (f *renameFaultFS) Mkdir(name string, perm hackpadfs.FileMode) error {
	return hackpadfs.Mkdir(f.FS, name, perm)
}

func (f *renameFaultFS) MkdirAll(path string, perm hackpadfs.FileMode) error {
	return hackpadfs.MkdirAll(f.FS, path, perm)
}

func (f *renameFaultFS) Stat(name string) (hackpadfs.FileInfo, error) {
	return hackpadfs.Stat(f.FS, name)
}

func (f *renameFaultFS) ReadDir(name string) ([]hackpadfs.DirEntry, error) {
	return hackpadfs.ReadDir(f.FS, name)
}
