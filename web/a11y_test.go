//go:build !js

package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axePath is axe-core, pinned in testdata/npm/package-lock.json and
// installed by `make test` (scripts/install-deps.sh).
var axePath = filepath.Join("testdata", "npm", "node_modules", "axe-core", "axe.min.js")

// axeViolations runs axe-core in the tab and returns one line per rule
// violated: its id, what it asks, and the elements that break it.
func axeViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is missing (%v): make test installs it (scripts/install-deps.sh)", err)
	}
	if !js[bool](t, ctx, `typeof axe !== "undefined"`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(src)+"\n;true")); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	return jsAwait[[]string](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => v.id + ": " + v.help + " (" + v.nodes.map(n => n.target.join(" ")).slice(0, 5).join(", ") + ")"))`)
}

// viewport sets the tab's window size in CSS pixels.
func viewport(t *testing.T, ctx context.Context, w, h int64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
		t.Fatal(err)
	}
}

// colorScheme emulates the system's light or dark setting.
func colorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccessibilityInEveryState: axe-core finds no violation on first
// load, after a session, in a lab mid-way, in a lesson's quiz, in
// presenter mode, in dark mode and at phone width.
func TestAccessibilityInEveryState(t *testing.T) {
	ctx := newTab(t)
	viewport(t, ctx, 1366, 768)
	open(t, ctx, "")
	states := []struct {
		name  string
		setUp func()
	}{
		{"first load", func() {}},
		{"after a session", func() {
			for _, l := range []string{"USER alice", "PASS wonderland", "LIST", "RETR 1", "DELE 1", "QUIT"} {
				typeCommand(t, ctx, l)
			}
			js[bool](t, ctx, `(document.querySelector("#sequence button.arrow.c2s").click(), true)`)
		}},
		{"a lab mid-way", func() {
			chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="stls-stripping"]`)))
			waitFor(t, ctx, "the lab", `!document.getElementById("lab-bar").hidden`)
			for i := 0; i < 5; i++ {
				js[bool](t, ctx, `(document.getElementById("btn-step").click(), true)`)
			}
			waitFor(t, ctx, "the steps", `document.documentElement.dataset.labStep && !document.documentElement.dataset.labStep.startsWith("0")`)
		}},
		{"a quiz", func() {
			js[bool](t, ctx, `(() => { const s = document.getElementById("lesson-select"); s.selectedIndex = 1; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
			waitFor(t, ctx, "the lesson", `document.querySelector("#lesson form.quiz") !== null`)
			js[bool](t, ctx, `(() => { const f = document.querySelector("#lesson form.quiz"); const i = f.querySelector("input"); i.click(); f.requestSubmit ? f.requestSubmit() : f.submit(); return true; })()`)
		}},
		{"presenter mode", func() {
			viewport(t, ctx, 1280, 720)
			js[bool](t, ctx, `(document.getElementById("btn-presenter").click(), true)`)
			waitFor(t, ctx, "presenter mode", `document.documentElement.classList.contains("presenter")`)
		}},
		{"dark mode", func() {
			js[bool](t, ctx, `(document.getElementById("btn-presenter").click(), true)`)
			waitFor(t, ctx, "presenter mode off", `!document.documentElement.classList.contains("presenter")`)
			viewport(t, ctx, 1366, 768)
			colorScheme(t, ctx, "dark")
		}},
		{"phone width", func() {
			colorScheme(t, ctx, "light")
			viewport(t, ctx, 390, 844)
		}},
	}
	var report []string
	for _, st := range states {
		st.setUp()
		v := axeViolations(t, ctx)
		report = append(report, fmt.Sprintf("%s: %d violations", st.name, len(v)))
		screenshot(t, ctx, "axe-"+st.name)
		for _, line := range v {
			t.Errorf("%s: %s", st.name, line)
		}
	}
	t.Log("axe-core: " + strings.Join(report, "; "))
	alive(t, ctx, "the accessibility run")
}
