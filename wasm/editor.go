//go:build js && wasm

package main

import (
	"fmt"
	"strconv"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim/scenario"
	"pop3lab/wasm/view"
)

// The scenario editor: line numbers, the problems of the text at their
// lines (from parsing as the author types, and from running it), each a
// button that moves the caret there, and the format reference.

// editorInput checks the editor's text as the author types.
func (a *app) editorInput() {
	setDisabled(a.byID("editor-preview"), value(a.byID("editor-source")) == "")
	a.editorChanged()
}

// editorChanged lists the problems of the editor's scenario and numbers
// its lines.
func (a *app) editorChanged() {
	src := value(a.byID("editor-source"))
	list := a.byID("editor-errors")
	if view.IsLesson(src) {
		// A lesson is not a scenario: its problems are the renderer's.
		clearChildren(list)
		appendNode(list, a.el("li", "A lesson (it starts with front matter): Preview as a lesson shows it, or lists its problems.", "class", "ok"))
		setDisabled(a.byID("editor-run"), true)
		setDisabled(a.byID("editor-share"), true)
		a.drawGutter(src, nil)
		return
	}
	problems, steps := view.ParseProblems(src)
	if a.editorRun != nil && a.editorRun.src == src {
		problems = append(problems, a.editorRun.problem)
	}
	clearChildren(list)
	for _, p := range problems {
		li := a.el("li", "")
		appendNode(li, a.el("button", p.Text(), "type", "button", "class", "editor-problem", "data-line", strconv.Itoa(p.Line),
			"aria-label", p.Text()+". Go to the line"))
		appendNode(list, li)
	}
	parsed := steps > 0 || len(problems) == 0
	if parsed && len(problems) == 0 {
		appendNode(list, a.el("li", fmt.Sprintf("%d steps, no errors.", steps), "class", "ok"))
	}
	setDisabled(a.byID("editor-run"), !parsed)
	setDisabled(a.byID("editor-share"), !parsed)
	a.drawGutter(src, problems)
}

// drawGutter numbers the editor's lines, marking those with a problem.
func (a *app) drawGutter(src string, problems []view.EditorProblem) {
	g := a.byID("editor-gutter")
	clearChildren(g)
	for _, l := range view.Gutter(src, problems) {
		cls := ""
		if l.Problem {
			cls = "problem"
		}
		appendNode(g, a.el("span", strconv.Itoa(l.N), "class", cls))
	}
	// Reading scrollTop makes the browser lay the page out there and then:
	// a closed editor has not scrolled, and its numbers need no syncing.
	if a.byID("editor").Underlying().Get("open").Bool() {
		g.Underlying().Set("scrollTop", a.byID("editor-source").Underlying().Get("scrollTop"))
	}
}

// editorRunProblem is where running the editor's scenario went wrong.
type editorRunProblem struct {
	src     string
	problem view.EditorProblem
}

// editorRunFailed shows, in the editor, where running its scenario
// diverged.
func (a *app) editorRunFailed(src string, d *scenario.Divergence) {
	a.editorRun = &editorRunProblem{src: src, problem: view.EditorProblem{Line: d.Line, Msg: d.Msg, Run: true}}
	if value(a.byID("editor-source")) == src {
		a.editorChanged()
	}
}

// bindEditor connects the gutter's scrolling, the problem buttons and
// Preview as a lesson (which works without the course).
func (a *app) bindEditor() {
	a.on("editor-preview", "click", a.previewLesson)
	src := a.byID("editor-source")
	syncGutter := func(dom.Event) {
		a.byID("editor-gutter").Underlying().Set("scrollTop", src.Underlying().Get("scrollTop"))
	}
	listen(src, "scroll", syncGutter)
	listen(a.byID("editor"), "toggle", syncGutter) // drawGutter skips a closed editor
	a.onActivateWithin(a.byID("editor-errors"), "button.editor-problem", func(b dom.Element) {
		line, err := strconv.Atoi(b.GetAttribute("data-line"))
		if err != nil {
			return
		}
		at := view.LineOffset(value(src), line)
		u := src.Underlying()
		u.Call("focus")
		u.Call("setSelectionRange", at, at)
	})
	a.byID("editor-reference").SetTextContent(scenario.Reference)
}
