//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

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
func (a *app) share() { a.shareLink(a.sharedNow()) }

// sharedNow is what a share link of the current session carries.
func (a *app) sharedNow() view.Shared {
	sh := view.Shared{Presenter: a.presenter}
	if a.player != nil {
		sh.Scenario, sh.Step = a.player.Source, a.player.Done()
	} else {
		sh.Seed, sh.Actions = a.seed, a.sim.Actions()
	}
	return sh
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
	a.doc.DocumentElement().Underlying().Get("dataset").Set("shared", url)
	// The link is long (the whole session is in it): say what happened
	// with it rather than print it.
	manual := "The link to this session is in the address bar: copy it from there. The whole session is in the link; nothing is uploaded."
	clip := js.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() || clip.Get("writeText").Type() != js.TypeFunction {
		a.notice(manual)
		return
	}
	var ok, fail js.Func
	ok = jsFunc(func([]js.Value) any {
		a.post(func() {
			a.notice("Link copied. Anyone who opens it sees this session at this step; the whole session is in the link, nothing is uploaded.")
		})
		ok.Release()
		fail.Release()
		return nil
	})
	fail = jsFunc(func([]js.Value) any {
		a.post(func() { a.notice(manual) })
		ok.Release()
		fail.Release()
		return nil
	})
	clip.Call("writeText", url).Call("then", ok, fail)
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
	return a.openSharedState(sh)
}

// openSharedState replays what a share link carries: the scenario to its
// step, or the sandbox, then the byte view at its span. It reports
// whether it did.
func (a *app) openSharedState(sh view.Shared) bool {
	if sh.Presenter && !a.presenter {
		a.togglePresenter()
	}
	if sh.Scenario != "" {
		a.startScenario(sh.Scenario)
		if a.player == nil {
			return false
		}
		if sh.Step > 0 {
			a.player.SkipTo(sh.Step)
			a.renderNew()
			last := a.player.Last()
			a.showLab(last.Narration, last.Panel)
			a.updateControls()
		}
		a.openSharedBytes(sh.Bytes)
		return true
	}
	s, err := a.newSim(sh.Seed, sh.Actions)
	if err != nil {
		a.notice(view.ShareMessage(view.ErrShareDamaged))
		return false
	}
	a.seed = sh.Seed
	a.replaceSim(s)
	a.openSharedBytes(sh.Bytes)
	return true
}

// predictPause reports whether predict mode holds this step back to ask
// the room what the server will answer; the next press runs it.
func (a *app) predictPause() bool {
	if !checked(a.byID("predict")) || a.player == nil || a.player.Finished() || a.player.Revealing() {
		return false
	}
	if a.predicted {
		a.predicted = false
		return false
	}
	st := a.player.Scenario.Steps[a.player.Done()]
	q, _, ok := view.Question(st)
	if !ok {
		return false
	}
	a.predicted = true
	a.narrate(strings.TrimSpace(view.Narrate(st) + "\n\n" + q + " Press Step to reveal."))
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
		a.sendNotes(a.speakerNotes(n.TextContent()))
	}
}

// speakerNotes is what the notes window shows for the narration said.
func (a *app) speakerNotes(said string) string {
	if a.player == nil {
		return said
	}
	return a.player.Notes(said)
}

func (a *app) sendNotes(text string) {
	if a.notes.Truthy() {
		a.notes.Call("postMessage", text)
	}
}
