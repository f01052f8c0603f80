//go:build !js

package web_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pop3lab/lessons"
	"pop3lab/lessons/render"
	"pop3lab/wasm/view"
)

// TestLabPlayer: a lab is named and marked while it runs, says "step k of
// n", narrates each press beside the panel it is about, steps a Get mail
// command by command, and keeps the learner's sandbox: leaving the lab,
// or Back at its first step, brings it back.
func TestLabPlayer(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	for _, l := range []string{"USER alice", "PASS wonderland", "DELE 3"} {
		typeCommand(t, ctx, l)
	}
	sandbox := terminalText(t, ctx)

	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="stls-stripping"]`)))
	waitFor(t, ctx, "the lab bar", `!document.getElementById("lab-bar").hidden`)
	if title := js[string](t, ctx, `document.getElementById("lab-title").textContent`); title != "STLS stripping (a downgrade attack)" {
		t.Fatalf("lab bar title %q", title)
	}
	if running := js[string](t, ctx, `document.querySelector("#labs li.running h3").textContent`); running != "STLS stripping (a downgrade attack)" {
		t.Fatalf("the running lab marked in the list: %q", running)
	}
	var said []string
	for i := 0; i < 6; i++ {
		js[bool](t, ctx, `(document.getElementById("btn-step").click(), true)`)
		waitFor(t, ctx, "the press", `document.getElementById("lab-step").textContent.startsWith("Step")`)
		said = append(said, js[string](t, ctx, `document.getElementById("lab-step").textContent + " | " + document.getElementById("narration").closest(".pane").id + " | " + document.getElementById("narration").textContent`))
	}
	t.Logf("presses:\n%s", strings.Join(said, "\n"))
	want := []string{
		"Step 1 of 8 | wire-pane | An on-path attacker rewrites",
		"Step 2 of 8 | client-pane | Part 1.",
		"Step 3 of 8 · command 1 of ",
		"Step 3 of 8 · command 2 of ",
		"Step 3 of 8 · command 3 of ",
		"Step 3 of 8 · command 4 of ",
	}
	for i, w := range want {
		if !strings.HasPrefix(said[i], w) {
			t.Errorf("press %d: %q, want it to start %q", i+1, said[i], w)
		}
	}
	if !strings.Contains(said[3], "the mail client sends USER alice.") {
		t.Errorf("the second command of Get mail: %q", said[3])
	}
	if p := js[string](t, ctx, `document.getElementById("lab-progress").value + "/" + document.getElementById("lab-progress").max`); p != "3/8" {
		t.Errorf("progress bar %s", p)
	}
	screenshot(t, ctx, "lab-player")

	// Leave the lab: the sandbox is back as it was.
	js[bool](t, ctx, `(document.getElementById("btn-leave-lab").click(), true)`)
	waitFor(t, ctx, "the sandbox", `document.getElementById("lab-bar").hidden`)
	if got := terminalText(t, ctx); got != sandbox {
		t.Fatalf("after leaving the lab the terminal shows:\n%s\nwant:\n%s", got, sandbox)
	}
	if js[int](t, ctx, `document.querySelectorAll("#labs li.running").length`) != 0 {
		t.Fatal("a lab is still marked as running")
	}
	// Back at a lab's first step undoes starting it.
	js[bool](t, ctx, `(document.querySelector('button[data-lab="sniffing"]').click(), true)`)
	waitFor(t, ctx, "the lab bar", `!document.getElementById("lab-bar").hidden`)
	js[bool](t, ctx, `(document.getElementById("btn-back").click(), true)`)
	waitFor(t, ctx, "the sandbox again", `document.getElementById("lab-bar").hidden`)
	if got := terminalText(t, ctx); got != sandbox {
		t.Fatalf("after Back at the lab's start the terminal shows:\n%s", got)
	}
	typeCommand(t, ctx, "RSET")
	if !strings.Contains(terminalText(t, ctx), "C: RSET") {
		t.Fatal("the sandbox's session did not go on")
	}
	alive(t, ctx, "the lab player")
}

// TestWirePanelKeepsEverySegment: after a Get mail of the 2.2 MB sample
// over STLS, the handshake and the login are still in the wire panel, the
// body is one row that expands, and the filters pick rows out.
func TestWirePanelKeepsEverySegment(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.ID("btn-getmail")))
	waitFor(t, ctx, "Get mail", `document.documentElement.dataset.step === "1"`)
	rows := js[[]string](t, ctx, `[...document.querySelectorAll("#wire-log > li")].map(li => li.querySelector(".meta").textContent)`)
	text := strings.Join(rows, "\n")
	for _, want := range []string{"STLS", "TLS handshake"} {
		if !strings.Contains(js[string](t, ctx, `document.getElementById("wire-log").textContent`), want) {
			t.Errorf("the wire panel lost %q", want)
		}
	}
	groups := js[[]string](t, ctx, `[...document.querySelectorAll("#wire-log > li.group > .meta")].map(m => m.textContent)`)
	if len(groups) == 0 || !strings.Contains(strings.Join(groups, "\n"), "RETR 5:") {
		t.Fatalf("no collapsed row for the large message; groups %q; rows:\n%s", groups, text)
	}
	if n := len(rows); n > 120 {
		t.Errorf("%d rows in the wire panel for one Get mail", n)
	}
	// Expand the big body's row.
	js[bool](t, ctx, `([...document.querySelectorAll("#wire-log > li.group")].find(li => li.textContent.includes("RETR 5:")).querySelector("button.group-more").click(), true)`)
	waitFor(t, ctx, "the expanded run", `[...document.querySelectorAll("#wire-log > li.group")].some(li => li.querySelectorAll(".group-segments > li").length > 50)`)
	// Filter: only TLS rows, then only the first connection.
	js[bool](t, ctx, `(() => { const s = document.getElementById("wire-only"); s.value = "tls"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	waitFor(t, ctx, "the TLS filter", `document.getElementById("wire-count").textContent.includes("match the filter")`)
	if plain := js[int](t, ctx, `[...document.querySelectorAll("#wire-log > li .meta")].filter(m => m.textContent.includes("plaintext")).length`); plain != 0 {
		t.Errorf("the TLS filter shows %d plaintext rows", plain)
	}
	screenshot(t, ctx, "wire-filter-tls")
	js[bool](t, ctx, `(() => { const s = document.getElementById("wire-only"); s.value = ""; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	waitFor(t, ctx, "no filter", `document.getElementById("wire-count").textContent === ""`)
	alive(t, ctx, "the wire panel")
}

// TestStrippingIsDrawnAsTheAttackers: the CAPA answer the attacker
// rewrote is marked as the attacker's in the wire panel and the diagram,
// and the attacker filter finds it.
func TestStrippingIsDrawnAsTheAttackers(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="stls-stripping"]`)))
	waitFor(t, ctx, "the lab bar", `!document.getElementById("lab-bar").hidden`)
	for i := 0; i < 5; i++ {
		js[bool](t, ctx, `(document.getElementById("btn-step").click(), true)`)
	}
	waitFor(t, ctx, "the rewritten CAPA", `document.querySelector("#wire-log li.attacker-bytes") !== null`)
	if meta := js[string](t, ctx, `document.querySelector("#wire-log li.attacker-bytes .meta").textContent`); !strings.Contains(meta, "REWRITTEN by the attacker") {
		t.Fatalf("rewritten row: %q", meta)
	}
	name := js[string](t, ctx, `document.querySelector("#sequence button.arrow.attacker").getAttribute("aria-label")`)
	if !strings.Contains(name, "rewritten by the attacker") {
		t.Fatalf("the diagram's arrow for the rewritten CAPA is named %q", name)
	}
	js[bool](t, ctx, `(() => { const s = document.getElementById("wire-only"); s.value = "attacker"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	waitFor(t, ctx, "the attacker filter", `document.getElementById("wire-count").textContent.includes("match the filter")`)
	metas := js[[]string](t, ctx, `[...document.querySelectorAll("#wire-log > li")].map(li => li.textContent)`)
	if len(metas) == 0 {
		t.Fatal("the attacker filter shows nothing")
	}
	for _, m := range metas {
		if !strings.Contains(m, "attacker") {
			t.Errorf("the attacker filter shows %q", m)
		}
	}
	screenshot(t, ctx, "wire-attacker")
}

// TestShareSaysWhatItDid: Share puts the session in the address bar and
// says so (copied, or where to copy it from), in presenter mode too.
func TestShareSaysWhatItDid(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	js[bool](t, ctx, `(document.getElementById("btn-presenter").click(), true)`)
	if !js[bool](t, ctx, `getComputedStyle(document.getElementById("btn-share")).display !== "none"`) {
		t.Fatal("Share is hidden in presenter mode")
	}
	js[bool](t, ctx, `(document.getElementById("btn-share").click(), true)`)
	waitFor(t, ctx, "the notice", `document.getElementById("notice").textContent.startsWith("Link copied") || document.getElementById("notice").textContent.startsWith("The link to this session is in the address bar")`)
	if n := js[string](t, ctx, `document.getElementById("notice").textContent`); strings.Contains(n, "http") {
		t.Fatalf("the notice prints the link: %q", n)
	}
	if !js[bool](t, ctx, `location.hash.startsWith("#v1.")`) {
		t.Fatal("the link is not in the address bar")
	}
}

// TestEditorShowsProblemsAtTheirLines: line numbers, a parse problem and
// a run problem at their lines, the format reference, and a plain
// scenario previewed as a lesson.
func TestEditorShowsProblemsAtTheirLines(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	setEditor := func(src string) {
		js[bool](t, ctx, `(() => { document.getElementById("editor").open = true; const e = document.getElementById("editor-source"); e.value = `+jsQuote(src)+`; e.dispatchEvent(new Event("input")); return true; })()`)
	}
	setEditor("connect\nC: USER alice\nfetch: everything\n")
	waitFor(t, ctx, "the problem", `document.querySelector("#editor-gutter span.problem") !== null`)
	if n := js[string](t, ctx, `document.querySelector("#editor-gutter span.problem").textContent`); n != "3" {
		t.Fatalf("the gutter marks line %s", n)
	}
	if n := js[int](t, ctx, `document.querySelectorAll("#editor-gutter span").length`); n != 4 {
		t.Fatalf("%d line numbers for 4 lines", n)
	}
	js[bool](t, ctx, `(document.querySelector("#editor-errors button.editor-problem").click(), true)`)
	waitFor(t, ctx, "the caret on line 3", `document.activeElement.id === "editor-source" && document.activeElement.selectionStart === 22`)
	if !strings.Contains(js[string](t, ctx, `document.getElementById("editor-reference").textContent`), "S~ regexp") {
		t.Fatal("no format reference beside the editor")
	}
	// A run problem: the scenario parses but the server answers otherwise.
	setEditor("connect\nS~ \\+OK .*\nC: USER alice\nS: +OK Wrong answer.\n")
	waitFor(t, ctx, "no parse problem", `document.getElementById("editor-errors").textContent.includes("no errors")`)
	js[bool](t, ctx, `(document.getElementById("editor-run").click(), true)`)
	waitFor(t, ctx, "the lab", `!document.getElementById("lab-bar").hidden`)
	js[bool](t, ctx, `(document.getElementById("btn-step").click(), document.getElementById("btn-step").click(), true)`)
	waitFor(t, ctx, "the run problem", `document.getElementById("editor-errors").textContent.startsWith("running, line 4:")`)
	if n := js[string](t, ctx, `document.querySelector("#editor-gutter span.problem").textContent`); n != "4" {
		t.Fatalf("the gutter marks line %s for the run problem", n)
	}
	// Preview as a lesson works for a plain scenario. The lesson renderer
	// is a second program, author.wasm, that the first preview loads (and
	// says so meanwhile): nothing of it came with the page.
	const authorFetched = `performance.getEntriesByType("resource").some(e => e.name.includes("author.wasm"))`
	if js[bool](t, ctx, authorFetched) {
		t.Fatal("author.wasm was downloaded before the first preview")
	}
	js[bool](t, ctx, `(() => {
		window.sawLoading = false;
		const list = document.getElementById("editor-errors");
		new MutationObserver(() => { window.sawLoading ||= list.textContent === "Loading the lesson renderer…"; }).observe(list, {childList: true, subtree: true, characterData: true});
		document.getElementById("editor-preview").click();
		return true;
	})()`)
	waitFor(t, ctx, "the preview", `document.getElementById("editor-errors").textContent.includes("Shown in the lesson pane.")`)
	if !strings.Contains(js[string](t, ctx, `document.getElementById("lesson").textContent`), "USER alice") {
		t.Fatal("the preview does not show the scenario")
	}
	if !js[bool](t, ctx, `window.sawLoading`) {
		t.Error(`the editor did not say "Loading the lesson renderer…" while it loaded`)
	}
	if !js[bool](t, ctx, authorFetched+` && typeof pop3labAuthor.render === "function"`) {
		t.Error("the preview did not come from the lesson renderer, author.wasm")
	}
	// The renderer renders exactly as the build does, problems and all.
	for _, src := range []string{
		view.ScenarioAsLesson("connect\nS~ \\+OK .*\nC: USER alice\nS: +OK Wrong answer.\n"),
		"---\ntitle: Broken\n---\n[x](javascript:alert(1))\n",
	} {
		var want preview
		if l, err := render.Parse("preview.md", src); err != nil {
			want.Problems = strings.Split(err.Error(), "\n")
		} else {
			doc, err := lessons.EncodeCourse([]*lessons.Lesson{l})
			if err != nil {
				t.Fatal(err)
			}
			want.Lesson, want.Problems = string(doc), []string{}
		}
		got := jsAwait[preview](t, ctx, `pop3labAuthor.preview("preview.md", `+jsQuote(src)+`)`)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pop3labAuthor.preview of %q =\n%+v\nrender.Parse gives\n%+v", src, got, want)
		}
	}
	screenshot(t, ctx, "editor")
}

// preview is what pop3labAuthor.preview gives.
type preview struct {
	Lesson   string   `json:"lesson"` // a course document of the one lesson
	Problems []string `json:"problems"`
}

func jsQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", "\\$")
	return "`" + r.Replace(s) + "`"
}

// TestPreviewedLessonWorks: a lesson previewed from the editor works as a
// course lesson does (its bytes block opens the byte view at the
// password, its quiz is graded) and its results count nowhere in the
// learner's progress.
func TestPreviewedLessonWorks(t *testing.T) {
	const src = "---\ntitle: Preview with parts\norder: 1\nminutes: 5\nobjectives:\n  - Read the password off the wire.\nsecplus:\n  - 4.5\n---\n\n" +
		"```pop3\ntitle: Port 110\nseed: 6\n\nclient: tls=none\nconnect\nS~ \\+OK POP3 server ready <.*>\nC: USER alice\nS: +OK Send your password.\nC: PASS wonderland\nS~ \\+OK alice's maildrop has .*\n```\n\n" +
		"```bytes\nstep: 4\nshow: password\ncaption: Open the PASS line in the byte view\n```\n\n" +
		"```quiz\n? Which port carries POP3 without TLS?\n+ 110 :: The plaintext port.\n- 995 :: That one is TLS from the first byte.\n```\n"
	ctx := newTab(t)
	open(t, ctx, "")
	before := js[string](t, ctx, `document.getElementById("course-progress-text").textContent`)
	js[bool](t, ctx, `(() => { document.getElementById("editor").open = true; const e = document.getElementById("editor-source"); e.value = `+jsQuote(src)+`; e.dispatchEvent(new Event("input")); document.getElementById("editor-preview").click(); return true; })()`)
	waitFor(t, ctx, "the preview", `document.getElementById("editor-errors").textContent.includes("Shown in the lesson pane.")`)
	// Before the preview, the editor knew it for a lesson, not a scenario
	// full of errors.
	js[bool](t, ctx, `(() => { const e = document.getElementById("editor-source"); e.dispatchEvent(new Event("input")); return true; })()`)
	waitFor(t, ctx, "the editor's word on a lesson", `document.getElementById("editor-errors").textContent === "A lesson (it starts with front matter): Preview as a lesson shows it, or lists its problems."`)
	if n := js[int](t, ctx, `document.querySelectorAll("#editor-gutter span.problem").length`); n != 0 {
		t.Errorf("the gutter marks %d lines of a lesson as problems", n)
	}
	if !js[bool](t, ctx, `document.getElementById("editor-run").disabled && document.getElementById("editor-share").disabled`) {
		t.Error("Run and Share are offered for a lesson")
	}

	js[bool](t, ctx, `(() => { const f = document.querySelector("#lesson form[data-quiz-id]"); f.querySelector('input[value="0"]').checked = true; f.requestSubmit(); return true })()`)
	waitFor(t, ctx, "the quiz graded", `document.querySelector("#lesson output.quiz-result").textContent === "1 of 1 right"`)

	js[bool](t, ctx, `(document.querySelector("#lesson button.open-bytes").click(), true)`)
	waitFor(t, ctx, "the PASS line in the byte view", `document.activeElement.classList.contains("b-leaf") && document.activeElement.textContent === "wonderland"`)
	if got := js[string](t, ctx, `document.getElementById("lab-step").textContent`); !strings.HasPrefix(got, "Step 4 of ") {
		t.Errorf("the preview's scenario is at %q, want step 4", got)
	}
	if after := js[string](t, ctx, `document.getElementById("course-progress-text").textContent`); after != before {
		t.Errorf("the preview changed the course progress: %q, was %q", after, before)
	}
	screenshot(t, ctx, "preview-byte-view")
	alive(t, ctx, "the previewed lesson")
}
