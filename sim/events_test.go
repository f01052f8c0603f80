package sim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"pop3lab/sim/wire"
)

// TestMailboxEvents: the log shows what the server did to the maildrop,
// from the server's own events: the numbering at login, each mark and
// unmark, the UPDATE state and its commit (RFC 1939 §4-§6), and nothing of
// UPDATE when the connection drops.
func TestMailboxEvents(t *testing.T) {
	login := []string{
		"command USER alice",
		"response +OK|+OK Send your password.",
		"command PASS wonderland",
		"state TRANSACTION",
		"maildrop 1:uid1 2:uid2 3:uid3 4:uid4 5:uid5",
		"response +OK|+OK alice's maildrop has 5 messages (2156754 octets).",
	}
	tests := []struct {
		name     string
		commands []string
		drop     bool
		want     []string
		left     int
		deleted  []int // numbers in Snapshot.LastUpdate, nil for none
	}{
		{name: "DELE", commands: []string{"DELE 2", "DELE 2"}, drop: true, left: 5, want: []string{
			"command DELE 2",
			"mark 2:uid2",
			"response +OK|+OK Message 2 marked for deletion.",
			"command DELE 2",
			"response -ERR|-ERR Message 2 is marked for deletion.",
			"session connection 1 closed by the server: connection closed by client",
		}},
		{name: "RSET", commands: []string{"DELE 4", "DELE 2", "RSET"}, drop: true, left: 5, want: []string{
			"command DELE 4",
			"mark 4:uid4",
			"response +OK|+OK Message 4 marked for deletion.",
			"command DELE 2",
			"mark 2:uid2",
			"response +OK|+OK Message 2 marked for deletion.",
			"command RSET",
			"unmark 2:uid2",
			"unmark 4:uid4",
			"response +OK|+OK Maildrop has 5 messages (2156754 octets).",
			"session connection 1 closed by the server: connection closed by client",
		}},
		{name: "QUIT without deletions", commands: []string{"QUIT"}, left: 5, deleted: []int{}, want: []string{
			"command QUIT",
			"state UPDATE",
			"commit  UPDATE: no message was marked, nothing removed; maildrop unlocked",
			"response +OK|+OK Logging out; no messages deleted.",
			"session connection 1 closed by the server: quit",
		}},
		{name: "QUIT with deletions", commands: []string{"DELE 1", "DELE 5", "QUIT"}, left: 3, deleted: []int{1, 5}, want: []string{
			"command DELE 1",
			"mark 1:uid1",
			"response +OK|+OK Message 1 marked for deletion.",
			"command DELE 5",
			"mark 5:uid5",
			"response +OK|+OK Message 5 marked for deletion.",
			"command QUIT",
			"state UPDATE",
			"commit 1:uid1 5:uid5 UPDATE: removed 2 messages (1, 5); maildrop unlocked",
			"response +OK|+OK Logging out; 2 messages deleted.",
			"session connection 1 closed by the server: quit",
		}},
		{name: "dropped connection", commands: []string{"DELE 1"}, drop: true, left: 5, want: []string{
			"command DELE 1",
			"mark 1:uid1",
			"response +OK|+OK Message 1 marked for deletion.",
			"session connection 1 closed by the server: connection closed by client",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, nil)
			uids := map[string]string{}
			for _, m := range s.Snapshot().Server {
				uids[m.UID] = fmt.Sprintf("uid%d", m.Number)
			}
			mustApply(t, s, Action{Kind: ActConnect})
			from := len(s.Events(0))
			for _, line := range append([]string{"USER alice", "PASS wonderland"}, tt.commands...) {
				s.Apply(typed(line)) // a -ERR is part of the test
			}
			if tt.drop {
				if snap := s.Snapshot(); snap.Server[0].Deleted != strings.Contains(strings.Join(tt.commands, " "), "DELE 1") {
					t.Fatalf("snapshot marks before the drop: %+v", snap.Server)
				}
				mustApply(t, s, Action{Kind: ActDrop})
			}
			var got []string
			for _, e := range s.Events(from) {
				if d := describeMailboxEvent(e, uids); d != "" {
					got = append(got, d)
				}
				if e.Kind == EvCommand {
					checkCommandSegment(t, s, e)
				}
			}
			want := append(append([]string(nil), login...), tt.want...)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			snap := s.Snapshot()
			if len(snap.Server) != tt.left {
				t.Fatalf("%d messages left, want %d", len(snap.Server), tt.left)
			}
			switch {
			case tt.deleted == nil && snap.LastUpdate != nil:
				t.Fatalf("LastUpdate %+v without an UPDATE", snap.LastUpdate)
			case tt.deleted != nil:
				u := snap.LastUpdate
				if u == nil || u.Conn != 1 || u.Failed || u.Step != len(tt.commands)+3 {
					t.Fatalf("LastUpdate %+v", u)
				}
				var nums []int
				for _, m := range u.Deleted {
					nums = append(nums, m.Number)
				}
				if fmt.Sprint(nums) != fmt.Sprint(tt.deleted) {
					t.Fatalf("LastUpdate deleted %v, want %v", nums, tt.deleted)
				}
			}
		})
	}
}

// checkCommandSegment: a plaintext command's Segment is the client segment
// holding the end of its line, and a password is marked in it exactly.
func checkCommandSegment(t *testing.T, s *Simulation, e Event) {
	t.Helper()
	events := s.Events(0)
	if e.Segment < 0 || e.Segment >= e.Seq {
		t.Fatalf("command %q: segment %d", e.Text, e.Segment)
	}
	seg := events[e.Segment]
	if seg.Kind != EvSegment || seg.Dir != wire.ClientToServer || seg.Conn != e.Conn {
		t.Fatalf("command %q: event %d is %v %v", e.Text, e.Segment, seg.Kind, seg.Dir)
	}
	if !bytes.Contains(seg.Data, []byte(e.Text+"\r\n")) {
		t.Fatalf("command %q: segment holds %q", e.Text, seg.Data)
	}
	if strings.HasPrefix(e.Text, "PASS ") {
		if len(seg.Secrets) != 1 || string(seg.Data[seg.Secrets[0].Start:seg.Secrets[0].End]) != "wonderland" {
			t.Fatalf("PASS segment secrets %v in %q", seg.Secrets, seg.Data)
		}
	}
}

func describeMailboxEvent(e Event, uids map[string]string) string {
	ref := func(m MessageRef) string { return fmt.Sprintf("%d:%s", m.Number, uids[m.UID]) }
	refs := func(ms []MessageRef) string {
		var parts []string
		for _, m := range ms {
			parts = append(parts, ref(m))
		}
		return strings.Join(parts, " ")
	}
	switch e.Kind {
	case EvCommand:
		return "command " + e.Text
	case EvResponse:
		return fmt.Sprintf("response %v|%s", e.Status, e.Text)
	case EvState:
		return "state " + e.State
	case EvMaildrop:
		return "maildrop " + refs(e.Messages)
	case EvMark:
		return "mark " + ref(e.Message)
	case EvUnmark:
		return "unmark " + ref(e.Message)
	case EvCommit:
		s := "commit " + refs(e.Messages) + " " + e.Text
		if e.Failed {
			s += " (failed)"
		}
		return s
	case EvSession:
		return "session " + e.Text
	}
	return ""
}

// TestResponseStatus: every response carries its indicator and code, the
// SASL challenge included (RFC 1939 §3, RFC 2449 §8, RFC 5034 §4).
func TestResponseStatus(t *testing.T) {
	s := newSim(t, nil)
	mustApply(t, s, Action{Kind: ActConnect})
	from := len(s.Events(0))
	for _, line := range []string{"USER alice", "PASS wrong", "AUTH PLAIN", "*"} {
		s.Apply(typed(line))
	}
	var got []string
	for _, e := range s.Events(from) {
		if e.Kind == EvResponse {
			got = append(got, fmt.Sprintf("%v [%s] %s", e.Status, e.Code, e.Text))
		}
	}
	want := []string{
		"+OK [] +OK Send your password.",
		"-ERR [AUTH] -ERR [AUTH] Authentication failed.",
		"+ [] + ",
		"-ERR [] -ERR Authentication cancelled.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("responses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
