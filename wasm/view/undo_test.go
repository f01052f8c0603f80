package view

import (
	"fmt"
	"testing"

	"pop3lab/sim"
)

func sandboxOf(seed uint64, lines ...string) Sandbox {
	s := Sandbox{Seed: seed}
	for _, l := range lines {
		s.Actions = append(s.Actions, sim.Action{Kind: sim.ActSend, Line: l})
	}
	return s
}

func lines(s Sandbox) []string {
	var out []string
	for _, a := range s.Actions {
		out = append(out, a.Line)
	}
	return out
}

func TestUndo(t *testing.T) {
	type op struct {
		do   string // "back", "reset", "start", "leave"
		cur  Sandbox
		want Sandbox
		ok   bool
	}
	two := sandboxOf(7, "USER alice", "PASS wonderland")
	tests := []struct {
		name string
		ops  []op
	}{
		{"back removes the last action", []op{{"back", two, sandboxOf(7, "USER alice"), true}}},
		{"back on an empty sandbox does nothing", []op{{"back", Sample(), Sample(), false}}},
		{"back undoes a reset", []op{
			{"reset", two, Sample(), true},
			{"back", Sample(), two, true},
			{"back", two, sandboxOf(7, "USER alice"), true},
		}},
		{"a reset of the sample is not undoable", []op{{"reset", Sample(), Sample(), false}, {"back", Sample(), Sample(), false}}},
		{"a lab keeps the sandbox", []op{
			{"start", two, Sandbox{}, true},
			{"start", sandboxOf(2, "lab state"), Sandbox{}, true}, // a second lab
			{"leave", Sandbox{}, two, true},
			{"leave", Sandbox{}, Sandbox{}, false},
		}},
		{"a reset in a lab can bring the sandbox back", []op{
			{"start", two, Sandbox{}, true},
			{"reset", sandboxOf(2, "lab state"), Sample(), true},
			{"back", Sample(), two, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u Undo
			for i, o := range tt.ops {
				var got Sandbox
				var ok bool
				switch o.do {
				case "back":
					got, ok = u.Back(o.cur)
				case "reset":
					got, ok = u.Reset(o.cur)
				case "start":
					u.StartLab(o.cur)
					if !u.InLab() {
						t.Fatalf("op %d: not in a lab after StartLab", i)
					}
					continue
				case "leave":
					got, ok = u.LeaveLab()
				}
				if ok != o.ok || got.Seed != o.want.Seed || len(got.Actions) != len(o.want.Actions) {
					t.Fatalf("op %d %s: got seed %d %q %v, want seed %d %q %v", i, o.do, got.Seed, lines(got), ok, o.want.Seed, lines(o.want), o.ok)
				}
				for j := range got.Actions {
					if got.Actions[j].Line != o.want.Actions[j].Line {
						t.Fatalf("op %d %s: got %q, want %q", i, o.do, lines(got), lines(o.want))
					}
				}
			}
		})
	}
}

func TestNotices(t *testing.T) {
	var n Notices
	if _, ok := n.Current(); ok || n.Acted() {
		t.Fatal("a notice before any was shown")
	}
	n.Show("Press Back (B) to undo the reset.", UntilAction)
	if text, ok := n.Current(); !ok || text != "Press Back (B) to undo the reset." {
		t.Fatalf("Current = %q %v", text, ok)
	}
	if !n.Acted() {
		t.Fatal("an action did not expire the notice")
	}
	if _, ok := n.Current(); ok {
		t.Fatal("the notice outlived the action")
	}
	n.Show("This browser refuses to store data.", UntilDismissed)
	if n.Acted() {
		t.Fatal("an action expired a lasting notice")
	}
	n.Dismiss()
	if _, ok := n.Current(); ok {
		t.Fatal("the notice outlived Dismiss")
	}
}

func TestUpdateSummary(t *testing.T) {
	msg := func(n int) sim.MessageRef { return sim.MessageRef{Number: n, UID: fmt.Sprint("uid", n)} }
	tests := []struct {
		u         *sim.UpdateReport
		remaining int
		want      string
	}{
		{nil, 5, ""},
		{&sim.UpdateReport{Conn: 1}, 5, "UPDATE (connection 1): nothing was marked, so nothing was deleted."},
		{&sim.UpdateReport{Conn: 1, Deleted: []sim.MessageRef{msg(2)}}, 4,
			"UPDATE (connection 1) deleted message 2. Numbers are per session: at the next login, message 3 is numbered 2; its UID stays the same."},
		{&sim.UpdateReport{Conn: 2, Deleted: []sim.MessageRef{msg(1), msg(2), msg(4)}}, 2,
			"UPDATE (connection 2) deleted messages 1, 2, 4. Numbers are per session: at the next login, message 3 is numbered 1; its UID stays the same."},
		{&sim.UpdateReport{Conn: 1, Deleted: []sim.MessageRef{msg(5)}}, 4, "UPDATE (connection 1) deleted message 5."},
		{&sim.UpdateReport{Conn: 1, Deleted: []sim.MessageRef{msg(1)}, Failed: true, Reason: "the disk is full"}, 5,
			"UPDATE failed: nothing was deleted and every message stays on the server (the disk is full)."},
	}
	for _, tt := range tests {
		if got := UpdateSummary(tt.u, tt.remaining); got != tt.want {
			t.Errorf("UpdateSummary(%+v, %d) =\n%q\nwant\n%q", tt.u, tt.remaining, got, tt.want)
		}
	}
}
