//go:build !js

package web_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// panelTails is what the panels of an unbounded log show of a long
// session: the terminal's entries and its "not shown" line, the wire's
// rows and its "show earlier" button, the diagram's arrows and its note.
const panelTails = `(() => {
	const text = id => { const e = document.getElementById(id); return e.hidden ? "" : e.textContent; };
	const rows = new Set([...document.querySelectorAll("#wire-log > li")].map(li => li.dataset.row));
	const term = document.getElementById("terminal-log");
	return [String(term.children.length), text("terminal-dropped"), term.lastElementChild.textContent,
		String(rows.size), [...rows][0], text("wire-earlier"),
		String(document.querySelectorAll("#sequence > li").length), text("sequence-dropped")];
})()`

// TestLongSessionShowsItsTail: a session longer than the panels keep
// shows its newest entries, says how many older ones are not shown, and
// shows the same after a reload, whose replay draws only that tail.
func TestLongSessionShowsItsTail(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	// RETR 5 (2 MB) puts a body and a long run of segments in the session.
	for _, l := range []string{"USER alice", "PASS wonderland", "RETR 5", "RETR 5"} {
		typeCommand(t, ctx, l)
	}
	before := js[int](t, ctx, `document.getElementById("terminal-log").children.length`)
	const noops = 320 // 640 terminal entries, more than 400 wire rows and 200 arrows
	typeLines(t, ctx, slices.Repeat([]string{"NOOP"}, noops))
	live := js[[]string](t, ctx, panelTails)
	wantTerm := []string{"500", fmt.Sprintf("Earlier lines not shown here: %d. The transcript download has every one.", before+2*noops-500), "S: +OK"}
	if live[0] != wantTerm[0] || live[1] != wantTerm[1] || live[2] != wantTerm[2] {
		t.Fatalf("the terminal shows %q, want %q", live[:3], wantTerm)
	}
	if live[3] != "400" || live[6] != "200" {
		t.Fatalf("the wire shows %s rows and the diagram %s arrows, want 400 and 200", live[3], live[6])
	}
	screenshot(t, ctx, "long-session")
	waitFor(t, ctx, "the save", `document.documentElement.dataset.saved === document.documentElement.dataset.step`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	if got := js[[]string](t, ctx, panelTails); fmt.Sprint(got) != fmt.Sprint(live) {
		t.Fatalf("after a reload the panels show\n%q\nwhere the session showed\n%q", got, live)
	}
	// Every older row is one click or more away, as many as the button said.
	total := 0
	for js[bool](t, ctx, `!document.getElementById("wire-earlier").hidden`) {
		js[bool](t, ctx, `document.getElementById("wire-earlier").click(), true`)
		total = js[int](t, ctx, `new Set([...document.querySelectorAll("#wire-log > li")].map(li => li.dataset.row)).size`)
	}
	if want := fmt.Sprintf("Show %d earlier rows", total-400); live[5] != want {
		t.Fatalf("the wire's button said %q; %d rows in all, so want %q", live[5], total, want)
	}
}
