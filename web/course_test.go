//go:build !js

package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"pop3lab/lessons"
	"pop3lab/lessons/render"
)

// These tests follow a learner through the course pane: from the
// introduction into lesson 1 and on with Next, quizzes that give away only
// what was chosen, flashcards that keep the focus, and tables that read
// normally at every width. They share the harness of browser_test.go.

// openLesson picks a lesson in the course menu and waits for its title.
func openLesson(t *testing.T, ctx context.Context, l *lessons.Lesson) {
	t.Helper()
	// The course loads after the page is ready.
	waitFor(t, ctx, "the course menu", `!!document.querySelector('#lesson-select option[value=`+strconv.Quote(l.Slug)+`]')`)
	js[bool](t, ctx, `(() => { const s = document.getElementById("lesson-select"); s.value = `+strconv.Quote(l.Slug)+`; s.dispatchEvent(new Event("change")); return true; })()`)
	waitLessonTitle(t, ctx, l.Title)
}

func waitLessonTitle(t *testing.T, ctx context.Context, title string) {
	t.Helper()
	waitFor(t, ctx, "lesson "+title, `(() => { const h = document.querySelector("#lesson h1"); return !!h && h.textContent === `+strconv.Quote(title)+`; })()`)
}

func builtinCourse(t *testing.T) []*lessons.Lesson {
	t.Helper()
	course, err := render.Course()
	if err != nil {
		t.Fatal(err)
	}
	return course
}

// activeID is the id of the element that has the keyboard focus.
func activeID(t *testing.T, ctx context.Context) string {
	return js[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`)
}

// TestCourseOrRendererMissing: without its course document, or with one
// of a version this app does not read, the lesson pane says so in one
// sentence and the simulator and the editor's preview work on; a lesson
// renderer that does not load is one sentence in the editor's list.
func TestCourseOrRendererMissing(t *testing.T) {
	tests := []struct {
		name, prefix string
		lessonPane   *regexp.Regexp
		preview      string
	}{
		{"no course.json, no author.wasm", "/nocourse/pop3lab/",
			regexp.MustCompile(`^The lessons could not be loaded \(lessons/course\.json did not download\); the simulator works without them, and reloading the page tries again\.$`),
			"The lesson renderer could not be loaded (the server answered 500 Internal Server Error for author.wasm.gz); the editor and the simulator work on, and Preview as a lesson tries again."},
		{"course.json of version 2", "/oldcourse/pop3lab/",
			regexp.MustCompile(`^The lessons could not be loaded \(the course document is version 2; this app reads version 1\); the simulator works without them`),
			"Shown in the lesson pane."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(site(t).server.URL+tt.prefix)); err != nil {
				t.Fatal(err)
			}
			waitReady(t, ctx)
			waitFor(t, ctx, "the course's failure", `document.documentElement.dataset.courseError !== undefined`)
			if got := js[string](t, ctx, `document.querySelector("#lesson p.lesson-error").textContent`); !tt.lessonPane.MatchString(got) {
				t.Errorf("the lesson pane says %q, want it to match %s", got, tt.lessonPane)
			}
			if js[int](t, ctx, `document.querySelectorAll("#lesson p.lesson-error").length`) != 1 || !js[bool](t, ctx, `document.getElementById("lesson-select").disabled`) {
				t.Error("not one sentence, or a lesson menu without lessons")
			}
			typeCommand(t, ctx, "USER alice")
			if !strings.Contains(terminalText(t, ctx), "+OK") {
				t.Errorf("the terminal does not work without the course:\n%s", terminalText(t, ctx))
			}
			js[bool](t, ctx, `(() => { document.getElementById("editor").open = true; document.getElementById("editor-preview").click(); return true; })()`)
			waitFor(t, ctx, "the preview's answer", `document.getElementById("editor-errors").textContent === `+strconv.Quote(tt.preview))
		})
	}
}

// TestCourseFlow: the introduction ends with "Start lesson 1"; no card is
// due before a lesson is read; each lesson ends with Next, which opens the
// next lesson with the focus on its title; the last lesson has no Next.
func TestCourseFlow(t *testing.T) {
	course := builtinCourse(t)
	ctx := newTab(t)
	open(t, ctx, "")
	waitFor(t, ctx, "the course", `document.getElementById("lesson-select").options.length === `+strconv.Itoa(len(course)+1))

	waitFor(t, ctx, "the start link", `!!document.querySelector('#lesson nav.lesson-pager a[rel="next"]')`)
	start := js[string](t, ctx, `document.querySelector('#lesson nav.lesson-pager a[rel="next"]').textContent`)
	if want := "Start lesson 1: " + course[0].Title + " →"; start != want {
		t.Fatalf("the introduction ends with %q, want %q", start, want)
	}
	if last := js[string](t, ctx, `document.querySelector("#lesson").lastElementChild.className`); last != "lesson-pager" {
		t.Errorf("the introduction's last element is %q, want the start link", last)
	}
	if text := js[string](t, ctx, `document.getElementById("course-progress-text").textContent`); !strings.HasSuffix(text, "· 0 cards due") {
		t.Errorf("before any lesson is read: %q, want 0 cards due", text)
	}

	js[bool](t, ctx, `(document.querySelector('#lesson nav.lesson-pager a[rel="next"]').click(), true)`)
	waitLessonTitle(t, ctx, course[0].Title)
	if focused := js[string](t, ctx, `document.activeElement.tagName + " " + document.activeElement.textContent`); focused != "H1 "+course[0].Title {
		t.Errorf("after Start, the focus is on %q, want the lesson's title", focused)
	}
	cards := strconv.Itoa(len(course[0].Cards))
	waitFor(t, ctx, "lesson 1's cards due", `document.getElementById("course-progress-text").textContent.endsWith("· `+cards+` cards due")`)

	for i, l := range course[:len(course)-1] {
		if i > 0 {
			openLesson(t, ctx, l)
		}
		next := js[string](t, ctx, `(() => { const a = document.querySelector('#lesson nav.lesson-pager a[rel="next"]'); return a ? a.textContent : ""; })()`)
		want := "Next: lesson " + strconv.Itoa(course[i+1].Order) + ", " + course[i+1].Title + " →"
		if next != want {
			t.Errorf("%s ends with %q, want %q", l.Slug, next, want)
		}
	}
	openLesson(t, ctx, course[len(course)-3])
	js[bool](t, ctx, `(document.querySelector('#lesson nav.lesson-pager a[rel="next"]').click(), true)`)
	waitLessonTitle(t, ctx, course[len(course)-2].Title)
	last := course[len(course)-1]
	openLesson(t, ctx, last)
	if n := js[int](t, ctx, `document.querySelectorAll('#lesson nav.lesson-pager a[rel="next"]').length`); n != 0 {
		t.Errorf("the last lesson has %d Next links", n)
	}
	if prev := js[string](t, ctx, `document.querySelector('#lesson nav.lesson-pager a[rel="prev"]').textContent`); prev != "← "+course[len(course)-2].Title {
		t.Errorf("the last lesson's back link is %q", prev)
	}
	screenshot(t, ctx, "course-flow-last-lesson")
}

// TestWrongAnswerRevealsOnlyItsOwn: a wrong answer shows its own
// explanation and nothing that gives the right answer away; the right
// answer then shows its own, and the quiz counts it.
func TestWrongAnswerRevealsOnlyItsOwn(t *testing.T) {
	course := builtinCourse(t)
	ctx := newTab(t)
	open(t, ctx, "")
	openLesson(t, ctx, course[0])
	q := course[0].Quizzes[0]
	wrong, right := -1, q.Questions[0].Correct()[0]
	for i, a := range q.Questions[0].Answers {
		if !a.Correct {
			wrong = i
			break
		}
	}
	visible := `[...document.querySelectorAll("#lesson form.quiz fieldset")[0].querySelectorAll("p.explanation")].map((p, i) => p.hidden ? "" : i + ":" + p.className).filter(Boolean).join(" ")`
	pick := func(i int) {
		js[bool](t, ctx, `(() => {
			const f = document.querySelectorAll("#lesson form.quiz fieldset")[0];
			f.querySelector('input[value="`+strconv.Itoa(i)+`"]').checked = true;
			document.querySelector("#lesson form.quiz button[type=submit]").click();
			return true;
		})()`)
	}
	pick(wrong)
	waitFor(t, ctx, "the grading", `document.querySelector("#lesson output.quiz-result").textContent !== ""`)
	if got, want := js[string](t, ctx, visible), strconv.Itoa(wrong)+":explanation wrong"; got != want {
		t.Errorf("after a wrong answer the visible explanations are %q, want only %q", got, want)
	}
	if got := js[string](t, ctx, `document.querySelectorAll("#lesson form.quiz fieldset")[0].querySelector("p.question-result").textContent`); got != "Not yet: try again." {
		t.Errorf("question result %q", got)
	}
	if got := js[int](t, ctx, `document.querySelectorAll("#lesson form.quiz p.explanation.correct:not([hidden])").length`); got != 0 {
		t.Errorf("%d right answers' explanations shown after one wrong answer", got)
	}
	screenshot(t, ctx, "quiz-wrong-answer")

	pick(right)
	waitFor(t, ctx, "the regrading", `document.querySelectorAll("#lesson form.quiz fieldset")[0].querySelector("p.question-result").textContent === "Right."`)
	if got, want := js[string](t, ctx, visible), strconv.Itoa(right)+":explanation correct"; got != want {
		t.Errorf("after the right answer the visible explanations are %q, want only %q", got, want)
	}
	if got := js[string](t, ctx, `document.querySelector("#lesson output.quiz-result").textContent`); got != "1 of "+strconv.Itoa(len(q.Questions))+" right" {
		t.Errorf("quiz result %q", got)
	}
}

// TestFlashcardFocus: opening the review, showing the answer and answering
// with the keyboard keep the focus on the widget's next control.
func TestFlashcardFocus(t *testing.T) {
	course := builtinCourse(t)
	ctx := newTab(t)
	open(t, ctx, "")
	openLesson(t, ctx, course[0])
	js[bool](t, ctx, `(document.getElementById("btn-review").focus(), true)`)
	chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, "the first card", `!document.getElementById("review").hidden && document.getElementById("review-term").textContent !== ""`)
	if got := activeID(t, ctx); got != "review-show" {
		t.Fatalf("after opening the review the focus is on %q, want review-show", got)
	}
	if term := js[string](t, ctx, `document.getElementById("review-term").textContent`); term != course[0].Cards[0].Term {
		t.Errorf("first card %q, want %q", term, course[0].Cards[0].Term)
	}
	for i := range 2 {
		chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)) // Show answer
		waitFor(t, ctx, "the answer", `!document.getElementById("review-answer").hidden`)
		if got := activeID(t, ctx); got != "review-known" {
			t.Fatalf("card %d: after Show answer the focus is on %q, want review-known", i+1, got)
		}
		chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)) // I knew it
		waitFor(t, ctx, "the next card", `document.getElementById("review-term").textContent === `+strconv.Quote(course[0].Cards[i+1].Term))
		if got := activeID(t, ctx); got != "review-show" {
			t.Fatalf("card %d: after answering the focus is on %q, want review-show", i+1, got)
		}
	}
	want := strconv.Itoa(len(course[0].Cards)-2) + " cards due"
	if got := js[string](t, ctx, `document.getElementById("review-count").textContent`); got != want {
		t.Errorf("review count %q, want %q", got, want)
	}
	js[bool](t, ctx, `(document.getElementById("review-close").click(), true)`)
	waitFor(t, ctx, "the review closed", `document.getElementById("review").hidden`)
	if got := activeID(t, ctx); got != "btn-review" {
		t.Errorf("after closing the review the focus is on %q, want btn-review", got)
	}
}

// TestLessonTablesReadNormally: at projector, laptop and phone widths no
// word in a lesson table is broken across lines ("P or t"); a table wider
// than the pane scrolls sideways in a focusable, named region instead.
func TestLessonTablesReadNormally(t *testing.T) {
	course := builtinCourse(t)
	ctx := newTab(t)
	open(t, ctx, "")
	// Every word of every table cell must fit on one line; words joined
	// by hyphens or slashes may break there, as text normally does.
	brokenWords := `(() => {
		const broken = [];
		for (const cell of document.querySelectorAll("#lesson table th, #lesson table td")) {
			const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
			for (let n = walker.nextNode(); n; n = walker.nextNode()) {
				const re = /[^\s\-\/]+/g;
				for (let m; (m = re.exec(n.data)); ) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
					if (lines.size > 1) broken.push(m[0]);
				}
			}
		}
		return broken.join(" ");
	})()`
	for _, width := range []int64{1920, 1366, 1280, 820, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
			t.Fatal(err)
		}
		for _, l := range []*lessons.Lesson{course[0], course[3], course[9]} {
			openLesson(t, ctx, l)
			if got := js[string](t, ctx, brokenWords); got != "" {
				t.Errorf("%s at %d px: words broken across lines: %s", l.Slug, width, got)
				screenshot(t, ctx, "tables-"+l.Slug+"-"+strconv.FormatInt(width, 10))
			}
			regions := js[string](t, ctx, `[...document.querySelectorAll("#lesson table")].map(t => {
				const r = t.parentElement;
				return r.getAttribute("role") + "|" + r.tabIndex + "|" + getComputedStyle(r).overflowX + "|" + (r.getAttribute("aria-label") || "").startsWith("Table: ");
			}).join(" ")`)
			for _, r := range strings.Fields(regions) {
				if r != "region|0|auto|true" {
					t.Errorf("%s at %d px: a table's container is %q, want a named, focusable region that scrolls", l.Slug, width, r)
				}
			}
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 720)); err != nil {
		t.Fatal(err)
	}
	openLesson(t, ctx, course[0])
	screenshot(t, ctx, "lesson-table-1280")
}

// setClient changes a mail-client setting the way a learner does.
func setClient(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	js[bool](t, ctx, `(() => { const s = document.getElementById(`+strconv.Quote(id)+`); s.value = `+strconv.Quote(value)+`; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
}

// getMail presses Get mail and waits until the challenge's count is want.
func getMailUntil(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	js[bool](t, ctx, `(document.getElementById("btn-getmail").click(), true)`)
	waitFor(t, ctx, "the count "+want, `document.documentElement.dataset.challenge === `+strconv.Quote(want))
}

func challengeStatus(t *testing.T, ctx context.Context) string {
	return js[string](t, ctx, `document.querySelector("#lesson section.challenge p.challenge-status").textContent`)
}

// TestChallengeSolvedStepByStep: lesson 8's challenge counts its items
// live as the learner works in the sandbox, a hint costs its points, and
// the result is kept in the progress across a reload.
func TestChallengeSolvedStepByStep(t *testing.T) {
	course := builtinCourse(t)
	l := course[7]
	c := l.Challenges[0]
	ctx := newTab(t)
	open(t, ctx, "")
	openLesson(t, ctx, l)
	waitFor(t, ctx, "the start button", `!document.querySelector("#lesson button.start-challenge").disabled`)
	js[bool](t, ctx, `(document.querySelector("#lesson button.start-challenge").click(), true)`)
	waitFor(t, ctx, "the challenge", `document.documentElement.dataset.challenge === "`+c.ID+` 0/3"`)
	if got := challengeStatus(t, ctx); got != "0 of 3 items done · 0 of 40 points" {
		t.Errorf("status at the start %q", got)
	}
	if got := js[string](t, ctx, `document.getElementById("attack-mode").value`); got != "strip-stls" {
		t.Errorf("the setup left the attacker %q", got)
	}

	// STLS required: the client refuses, the first item is done.
	setClient(t, ctx, "set-tls", "required")
	getMailUntil(t, ctx, c.ID+" 1/3")
	if got := js[string](t, ctx, `[...document.querySelectorAll("#lesson ol.challenge-items > li")].map(li => li.className || "-").join(" ")`); got != "done - -" {
		t.Errorf("items %q", got)
	}
	screenshot(t, ctx, "challenge-one-of-three")

	// A hint costs 5 points, as the button says.
	hint := js[string](t, ctx, `document.querySelector("#lesson button.challenge-hint").textContent`)
	if want := "Show a hint (costs 5 points)"; hint != want {
		t.Errorf("hint button %q, want %q", hint, want)
	}
	js[bool](t, ctx, `(document.querySelector("#lesson button.challenge-hint").click(), true)`)
	waitFor(t, ctx, "the hint", `document.querySelectorAll("#lesson ol.challenge-hints li").length === 1`)
	if got := js[string](t, ctx, `document.querySelector("#lesson ol.challenge-hints li").textContent`); got != c.Hints[0].Text {
		t.Errorf("hint %q", got)
	}
	if got := challengeStatus(t, ctx); got != "1 of 3 items done · 5 of 40 points (hints −5)" {
		t.Errorf("status after a hint %q", got)
	}

	setClient(t, ctx, "set-tls", "implicit")
	getMailUntil(t, ctx, c.ID+" 3/3")
	if got, want := challengeStatus(t, ctx), "Challenge complete: 3 of 3 items done · 35 of 40 points (hints −5)."; got != want {
		t.Errorf("final status %q, want %q", got, want)
	}
	js[bool](t, ctx, `(document.querySelector("#lesson section.challenge").scrollIntoView(), true)`)
	screenshot(t, ctx, "challenge-complete")

	waitFor(t, ctx, "the progress saved", `document.documentElement.dataset.progressSaved !== undefined`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	waitLessonTitle(t, ctx, l.Title)
	waitFor(t, ctx, "the saved result", `document.querySelector("#lesson section.challenge p.challenge-status").textContent === "Your best: 35 of 40 points, complete."`)
}

// TestChallengeFailedAndRetried: a wrong setting earns partial credit;
// Start again resets the sandbox and the count, and the retry completes.
func TestChallengeFailedAndRetried(t *testing.T) {
	course := builtinCourse(t)
	l := course[4]
	c := l.Challenges[0]
	ctx := newTab(t)
	open(t, ctx, "")
	openLesson(t, ctx, l)
	waitFor(t, ctx, "the start button", `!document.querySelector("#lesson button.start-challenge").disabled`)
	js[bool](t, ctx, `(document.querySelector("#lesson button.start-challenge").click(), true)`)
	waitFor(t, ctx, "the challenge", `document.documentElement.dataset.challenge === "`+c.ID+` 0/4"`)

	// Encryption none with USER/PASS: mail arrives without TLS, but the
	// password crossed the wire and no challenge-response was used.
	setClient(t, ctx, "set-tls", "none")
	getMailUntil(t, ctx, c.ID+" 2/4")
	if got := challengeStatus(t, ctx); got != "2 of 4 items done · 20 of 40 points" {
		t.Errorf("after the wrong try %q", got)
	}
	screenshot(t, ctx, "challenge-partial")

	js[bool](t, ctx, `(document.querySelector("#lesson button.start-challenge").click(), true)`)
	waitFor(t, ctx, "the fresh start", `document.documentElement.dataset.challenge === "`+c.ID+` 0/4"`)
	if n := js[int](t, ctx, `document.querySelectorAll("#local-mailbox tbody td:not(.empty)").length`); n != 0 {
		t.Errorf("the local mailbox kept %d cells after Start again", n)
	}
	setClient(t, ctx, "set-tls", "none")
	setClient(t, ctx, "set-auth", "apop")
	getMailUntil(t, ctx, c.ID+" 4/4")
	if got := challengeStatus(t, ctx); got != "Challenge complete: 4 of 4 items done · 40 of 40 points." {
		t.Errorf("after the retry %q", got)
	}
}

// recordDownloads makes the page hand files it offers to window.__downloads
// instead of saving them.
const recordDownloads = `window.__downloads = [];
	const blobs = new Map();
	const create = URL.createObjectURL;
	URL.createObjectURL = b => { const u = create.call(URL, b); blobs.set(u, b); return u; };
	const click = HTMLAnchorElement.prototype.click;
	HTMLAnchorElement.prototype.click = function () {
		const blob = blobs.get(this.href);
		if (this.download && blob) {
			const name = this.download;
			blob.text().then(text => window.__downloads.push({name, text}));
			return;
		}
		return click.call(this);
	};`

// TestProgressExportImport: progress exported in one browser and imported
// in another (fresh storage) comes back; a file that is not progress is
// refused with a notice and changes nothing.
func TestProgressExportImport(t *testing.T) {
	course := builtinCourse(t)
	quiz := course[0].Quizzes[0]
	ctx := newTab(t)
	addInitScript(t, ctx, recordDownloads)
	open(t, ctx, "")
	openLesson(t, ctx, course[0])
	for i, q := range quiz.Questions {
		for _, j := range q.Correct() {
			js[bool](t, ctx, `(document.querySelector('#lesson form.quiz input[name="`+quiz.Name(i)+`"][value="`+strconv.Itoa(j)+`"]').checked = true, true)`)
		}
	}
	js[bool](t, ctx, `(document.querySelector("#lesson form.quiz button[type=submit]").click(), true)`)
	waitFor(t, ctx, "the lesson done", `document.documentElement.dataset.progress === "9"`)
	js[bool](t, ctx, `(document.getElementById("btn-export-progress").click(), true)`)
	waitFor(t, ctx, "the export", `window.__downloads.length === 1`)
	if name := js[string](t, ctx, `window.__downloads[0].name`); name != "pop3lab-progress.json" {
		t.Errorf("export named %q", name)
	}
	exported := js[string](t, ctx, `window.__downloads[0].text`)
	if !strings.Contains(exported, `"completed":{"`+course[0].Slug+`":true}`) {
		t.Fatalf("exported progress %s", exported)
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "progress.json"), filepath.Join(dir, "notes.json")
	os.WriteFile(good, []byte(exported), 0o644)
	os.WriteFile(bad, []byte(`{"v":1,"cards":{"x":{"box":9}}}`), 0o644)

	other := newTab(t)
	open(t, other, "")
	waitFor(t, other, "the course", `!!document.getElementById("import-progress-file")`)
	if text := js[string](t, other, `document.getElementById("course-progress-text").textContent`); !strings.HasPrefix(text, "0 of ") {
		t.Fatalf("the fresh browser starts with %q", text)
	}
	if err := chromedp.Do(other, chromedp.SetUploadFiles(chromedp.CSS(`#import-progress-file`), []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other, "the refusal", `document.getElementById("notice").textContent.includes("notes.json is not a pop3lab progress file")`)
	if text := js[string](t, other, `document.getElementById("course-progress-text").textContent`); !strings.HasPrefix(text, "0 of ") {
		t.Errorf("after a bad file: %q", text)
	}
	if err := chromedp.Do(other, chromedp.SetUploadFiles(chromedp.CSS(`#import-progress-file`), []string{good})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other, "the import", `document.documentElement.dataset.progress === "9"`)
	if text := js[string](t, other, `document.getElementById("course-progress-text").textContent`); !strings.HasPrefix(text, "1 of "+strconv.Itoa(len(course))+" lessons done · "+strconv.Itoa(len(course[0].Cards))+" cards due") {
		t.Errorf("after the import: %q", text)
	}
	waitFor(t, other, "the imported progress saved", `document.documentElement.dataset.progressSaved === "9"`)
}
