//go:build !js

package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"pop3lab/lessons"
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
	course, err := lessons.Course()
	if err != nil {
		t.Fatal(err)
	}
	return course
}

// activeID is the id of the element that has the keyboard focus.
func activeID(t *testing.T, ctx context.Context) string {
	return js[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`)
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
