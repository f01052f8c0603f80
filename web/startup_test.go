//go:build !js

package web_test

import (
	"strings"
	"testing"
)

// TestInputAtStartIsKept types commands the moment the terminal takes
// input, while the rest of the start-up (labs, course, editor, TLS
// certificate) still comes after the first paint: every line is answered
// in order, and the deferred parts arrive too.
func TestInputAtStartIsKept(t *testing.T) {
	ctx := newTab(t)
	addInitScript(t, ctx, `new MutationObserver((_, seen) => {
		if (!document.documentElement || document.documentElement.dataset.ready !== "true") return;
		seen.disconnect();
		const input = document.getElementById("terminal-input");
		const form = document.getElementById("terminal-form");
		for (const line of ["USER alice", "PASS wonderland", "STAT"]) {
			input.value = line;
			form.requestSubmit();
		}
		window.typedAtReady = document.getElementById("labs").children.length + " labs, " +
			document.getElementById("lesson-select").options.length + " lessons";
	}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-ready"]})`)
	open(t, ctx, "")
	if _, err := pollPage[bool](ctx, `document.documentElement.dataset.typed === "3"`, readyTimeout); err != nil {
		t.Fatalf("the lines typed at start were not all answered (typed %q, at ready %q): %v\n%s%s", js[string](t, ctx, `document.documentElement.dataset.typed || ""`), js[string](t, ctx, `String(window.typedAtReady)`), err, terminalText(t, ctx), diagnose(ctx))
	}
	t.Logf("at ready: %s", js[string](t, ctx, `window.typedAtReady`))
	want := []string{"C: USER alice", "S: +OK", "C: PASS wonderland", "S: +OK", "C: STAT", "S: +OK 5 "}
	text := terminalText(t, ctx)
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Fatalf("terminal lacks %q after position %d (in order %q):\n%s", w, at, want, text)
		}
		at += i + len(w)
	}
	if _, err := pollPage[bool](ctx, `document.getElementById("labs").children.length > 0 &&
		document.getElementById("lesson-select").options.length > 1 &&
		!document.getElementById("lesson-select").disabled`, readyTimeout); err != nil {
		t.Fatalf("the labs or the course did not arrive after the start: %v%s", err, diagnose(ctx))
	}
}
