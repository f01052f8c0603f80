//go:build !js

package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// documentedKeys are the page's shortcuts and the keys every control
// uses; none of them, anywhere, may stop the program.
var documentedKeys = []string{"n", kb.ArrowRight, "b", kb.ArrowLeft, " ", "p", kb.PageDown, kb.PageUp, "r", "/", kb.Tab, kb.Enter, kb.ArrowUp, kb.ArrowDown, kb.Home, kb.End, kb.Escape}

// alive fails the test if the program stopped or a panic was recovered,
// and shows that typing still works.
func alive(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if s := js[string](t, ctx, `document.documentElement.dataset.recovered || ""`); s != "" {
		t.Fatalf("%s: a panic was recovered (%s): %s", where, s, js[string](t, ctx, `document.getElementById("notice").textContent`))
	}
	if s := js[string](t, ctx, `document.documentElement.dataset.loadError || ""`); s != "" {
		t.Fatalf("%s: the program stopped: %s", where, s)
	}
	for _, l := range consoleLines(ctx) {
		if strings.HasPrefix(l, "exception") || strings.Contains(l, "panic") || strings.Contains(l, "stopped") {
			t.Fatalf("%s: the console says %s", where, l)
		}
	}
}

// TestNoKeyStopsTheProgram presses every documented key with the focus on
// every kind of element the page has: a text field, a checkbox, a button,
// a select, a diagram arrow, a link, a table row, the wire log and the
// page itself.
func TestNoKeyStopsTheProgram(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	for _, l := range []string{"USER alice", "PASS wonderland", "LIST"} {
		typeCommand(t, ctx, l)
	}
	targets := []struct{ name, focus string }{
		{"terminal input", `document.getElementById("terminal-input")`},
		{"checkbox", `document.getElementById("set-leave")`},
		{"button", `document.getElementById("btn-transcript")`},
		{"select", `document.getElementById("speed")`},
		{"diagram arrow", `document.querySelector("#sequence button.arrow")`},
		{"link", `document.querySelector("a.skip")`},
		{"table row", `document.querySelector("#server-maildrop tbody tr")`},
		{"wire log", `document.getElementById("wire-log")`},
		{"terminal log", `document.getElementById("terminal-log")`},
		{"page", `document.body`},
	}
	for _, tg := range targets {
		for _, key := range documentedKeys {
			// A key may open the message dialog or move focus: start
			// from the same place each time.
			js[bool](t, ctx, `(() => { const d = document.getElementById("message-dialog"); if (d.open) d.close();
				document.documentElement.classList.contains("presenter") && document.getElementById("btn-presenter").click();
				const el = `+tg.focus+`; if (!el) return false; el.focus(); return true; })()`)
			if err := chromedp.Do(ctx, chromedp.KeyEvent(key)); err != nil {
				t.Fatalf("%s, key %q: %v", tg.name, key, err)
			}
		}
		// Let queued work run before looking.
		chromedp.Do(ctx, chromedp.Sleep(50*time.Millisecond))
		alive(t, ctx, tg.name)
	}
	js[bool](t, ctx, `(() => { const d = document.getElementById("message-dialog"); if (d.open) d.close(); return true; })()`)
	typeCommand(t, ctx, "NOOP")
	alive(t, ctx, "after every key")
}

// TestSpaceBelongsToTheFocusedControl: with a lab loaded, Space on a
// checkbox ticks it and Space on a button presses it; neither plays the
// lab. Space on the page does.
func TestSpaceBelongsToTheFocusedControl(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="sniffing"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("btn-step").disabled`)
	js[bool](t, ctx, `(document.getElementById("predict").focus(), true)`)
	chromedp.Do(ctx, chromedp.KeyEvent(" "))
	waitFor(t, ctx, "the ticked box", `document.getElementById("predict").checked`)
	if p := js[string](t, ctx, `document.getElementById("btn-play").getAttribute("aria-pressed")`); p != "false" {
		t.Fatal("Space on a checkbox started Play")
	}
	js[bool](t, ctx, `(document.getElementById("predict").click(), document.getElementById("btn-step").focus(), true)`)
	step := js[string](t, ctx, `document.documentElement.dataset.step`)
	chromedp.Do(ctx, chromedp.KeyEvent(" "))
	waitFor(t, ctx, "the pressed Step button", `document.documentElement.dataset.step !== "`+step+`"`)
	if p := js[string](t, ctx, `document.getElementById("btn-play").getAttribute("aria-pressed")`); p != "false" {
		t.Fatal("Space on a button started Play")
	}
	js[bool](t, ctx, `(document.activeElement.blur(), true)`)
	chromedp.Do(ctx, chromedp.KeyEvent(" "))
	waitFor(t, ctx, "Play from the page", `document.getElementById("btn-play").getAttribute("aria-pressed") === "true"`)
	chromedp.Do(ctx, chromedp.KeyEvent(" "))
	alive(t, ctx, "the lab")
}

// TestDiagramIsAListOfButtons: the sequence diagram is keyboard-operable:
// one tab stop, ↑ and ↓ between arrows, Enter shows the bytes.
func TestDiagramIsAListOfButtons(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	for _, l := range []string{"USER alice", "PASS wonderland", "STAT"} {
		typeCommand(t, ctx, l)
	}
	names := js[[]string](t, ctx, `[...document.querySelectorAll("#sequence li > button")].map(b => b.getAttribute("aria-label"))`)
	want := []string{
		"+OK POP3 server ready <",
		"USER alice: command from the client on connection 1, readable by an eavesdropper. Show its bytes",
		"+OK Send your password.: response from the server on connection 1, readable by an eavesdropper. Show its bytes",
		"PASS wonderland: command from the client on connection 1, carries a credential readable by an eavesdropper. Show its bytes",
	}
	if len(names) != 7 {
		t.Fatalf("%d arrows: %q", len(names), names)
	}
	for i, w := range want {
		if !strings.HasPrefix(names[i], w) {
			t.Errorf("arrow %d is named %q, want %q", i, names[i], w)
		}
	}
	if n := js[int](t, ctx, `document.querySelectorAll('#sequence button[tabindex="0"]').length`); n != 1 {
		t.Fatalf("%d tab stops in the diagram, want 1", n)
	}
	js[bool](t, ctx, `(document.querySelector('#sequence button[tabindex="0"]').focus(), true)`)
	chromedp.Do(ctx, chromedp.KeyEvent(kb.Home))
	chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown))
	chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, "the bytes of USER", `document.getElementById("arrow-bytes").textContent.includes("55 53 45 52 20 61 6c 69  63 65 0d 0a")`)
	if f := js[string](t, ctx, `document.activeElement.getAttribute("data-arrow")`); f != "1" {
		t.Fatalf("focus is on arrow %q, want 1", f)
	}
	if role := js[string](t, ctx, `document.getElementById("sequence").getAttribute("role") || "list"`); role != "list" {
		t.Fatalf("the diagram's role is %q", role)
	}
	screenshot(t, ctx, "diagram-keyboard")
	alive(t, ctx, "the diagram")
}

// TestQuickReloadKeepsTheLastAction: a learner who reloads (or closes the
// tab) right after QUIT keeps it: the deletion is there after the reload.
func TestQuickReloadKeepsTheLastAction(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	for _, l := range []string{"USER alice", "PASS wonderland", "DELE 2"} {
		typeCommand(t, ctx, l)
	}
	// Send QUIT and reload as soon as its +OK is on screen: within a few
	// milliseconds, long before the IndexedDB write.
	js[bool](t, ctx, `(() => {
		window.beforeReload = true;
		const log = document.getElementById("terminal-log");
		const t0 = performance.now();
		new MutationObserver(() => {
			if (log.textContent.includes("+OK Logging out")) {
				sessionStorage.setItem("reloadAfterMs", String(performance.now() - t0));
				location.reload();
			}
		}).observe(log, {childList: true, subtree: true});
		document.getElementById("terminal-input").value = "QUIT";
		document.getElementById("terminal-form").requestSubmit();
		return true;
	})()`)
	if _, err := pollPage[bool](ctx, `!window.beforeReload && document.documentElement.dataset.ready === "true"`, readyTimeout); err != nil {
		t.Fatalf("the reloaded page: %v%s", err, diagnose(ctx))
	}
	t.Logf("reloaded %s ms after QUIT was sent", js[string](t, ctx, `sessionStorage.getItem("reloadAfterMs")`))
	rows := serverRows(t, ctx)
	if len(rows) != 4 || strings.Contains(strings.Join(rows, "\n"), "URGENT") {
		t.Fatalf("after a quick reload the maildrop is %q, want the 4 left by the QUIT", rows)
	}
	if !strings.Contains(terminalText(t, ctx), "C: QUIT") {
		t.Fatalf("after a quick reload the terminal lost the QUIT:\n%s", terminalText(t, ctx))
	}
}
