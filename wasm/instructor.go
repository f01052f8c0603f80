//go:build js && wasm

package main

import (
	"fmt"
	"strings"
	"syscall/js"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
	"pop3lab/wasm/view"
)

// togglePresenter switches presenter mode: large type, high contrast,
// only the panels a step needs.
func (a *app) togglePresenter() {
	a.presenter = !a.presenter
	cls := a.doc.DocumentElement().Class()
	btn := a.byID("btn-presenter")
	if a.presenter {
		cls.Add("presenter")
		btn.SetAttribute("aria-pressed", "true")
	} else {
		cls.Remove("presenter")
		btn.SetAttribute("aria-pressed", "false")
	}
}

// share puts the current session in the address bar and tries to copy it.
func (a *app) share() {
	sh := view.Shared{Presenter: a.presenter}
	if a.runner != nil {
		sh.Scenario, sh.Step = a.runnerSrc, a.runner.StepsDone()
	} else {
		sh.Seed, sh.Actions = a.seed, a.sim.Actions()
	}
	a.shareLink(sh)
}

func (a *app) shareLink(sh view.Shared) {
	frag, err := view.EncodeShare(sh)
	if err != nil {
		a.notice("The link could not be made: " + err.Error())
		return
	}
	loc := js.Global().Get("location")
	js.Global().Get("history").Call("replaceState", nil, "", "#"+frag)
	url := loc.Get("href").String()
	a.notice("Link to this session (the whole state is in the link; nothing is uploaded): " + url)
	if clip := js.Global().Get("navigator").Get("clipboard"); clip.Truthy() {
		clip.Call("writeText", url)
	}
}

// openShared restores a shared link from the address bar, if there is one.
// It reports whether it did.
func (a *app) openShared() bool {
	hash := js.Global().Get("location").Get("hash").String()
	if hash == "" || hash == "#" {
		return false
	}
	sh, err := view.DecodeShare(hash)
	if err != nil {
		a.notice(view.ShareMessage(err))
		return false
	}
	if sh.Presenter && !a.presenter {
		a.togglePresenter()
	}
	if sh.Scenario != "" {
		a.startScenario(sh.Scenario)
		if a.runner == nil {
			return false
		}
		for i := 0; i < sh.Step && a.runner != nil && !a.runner.Done(); i++ {
			a.step()
		}
		return true
	}
	s, err := a.newSim(sh.Seed, sh.Actions)
	if err != nil {
		a.notice(view.ShareMessage(view.ErrShareDamaged))
		return false
	}
	a.seed = sh.Seed
	a.replaceSim(s)
	return true
}

// editorChanged parses the editor's scenario and lists its errors.
func (a *app) editorChanged() {
	src := value(a.byID("editor-source"))
	list := a.byID("editor-errors")
	clearChildren(list)
	sc, err := scenario.Parse(src)
	if err != nil {
		// One problem per line ("line N: ..."), as Parse reports them.
		for _, line := range strings.Split(err.Error(), "\n") {
			list.AppendChild(a.el("li", line))
		}
		setDisabled(a.byID("editor-run"), true)
		setDisabled(a.byID("editor-share"), true)
		return
	}
	list.AppendChild(a.el("li", fmt.Sprintf("%d steps, no errors.", len(sc.Steps)), "class", "ok"))
	setDisabled(a.byID("editor-run"), false)
	setDisabled(a.byID("editor-share"), false)
}

// editorInput enables the lesson preview for any text, and checks it as a
// scenario.
func (a *app) editorInput() {
	setDisabled(a.byID("editor-preview"), value(a.byID("editor-source")) == "")
	a.editorChanged()
}

// predictPause reports whether predict mode holds this step back to ask
// the room what the server will answer; the next press runs it.
func (a *app) predictPause() bool {
	if !checked(a.byID("predict")) || a.runner == nil || a.runner.Done() {
		return false
	}
	if a.predicted {
		a.predicted = false
		return false
	}
	st := a.runner.Scenario.Steps[a.runner.StepsDone()]
	var q string
	switch st.Kind {
	case sim.ActSend:
		q = "The client sends: " + st.Text
	case sim.ActConnect:
		q = "The client connects."
	default:
		return false
	}
	a.predicted = true
	note := strings.TrimSpace(st.Note + "\n\n" + q + "\nWhat will the server answer? Press Step to reveal.")
	a.narrate(note)
	return true
}

// notesChannel is the BroadcastChannel the speaker-notes window listens on.
const notesChannel = "pop3lab-notes"

// openNotes opens the speaker-notes window; the narration of every step
// goes there as well as into the page.
func (a *app) openNotes() {
	if !a.notes.Truthy() {
		if bc := js.Global().Get("BroadcastChannel"); bc.Truthy() {
			a.notes = bc.New(notesChannel)
		}
	}
	js.Global().Call("open", "notes.html", "pop3lab-notes", "width=720,height=520")
	if n := a.byID("narration"); !n.HasAttribute("hidden") {
		a.sendNotes(n.TextContent())
	}
}

func (a *app) sendNotes(text string) {
	if a.notes.Truthy() {
		a.notes.Call("postMessage", text)
	}
}
