//go:build !js

package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// watchLayout is an init script: the moment the app says it takes input
// (data-ready) it notes where every visible control and pane is, and
// the moment the page has settled (data-settled: the labs and the course
// are in) it lists those that moved or changed size, in
// window.layoutMoves. Both notes are taken in the same task that sets
// the attribute, before the browser runs anything else.
const watchLayout = `(() => {
  const sel = "button, input, select, textarea, a[href], summary, main > .pane, .pane-head, #terminal-log, #sequence, #labs";
  const key = (e, i) => (e.id ? "#" + e.id : e.tagName.toLowerCase() + "." + (e.className || "") + "[" + i + "]") + (e.textContent ? " '" + e.textContent.trim().slice(0, 30) + "'" : "");
  const snap = () => {
    const out = new Map();
    document.querySelectorAll(sel).forEach((e, i) => {
      const r = e.getBoundingClientRect();
      if ((r.width === 0 && r.height === 0) || !e.checkVisibility()) return;
      out.set(e, {key: key(e, i), x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height});
    });
    return out;
  };
  let first = null;
  new MutationObserver(() => {
    const d = document.documentElement.dataset;
    if (d.ready === "true" && first === null) {
      first = snap();
    }
    if (d.settled === "true" && first !== null && !window.layoutMoves) {
      const moves = [];
      for (const [e, a] of first) {
        if (!e.isConnected) continue;
        const r = e.getBoundingClientRect();
        const b = {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
        if (Math.abs(a.x - b.x) > 1 || Math.abs(a.y - b.y) > 1 || Math.abs(a.w - b.w) > 1 || Math.abs(a.h - b.h) > 1) {
          moves.push(a.key + ": " + [a.x, a.y, a.w, a.h].map(Math.round).join(",") + " -> " + [b.x, b.y, b.w, b.h].map(Math.round).join(","));
        }
      }
      window.layoutMoves = moves;
    }
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-ready", "data-settled"]});
})();`

// TestNothingMovesAfterReady loads the page at each designed screen and
// checks that what the learner can already click when the terminal takes
// input stays where it is while the labs and the course arrive: a click
// aimed in those first moments lands where it was aimed.
func TestNothingMovesAfterReady(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int64
	}{
		{"phone", 390, 844},
		{"tablet", 820, 1180},
		{"laptop", 1366, 768},
		{"projector", 1920, 1080},
	} {
		t.Run(size.name, func(t *testing.T) {
			ctx := newTab(t)
			viewport(t, ctx, size.w, size.h)
			addInitScript(t, ctx, watchLayout)
			open(t, ctx, "")
			moves, err := pollPage[[]string](ctx, `window.layoutMoves`, readyTimeout)
			if err != nil {
				t.Fatalf("no layout note: %v%s", err, diagnose(ctx))
			}
			for _, m := range moves {
				t.Errorf("moved after the page took input: %s", m)
			}
			screenshot(t, ctx, "settled-"+size.name)
		})
	}
}

// TestLogsFollowTheirNewestLine: the terminal and the wire panel scroll
// to their newest line after each answer (in the frame after it, so that
// the page is laid out once per answer), and a learner who types on sees
// the last answer.
func TestLogsFollowTheirNewestLine(t *testing.T) {
	ctx := newTab(t)
	viewport(t, ctx, 1366, 768)
	open(t, ctx, "")
	for _, line := range []string{"USER alice", "PASS wonderland", "LIST", "UIDL", "LIST", "UIDL", "LIST", "UIDL", "STAT"} {
		typeCommand(t, ctx, line)
	}
	for _, id := range []string{"terminal-log", "wire-log"} {
		if !js[bool](t, ctx, `(e => e.scrollHeight > e.clientHeight)(document.getElementById("`+id+`"))`) {
			t.Fatalf("#%s does not overflow: nothing to scroll", id)
		}
		waitFor(t, ctx, "#"+id+" at its newest line", `(e => e.scrollHeight - e.scrollTop - e.clientHeight < 2)(document.getElementById("`+id+`"))`)
	}
	if last := js[string](t, ctx, `document.getElementById("terminal-log").lastElementChild.textContent`); !strings.HasPrefix(last, "S: +OK 5 ") {
		t.Errorf("the terminal's last line is %q, want the STAT answer", last)
	}
}

// TestTerminalAnswersWhileTheCourseDownloads: the course comes after the
// page takes input, and while it is still on its way (a slow network)
// the terminal answers at once; then the course arrives.
func TestTerminalAnswersWhileTheCourseDownloads(t *testing.T) {
	ctx := newTab(t)
	url := site(t).server.URL + "/slowcourse/pop3lab/"
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitInteractive(t, ctx)
	for _, line := range []string{"USER alice", "PASS wonderland", "STAT"} {
		typeCommand(t, ctx, line)
	}
	if !js[bool](t, ctx, `document.getElementById("lesson-select").disabled && document.documentElement.dataset.settled === undefined`) {
		t.Fatal("the course was in before it was sent: the test shows nothing")
	}
	if !strings.Contains(terminalText(t, ctx), "S: +OK 5 ") {
		t.Fatalf("the terminal did not answer STAT:\n%s", terminalText(t, ctx))
	}
	close(courseGate)
	waitFor(t, ctx, "the course", `document.documentElement.dataset.settled === "true" && !document.getElementById("lesson-select").disabled`)
}

// storeGate is an init script that holds back the page's IndexedDB until
// the test calls window.openStore(): indexedDB.open answers with a stand-in
// request that makes the real one only then and passes its events on.
const storeGate = `(() => {
	const realOpen = IDBFactory.prototype.open;
	let release;
	const gate = new Promise((ok) => { release = ok; });
	window.storeHeld = true;
	window.openStore = () => { window.storeHeld = false; release(); };
	IDBFactory.prototype.open = function (...args) {
		const factory = this;
		// A real EventTarget that passes for an IDBOpenDBRequest.
		const standIn = Object.setPrototypeOf(new EventTarget(), IDBOpenDBRequest.prototype);
		let real = null;
		for (const name of ["result", "error", "readyState", "transaction", "source"]) {
			Object.defineProperty(standIn, name, { get: () => real ? real[name] : (name === "readyState" ? "pending" : null) });
		}
		gate.then(() => {
			real = realOpen.apply(factory, args);
			for (const type of ["success", "error", "upgradeneeded", "blocked"]) {
				real.addEventListener(type, (e) => {
					const copy = new Event(type, { cancelable: e.cancelable });
					copy.oldVersion = e.oldVersion;
					copy.newVersion = e.newVersion;
					standIn.dispatchEvent(copy);
				});
			}
		});
		return standIn;
	};
})()`

// TestVisitDoesNotWaitForTheStore holds the browser's store back. On a
// first visit the browser has no database for the page, on a return visit
// the page replays the journal: either way the page answers the terminal
// without the store, and what the learner typed meanwhile reaches the
// store once it opens.
func TestVisitDoesNotWaitForTheStore(t *testing.T) {
	for _, c := range []struct {
		name      string
		returning bool
		steps     int // actions the store must end up holding
	}{
		{"first visit", false, 1},
		{"return visit", true, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newTab(t)
			loadHoldingTheStore(t, ctx, c.returning)
			waitInteractive(t, ctx)
			if c.returning {
				if !strings.Contains(terminalText(t, ctx), "C: USER alice") {
					t.Fatalf("the journal's session is not back:\n%s", terminalText(t, ctx))
				}
				typeCommand(t, ctx, "PASS wonderland")
				if !strings.Contains(terminalText(t, ctx), "S: +OK alice's maildrop has ") {
					t.Fatalf("the terminal did not answer PASS:\n%s", terminalText(t, ctx))
				}
			} else {
				typeCommand(t, ctx, "USER alice")
				if !strings.Contains(terminalText(t, ctx), "S: +OK Send your password.") {
					t.Fatalf("the terminal did not answer USER:\n%s", terminalText(t, ctx))
				}
			}
			if !js[bool](t, ctx, `window.storeHeld && document.documentElement.dataset.saved === undefined`) {
				t.Fatal("the store opened before the test let it: the test shows nothing")
			}
			js[bool](t, ctx, `(window.openStore(), true)`)
			waitFor(t, ctx, "the session in the store", fmt.Sprintf(`(d => d.settled === "true" && d.saved === d.step && Number(d.step) >= %d)(document.documentElement.dataset)`, c.steps))
		})
	}
}

// loadHoldingTheStore loads the page with the browser's store held back
// (storeGate): on a return visit, after a first visit that typed USER
// alice into the journal.
func loadHoldingTheStore(t *testing.T, ctx context.Context, returning bool) {
	t.Helper()
	if returning {
		open(t, ctx, "")
		typeCommand(t, ctx, "USER alice")
		addInitScript(t, ctx, storeGate)
		if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		return
	}
	addInitScript(t, ctx, storeGate)
	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL(t, ""))); err != nil {
		t.Fatal(err)
	}
}

// TestSessionOnlyInTheStoreComesBack: without a journal (the browser
// refused it, or it was cleared) the page finds its database, waits for
// the store and replays the session the store holds.
func TestSessionOnlyInTheStoreComesBack(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	waitFor(t, ctx, "the session in the store", `(d => d.saved === d.step && Number(d.step) >= 1)(document.documentElement.dataset)`)
	js[bool](t, ctx, `(localStorage.removeItem("pop3lab-session"), true)`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitInteractive(t, ctx)
	if got := terminalText(t, ctx); !strings.Contains(got, "C: USER alice") || !strings.Contains(got, "S: +OK Send your password.") {
		t.Fatalf("the store's session is not back:\n%s", got)
	}
}

// TestStoreThatNeverAnswers holds the browser's store back for good, on a
// first visit and on a return visit: the page gives up on it after its
// time limit and works on without it (the terminal answers, the course
// arrives), says so in one sentence, and does not take the store in when
// it answers later.
func TestStoreThatNeverAnswers(t *testing.T) {
	const silent = "The browser's storage did not answer, so course progress from this visit will not be kept; the simulator and the lessons work on, and reloading the page tries the storage again."
	for _, c := range []struct {
		name      string
		returning bool // a visit before, whose journal the page replays
	}{
		{"first visit", false},
		{"return visit", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newTab(t)
			loadHoldingTheStore(t, ctx, c.returning)
			waitInteractive(t, ctx)
			waitFor(t, ctx, "the course", `document.documentElement.dataset.settled === "true" && !document.getElementById("lesson-select").disabled`)
			if got := js[string](t, ctx, `document.getElementById("notice").textContent`); got != silent {
				t.Errorf("notice %q, want %q", got, silent)
			}
			screenshot(t, ctx, "store-silent-"+strings.ReplaceAll(c.name, " ", "-"))
			if !js[bool](t, ctx, `window.storeHeld`) {
				t.Fatal("the store opened: the test shows nothing")
			}
			if c.returning && !strings.Contains(terminalText(t, ctx), "C: USER alice") {
				t.Fatalf("the journal's session is not back:\n%s", terminalText(t, ctx))
			}
			js[bool](t, ctx, `(window.openStore(), true)`)
			typeCommand(t, ctx, "USER bob")
			if !strings.Contains(terminalText(t, ctx), "C: USER bob") {
				t.Fatalf("the terminal did not take USER bob:\n%s", terminalText(t, ctx))
			}
			// A save goes 100 ms after an action; give the store time to
			// answer and the page time to (wrongly) write to it.
			time.Sleep(time.Second)
			if saved := js[string](t, ctx, `String(document.documentElement.dataset.saved)`); saved != "undefined" {
				t.Errorf("the page wrote to the store it gave up on: dataset.saved = %s", saved)
			}
		})
	}
}
