//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"pop3lab/lessons"
	"pop3lab/sim"
	"pop3lab/sim/scenario"
	"pop3lab/wasm/view"
)

// loadCourse fills the lesson menu with the course siteCourse read, or
// err. It runs after the page is interactive, so the first paint does not
// wait for the course. Without a course, the lesson pane says so in one
// sentence and the simulator works on.
func (a *app) loadCourse(course []*lessons.Lesson, err error) {
	if err != nil {
		appendNode(a.byID("lesson"), a.el("p", "The lessons could not be loaded ("+err.Error()+"); the simulator works without them, and reloading the page tries again.", "class", "lesson-error", "role", "alert"))
		// Outside tests wait on this to know the course failed.
		a.doc.DocumentElement().Underlying().Get("dataset").Set("courseError", err.Error())
		return
	}
	a.course = course
	a.introHTML = a.byID("lesson").InnerHTML()
	a.progress = view.NewProgress()
	if a.store != nil {
		if b, err := a.store.read(progressFile); err == nil && len(b) > 0 {
			if p, err := view.LoadProgress(b); err == nil {
				a.progress = p
			} else {
				a.notice("Your course progress could not be read, so it starts afresh.")
				a.store.remove(progressFile)
			}
		}
	}
	a.connectLMS()
	sel := a.byID("lesson-select")
	for _, l := range course {
		appendNode(sel, a.el("option", fmt.Sprintf("%d. %s", l.Order, l.Title), "value", l.Slug))
	}
	setDisabled(sel, false)
	a.byID("course-bar").RemoveAttribute("hidden")
	a.addProgressFileButtons()
	a.renderProgress()
	a.bindLessonPane()
	// The lesson the learner left open, or the introduction with its
	// "Start lesson 1".
	a.showLesson(a.progress.Last)
}

// siteCourse reads the course the site was built with: the rendered
// course document that pop3lab build writes (lessons.CourseFile), an
// author's own course or the built-in one. It blocks on the download, so
// it runs on afterStart's goroutine, off the work queue (which answers
// input meanwhile) and never in a callback.
func siteCourse() ([]*lessons.Lesson, error) {
	b, ok := fetchText(lessons.CourseFile)
	if !ok {
		return nil, fmt.Errorf("%s did not download", lessons.CourseFile)
	}
	return lessons.DecodeCourse([]byte(b))
}

// bindLessonPane wires the lesson menu and the delegated handlers of the
// lesson's interactive parts (scenarios, quizzes, links).
func (a *app) bindLessonPane() {
	a.on("lesson-select", "change", func() { a.showLesson(value(a.byID("lesson-select"))) })
	a.on("btn-review", "click", a.startReview)
	a.on("btn-reset-progress", "click", a.resetProgress)
	a.on("review-show", "click", func() { a.revealCard() })
	a.on("review-again", "click", func() { a.answerCard(false) })
	a.on("review-known", "click", func() { a.answerCard(true) })
	a.on("review-close", "click", func() {
		a.byID("review").SetAttribute("hidden", "")
		focus(a.byID("btn-review"))
	})
	pane := a.byID("lesson")
	listen(pane, "click", func(ev dom.Event) {
		target := ev.Target()
		if btn := target.Closest("button.start-challenge"); btn != nil {
			id := btn.Closest("section.challenge").GetAttribute("data-challenge-id")
			a.post(func() { a.startChallenge(id) })
			return
		}
		if btn := target.Closest("button.challenge-hint"); btn != nil {
			id := btn.Closest("section.challenge").GetAttribute("data-challenge-id")
			a.post(func() { a.useHint(id) })
			return
		}
		if btn := target.Closest("button.open-bytes"); btn != nil {
			id := btn.GetAttribute("data-byte-link")
			a.post(func() { a.openLessonBytes(id) })
			return
		}
		if btn := target.Closest("button.run-scenario"); btn != nil {
			src := btn.ParentElement().QuerySelector("textarea.scenario-source")
			if src != nil {
				text := value(src)
				a.post(func() { a.startScenario(text) })
			}
			return
		}
		if link := target.Closest("a[data-lesson]"); link != nil {
			ev.PreventDefault()
			slug := link.GetAttribute("data-lesson")
			// The pager's links move on: the new lesson's title takes the
			// focus, so that keyboard and screen-reader users start there.
			moveFocus := link.Closest("nav.lesson-pager") != nil
			a.post(func() {
				a.showLesson(slug)
				if moveFocus {
					a.focusLessonTitle()
				}
			})
		}
	})
	listen(pane, "submit", func(ev dom.Event) {
		ev.PreventDefault()
		form := ev.Target()
		a.post(func() { a.gradeQuiz(form) })
	})
}

// showLesson puts a lesson in the pane. Its HTML comes from our renderer,
// which escapes all text and allows no raw HTML (see package lessons).
func (a *app) showLesson(slug string) {
	a.preview = nil
	l := a.lessonBySlug(slug)
	if l == nil {
		// The introduction that the page shell carries, ending with the
		// way into lesson 1.
		intro := a.introHTML
		if len(a.course) > 0 {
			intro += lessons.StartLink(a.course[0], lessonsDir)
		}
		a.showLessonHTML(intro)
		setValue(a.byID("lesson-select"), "")
		a.currentLesson = ""
		if a.progress.Last != "" {
			a.progress.Last = ""
			a.saveProgress()
		}
		return
	}
	prev, next := a.neighbours(slug)
	a.showLessonHTML(l.HTML + lessons.Pager(prev, next, lessonsDir))
	a.showChallengeResults()
	setValue(a.byID("lesson-select"), slug)
	a.currentLesson = slug
	changed := a.progress.MarkRead(slug)
	if len(l.Quizzes) == 0 && !a.progress.Completed[slug] {
		a.progress.Completed[slug] = true
		changed = true
	}
	if a.progress.Last != slug {
		a.progress.Last = slug
		changed = true
	}
	if changed {
		a.saveProgress()
	}
	a.renderProgress()
}

// lessonsDir is where the site keeps the lesson pages, relative to the
// app's page: the pager's links point there when opened in a new tab.
const lessonsDir = "lessons/"

// neighbours returns the lessons before and after slug in the course.
func (a *app) neighbours(slug string) (prev, next *lessons.Lesson) {
	for i, l := range a.course {
		if l.Slug != slug {
			continue
		}
		if i > 0 {
			prev = a.course[i-1]
		}
		if i+1 < len(a.course) {
			next = a.course[i+1]
		}
	}
	return prev, next
}

// focusLessonTitle puts the keyboard focus on the lesson's title.
func (a *app) focusLessonTitle() {
	if h := a.byID("lesson").QuerySelector("h1"); h != nil {
		h.SetAttribute("tabindex", "-1")
		focus(h)
	}
}

// focus moves the keyboard focus to e.
func focus(e dom.Element) { e.Underlying().Call("focus") }

func (a *app) showLessonHTML(html string) {
	pane := a.byID("lesson")
	pane.SetInnerHTML(html)
	for _, b := range pane.QuerySelectorAll("button.run-scenario, button.start-challenge, button.open-bytes") {
		setDisabled(b, false)
	}
	pane.Underlying().Set("scrollTop", 0)
	a.byID("lesson-pane").Underlying().Set("scrollTop", 0)
}

func (a *app) lessonBySlug(slug string) *lessons.Lesson {
	for _, l := range a.course {
		if l.Slug == slug {
			return l
		}
	}
	return nil
}

// gradeQuiz checks a quiz form, shows the explanations of the answers
// chosen (and no other: a wrong answer does not give the right one away),
// says per question whether it is right, and records the score.
func (a *app) gradeQuiz(form dom.Element) {
	id := form.GetAttribute("data-quiz-id")
	var quiz *lessons.Quiz
	var lesson string
	for _, l := range a.lessonsShown() {
		for i := range l.Quizzes {
			if l.Quizzes[i].ID == id {
				quiz, lesson = &l.Quizzes[i], l.Slug
			}
		}
	}
	if quiz == nil {
		return
	}
	right := 0
	for i, q := range quiz.Questions {
		inputs := form.QuerySelectorAll(`input[name="` + quiz.Name(i) + `"]`)
		var chosen []int
		for _, in := range inputs {
			if checked(in) {
				n, _ := strconv.Atoi(in.GetAttribute("value"))
				chosen = append(chosen, n)
			}
		}
		ok := q.IsRight(chosen)
		if ok {
			right++
		}
		show := map[int]bool{}
		for _, j := range q.Feedback(chosen) {
			show[j] = true
		}
		for j, in := range inputs {
			exp := in.ParentElement().ParentElement().QuerySelector("p.explanation")
			if exp == nil {
				continue
			}
			switch {
			case !show[j]:
				exp.SetAttribute("hidden", "")
			case j < len(q.Answers) && q.Answers[j].Correct:
				exp.SetAttribute("class", "explanation correct")
				exp.RemoveAttribute("hidden")
			default:
				exp.SetAttribute("class", "explanation wrong")
				exp.RemoveAttribute("hidden")
			}
		}
		if len(inputs) > 0 {
			if res := inputs[0].Closest("fieldset").QuerySelector("p.question-result"); res != nil {
				switch {
				case ok:
					res.SetTextContent("Right.")
				case len(chosen) == 0:
					res.SetTextContent("Not answered yet.")
				default:
					res.SetTextContent("Not yet: try again.")
				}
			}
		}
	}
	if out := form.QuerySelector("output.quiz-result"); out != nil {
		out.SetTextContent(fmt.Sprintf("%d of %d right", right, len(quiz.Questions)))
	}
	if a.isPreview(lesson) {
		return // a preview's quiz counts nowhere
	}
	a.progress.Score(lesson, id, right, len(quiz.Questions))
	a.saveProgress()
	a.renderProgress()
}

// renderProgress shows the course progress bar.
func (a *app) renderProgress() {
	if a.progress == nil {
		return
	}
	pct := a.progress.Percent(len(a.course))
	bar := a.byID("course-progress")
	bar.SetAttribute("aria-valuenow", strconv.Itoa(pct))
	bar.QuerySelector("span").Underlying().Get("style").Set("width", fmt.Sprintf("%d%%", pct))
	due := len(a.progress.Due(a.deck(), time.Now()))
	a.byID("course-progress-text").SetTextContent(fmt.Sprintf("%d of %d lessons done · %d cards due", len(a.progress.Completed), len(a.course), due))
	a.doc.DocumentElement().Underlying().Get("dataset").Set("progress", strconv.Itoa(pct))
}

func (a *app) saveProgress() {
	a.reportLMS()
	if a.store == nil {
		return
	}
	if b, err := a.progress.Save(); err == nil {
		pct := strconv.Itoa(a.progress.Percent(len(a.course)))
		a.store.writeLater(progressFile, b, func(err error) {
			a.post(func() {
				if err != nil {
					a.notice("Your progress could not be saved in this browser: " + err.Error())
					return
				}
				// Outside tests wait on this to know the progress is stored.
				a.doc.DocumentElement().Underlying().Get("dataset").Set("progressSaved", pct)
			})
		})
	}
}

// progressFileName is the name of an exported progress file.
const progressFileName = "pop3lab-progress.json"

// maxProgressFile bounds an imported progress file: a whole course's
// progress is a few kilobytes.
const maxProgressFile = 1 << 20

// addProgressFileButtons adds Export and Import to the course bar: a file
// the learner keeps, so that progress survives a change of browser.
func (a *app) addProgressFileButtons() {
	if a.doc.GetElementByID("btn-export-progress") != nil {
		return
	}
	bar := a.byID("course-bar")
	exp := a.el("button", "Export progress", "type", "button", "id", "btn-export-progress")
	imp := a.el("button", "Import progress…", "type", "button", "id", "btn-import-progress")
	file := a.el("input", "", "type", "file", "id", "import-progress-file", "accept", ".json,application/json", "hidden", "", "aria-label", "Progress file to import")
	appendNode(bar, exp)
	appendNode(bar, imp)
	appendNode(bar, file)
	a.on("btn-export-progress", "click", a.exportProgress)
	// The file chooser opens only from the click itself, not from queued
	// work.
	listen(imp, "click", func(dom.Event) { file.Underlying().Call("click") })
	listen(file, "change", func(dom.Event) {
		files := file.Underlying().Get("files")
		if files.Length() == 0 {
			return
		}
		f := files.Index(0)
		name, size := f.Get("name").String(), f.Get("size").Int()
		setValue(file, "") // the same file can be chosen again
		if size > maxProgressFile {
			a.post(func() {
				a.notice(fmt.Sprintf("%s is %d bytes, too big for a progress file; your progress is unchanged.", name, size))
			})
			return
		}
		var onText, onFail js.Func
		release := func() { onText.Release(); onFail.Release() }
		onText = jsFunc(func(args []js.Value) any {
			text := args[0].String()
			release()
			a.post(func() { a.importProgress(name, []byte(text)) })
			return nil
		})
		onFail = jsFunc(func([]js.Value) any {
			release()
			a.post(func() { a.notice(name + " could not be read; your progress is unchanged.") })
			return nil
		})
		f.Call("text").Call("then", onText, onFail)
	})
}

// exportProgress offers the learner's progress as a file.
func (a *app) exportProgress() {
	b, err := a.progress.Save()
	if err != nil {
		a.notice("Your progress could not be exported: " + err.Error())
		return
	}
	a.download(progressFileName, "application/json", b)
}

// importProgress merges a progress file into the learner's progress: what
// either holds is kept, so a wrong file costs nothing.
func (a *app) importProgress(name string, b []byte) {
	p, err := view.LoadProgress(b)
	if err != nil {
		a.notice(fmt.Sprintf("%s is not a pop3lab progress file (%v); your progress is unchanged.", name, err))
		return
	}
	a.progress.Merge(p)
	a.saveProgress()
	a.renderProgress()
	if a.currentLesson != "" {
		a.showChallengeResults()
	}
	a.notice(fmt.Sprintf("Imported %s: %d of %d lessons done.", name, len(a.progress.Completed), len(a.course)))
}

func (a *app) resetProgress() {
	if !confirmDialog("Forget your course progress, quiz scores and flashcard schedule?") {
		return
	}
	a.progress = view.NewProgress()
	a.saveProgress()
	a.renderProgress()
}

// deck is every card of the lessons the learner has read, in course
// order, without duplicates: a card is not due before its lesson was seen.
func (a *app) deck() []string {
	seen := map[string]bool{}
	var ids []string
	for _, l := range a.course {
		if !a.progress.IsRead(l.Slug) {
			continue
		}
		for _, c := range l.Cards {
			if !seen[c.ID] {
				seen[c.ID] = true
				ids = append(ids, c.ID)
			}
		}
	}
	return ids
}

func (a *app) card(id string) (lessons.Card, bool) {
	for _, l := range a.course {
		for _, c := range l.Cards {
			if c.ID == id {
				return c, true
			}
		}
	}
	return lessons.Card{}, false
}

// startReview shows the first due flashcard. The focus stays inside the
// flashcard widget from here until it is closed.
func (a *app) startReview() {
	a.byID("review").RemoveAttribute("hidden")
	a.nextCard()
}

func (a *app) nextCard() {
	due := a.progress.Due(a.deck(), time.Now())
	a.byID("review-count").SetTextContent(fmt.Sprintf("%d cards due", len(due)))
	a.byID("review-answer").SetAttribute("hidden", "")
	a.byID("review-again").SetAttribute("hidden", "")
	a.byID("review-known").SetAttribute("hidden", "")
	if len(due) == 0 {
		a.reviewCard = ""
		msg := "Nothing is due. Come back tomorrow: spaced review works best a little at a time."
		if len(a.deck()) == 0 {
			msg = "No cards yet: each lesson you read adds its cards here."
		}
		a.byID("review-term").SetTextContent(msg)
		a.byID("review-show").SetAttribute("hidden", "")
		focus(a.byID("review-close"))
		return
	}
	c, _ := a.card(due[0])
	a.reviewCard = c.ID
	a.byID("review-term").SetTextContent(c.Term)
	a.byID("review-answer").SetTextContent(c.Explanation)
	a.byID("review-show").RemoveAttribute("hidden")
	focus(a.byID("review-show"))
}

func (a *app) revealCard() {
	if a.reviewCard == "" {
		return
	}
	a.byID("review-answer").RemoveAttribute("hidden")
	a.byID("review-show").SetAttribute("hidden", "")
	a.byID("review-again").RemoveAttribute("hidden")
	a.byID("review-known").RemoveAttribute("hidden")
	focus(a.byID("review-known"))
}

func (a *app) answerCard(known bool) {
	if a.reviewCard == "" {
		return
	}
	a.progress.Review(a.reviewCard, known, time.Now())
	a.saveProgress()
	a.renderProgress()
	a.nextCard()
}

// previewLesson renders the editor's text as a lesson, the way the build
// will, and lists its problems. The renderer is a second program,
// author.wasm, that the page loads at the first preview (pop3labAuthor in
// web/loader.js); until it answers, the list says that it is loading. The
// answer comes back through the work queue; only the latest preview's
// answer is shown.
func (a *app) previewLesson() {
	src := value(a.byID("editor-source"))
	list := a.byID("editor-errors")
	clearChildren(list)
	author := js.Global().Get("pop3labAuthor")
	if author.Type() != js.TypeObject || author.Get("preview").Type() != js.TypeFunction {
		appendNode(list, a.el("li", "The lesson preview is not available: this page has no lesson renderer (web/loader.js)."))
		return
	}
	a.previews++
	n := a.previews
	if !a.authorReady {
		appendNode(list, a.el("li", "Loading the lesson renderer…", "class", "status"))
	}
	var onDone, onFail js.Func
	release := func() { onDone.Release(); onFail.Release() }
	onDone = jsFunc(func(args []js.Value) any {
		release()
		doc, problems := "", []string{"the lesson renderer gave no answer"}
		if len(args) > 0 && args[0].Type() == js.TypeObject {
			doc, problems = args[0].Get("lesson").String(), nil
			ps := args[0].Get("problems")
			for i := 0; i < ps.Length(); i++ {
				problems = append(problems, ps.Index(i).String())
			}
		}
		a.post(func() { a.showPreview(n, doc, problems) })
		return nil
	})
	onFail = jsFunc(func(args []js.Value) any {
		release()
		msg := "it failed"
		if len(args) > 0 {
			if m := args[0].Get("message"); args[0].Type() == js.TypeObject && m.Type() == js.TypeString {
				msg = m.String()
			} else {
				msg = args[0].String()
			}
		}
		a.post(func() { a.previewFailed(n, msg) })
		return nil
	})
	author.Call("preview", "preview.md", view.ScenarioAsLesson(src)).Call("then", onDone, onFail)
}

// showPreview shows preview n's answer: the lesson in the lesson pane,
// its quizzes, challenges and bytes blocks working, or its problems in the
// editor's list. doc is a course document of the one lesson.
func (a *app) showPreview(n int, doc string, problems []string) {
	a.authorReady = true
	if n != a.previews {
		return // a later preview is on its way
	}
	list := a.byID("editor-errors")
	clearChildren(list)
	var l *lessons.Lesson
	if len(problems) == 0 {
		// Checked as the course is: the renderer is the site's own, but
		// what crosses into the page is read, not trusted.
		if course, err := lessons.DecodeCourse([]byte(doc)); err != nil || len(course) != 1 {
			problems = []string{fmt.Sprintf("the lesson renderer's answer could not be read (%v)", err)}
		} else {
			l = course[0]
		}
	}
	if l == nil {
		for _, line := range problems {
			appendNode(list, a.el("li", line))
		}
		return
	}
	appendNode(list, a.el("li", "Shown in the lesson pane.", "class", "ok"))
	a.preview = l
	// The HTML comes from the same renderer as the published lessons,
	// which escapes all text and allows no raw HTML (see package render).
	a.showLessonHTML(l.HTML)
}

// previewFailed says in one sentence that the lesson renderer could not
// be loaded; the next preview tries again.
func (a *app) previewFailed(n int, msg string) {
	if n != a.previews {
		return
	}
	list := a.byID("editor-errors")
	clearChildren(list)
	appendNode(list, a.el("li", "The lesson renderer could not be loaded ("+strings.TrimSuffix(msg, ".")+"); the editor and the simulator work on, and Preview as a lesson tries again."))
}

// challengeRun is a graded challenge under way in the sandbox.
type challengeRun struct {
	lesson string
	c      *lessons.Challenge
	// setup are the sandbox's actions when the challenge started, from
	// which from events on are graded; while the sandbox still starts
	// with them, the learner is working on the challenge.
	setup []sim.Action
	from  int
	hints int
	grade lessons.Grade
	// preview: the challenge is the editor's preview's, and its result
	// counts nowhere.
	preview bool
}

// lessonsShown are the lessons whose interactive parts the lesson pane
// may hold: the editor's preview while it is shown, then the course.
func (a *app) lessonsShown() []*lessons.Lesson {
	if a.preview == nil {
		return a.course
	}
	return append([]*lessons.Lesson{a.preview}, a.course...)
}

// isPreview reports whether slug is the editor's lesson the pane shows.
func (a *app) isPreview(slug string) bool { return a.preview != nil && slug == a.preview.Slug }

// challengeByID finds a challenge of the lessons shown and its lesson.
func (a *app) challengeByID(id string) (*lessons.Challenge, string) {
	for _, l := range a.lessonsShown() {
		for i := range l.Challenges {
			if l.Challenges[i].ID == id {
				return &l.Challenges[i], l.Slug
			}
		}
	}
	return nil, ""
}

// startChallenge prepares the sandbox for a challenge (its seed and setup
// steps) and starts grading what the learner does from there. Starting
// again begins afresh, hints and all; the best result stays in progress.
func (a *app) startChallenge(id string) {
	c, lesson := a.challengeByID(id)
	if c == nil {
		return
	}
	sc := c.Setup()
	r, err := scenario.NewRunner(sc, sim.Options{})
	if err == nil {
		err = r.Run(nil)
	}
	if err != nil {
		a.notice("The challenge could not start: " + err.Error())
		if r != nil {
			r.Sim.Close()
		}
		return
	}
	a.stopPlaying()
	if a.player != nil {
		a.undo.LeaveLab() // a challenge is worked in the sandbox
		a.endLab()
	}
	a.seed = sc.Seed
	a.challenge = &challengeRun{lesson: lesson, c: c, setup: r.Sim.Actions(), from: len(r.Sim.Events(0)),
		preview: a.isPreview(lesson)}
	a.replaceSim(r.Sim)
	a.save()
	a.narrate("Challenge: " + c.Title + ". " + c.Goal + " Work in the terminal and the mail client; the lesson pane counts the items as you reach them.")
	a.renderChallenge()
}

// gradeChallenge regrades the challenge under way after each change of
// the simulation, and records a new result in the progress.
func (a *app) gradeChallenge() {
	ch := a.challenge
	if ch == nil || a.sim == nil {
		return
	}
	actions := a.sim.Actions()
	if len(actions) < len(ch.setup) || !slices.Equal(actions[:len(ch.setup)], ch.setup) {
		// A reset, a lab or Back past the start: the challenge is over.
		a.challenge = nil
		a.renderChallengeEnded(ch)
		return
	}
	ch.grade = ch.c.Grade(a.sim, ch.from, ch.hints)
	if !ch.preview && a.progress.ChallengeResult(ch.c.ID, ch.grade.Score, ch.grade.Max, ch.grade.Complete()) {
		a.saveProgress()
	}
	a.renderChallenge()
}

// renderChallenge shows the challenge's live count in the lesson pane, if
// its lesson is open.
func (a *app) renderChallenge() {
	ch := a.challenge
	if ch == nil {
		return
	}
	sec := a.challengeSection(ch.c.ID)
	if sec == nil {
		return
	}
	if ch.grade.Done == nil {
		ch.grade = ch.c.Grade(a.sim, ch.from, ch.hints)
	}
	sec.SetAttribute("data-state", "running")
	for i, li := range sec.QuerySelectorAll("ol.challenge-items > li") {
		if i < len(ch.grade.Done) && ch.grade.Done[i] {
			li.SetAttribute("class", "done")
			li.SetAttribute("aria-label", "Done: "+ch.c.Items[i].Text)
		} else {
			li.RemoveAttribute("class")
			li.RemoveAttribute("aria-label")
		}
	}
	status := ch.grade.Status()
	if ch.grade.Complete() {
		status = "Challenge complete: " + status + "."
	}
	sec.QuerySelector("p.challenge-status").SetTextContent(status)
	hints := sec.QuerySelector("ol.challenge-hints")
	clearChildren(hints)
	for i := 0; i < ch.hints && i < len(ch.c.Hints); i++ {
		appendNode(hints, a.el("li", ch.c.Hints[i].Text))
	}
	btn := sec.QuerySelector("button.challenge-hint")
	if ch.hints < len(ch.c.Hints) {
		btn.SetTextContent(fmt.Sprintf("Show a hint (costs %d points)", ch.c.Hints[ch.hints].Cost))
		btn.RemoveAttribute("hidden")
	} else {
		btn.SetAttribute("hidden", "")
	}
	sec.QuerySelector("button.start-challenge").SetTextContent("Start again")
	// Outside tests wait on this to know the grade is on screen.
	a.doc.DocumentElement().Underlying().Get("dataset").Set("challenge", fmt.Sprintf("%s %d/%d", ch.c.ID, ch.grade.DoneCount, len(ch.grade.Done)))
}

// renderChallengeEnded says that a challenge stopped counting.
func (a *app) renderChallengeEnded(ch *challengeRun) {
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("challenge")
	sec := a.challengeSection(ch.c.ID)
	if sec == nil {
		return
	}
	sec.SetAttribute("data-state", "ended")
	sec.QuerySelector("button.challenge-hint").SetAttribute("hidden", "")
	sec.QuerySelector("button.start-challenge").SetTextContent("Start again")
	sec.QuerySelector("p.challenge-status").SetTextContent(fmt.Sprintf("The sandbox was reset or replaced, so the challenge stopped at %s. Start again to retry.", ch.grade.Status()))
}

// showChallengeResult shows a challenge's saved result when its lesson
// opens and it is not under way.
func (a *app) showChallengeResults() {
	for _, sec := range a.byID("lesson").QuerySelectorAll("section.challenge") {
		id := sec.GetAttribute("data-challenge-id")
		if a.challenge != nil && a.challenge.c.ID == id {
			continue
		}
		if r, ok := a.progress.Challenges[id]; ok {
			done := ""
			if r.Complete {
				done = ", complete"
			}
			sec.QuerySelector("p.challenge-status").SetTextContent(fmt.Sprintf("Your best: %d of %d points%s.", r.Best, r.Max, done))
		}
	}
	a.renderChallenge()
}

// useHint shows the next hint of the challenge under way; its cost comes
// off the score.
func (a *app) useHint(id string) {
	ch := a.challenge
	if ch == nil || ch.c.ID != id || ch.hints >= len(ch.c.Hints) {
		return
	}
	ch.hints++
	a.gradeChallenge()
}

func (a *app) challengeSection(id string) dom.Element {
	for _, sec := range a.byID("lesson").QuerySelectorAll("section.challenge") {
		if sec.GetAttribute("data-challenge-id") == id {
			return sec
		}
	}
	return nil
}
