//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
	"pop3lab/wasm/view"
)

// The lab player: a lab or a lesson's scenario runs in a simulation of its
// own (view.Player), named and marked in the lab bar with "step k of n";
// each press narrates one sentence beside the panel it concerns. The
// learner's sandbox is kept (view.Undo) and comes back when the lab is
// left.

// startScenario loads a scenario and shows its first narration.
func (a *app) startScenario(src string) {
	p, err := view.NewPlayer(src, sim.Options{})
	if err != nil {
		a.notice(scenarioNotice(err))
		return
	}
	a.stopPlaying()
	a.acted()
	if a.player == nil {
		a.undo.StartLab(view.Sandbox{Seed: a.seed, Actions: a.sim.Actions()})
	}
	a.player, a.explored, a.predicted = p, false, false
	a.replaceSim(p.Sim())
	a.markRunningLab(src)
	a.showLab(fmt.Sprintf("%s: %d steps. Press Step (N) or Play (Space); Back at the first step, or Leave lab, returns to your sandbox.", p.Title(), p.Steps()), "terminal")
	a.updateControls()
}

// scenarioNotice is the page's sentence for a scenario that cannot run.
func scenarioNotice(err error) string {
	var list scenario.ErrorList
	if errors.As(err, &list) {
		return "That scenario does not parse: " + strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	return "The scenario could not start: " + err.Error()
}

// leaveLab brings the learner's sandbox back, as it was when the lab
// started.
func (a *app) leaveLab() {
	sb, ok := a.undo.LeaveLab()
	if !ok {
		return
	}
	a.stopPlaying()
	s, err := a.newSim(sb.Seed, sb.Actions)
	if err != nil {
		a.notice("Your sandbox could not be brought back, so the sample mailbox is shown: " + err.Error())
		sb = view.Sample()
		if s, err = a.newSim(sb.Seed, nil); err != nil {
			panic(err) // the sample state always builds
		}
	}
	a.endLab()
	a.seed = sb.Seed
	a.replaceSim(s)
	a.notice("You left the lab: this is your own sandbox again, as you left it.")
	a.updateControls()
}

// endLab forgets the player and hides what showed it.
func (a *app) endLab() {
	a.player, a.explored, a.predicted = nil, false, false
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("stepKind")
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("labStep")
	a.byID("lab-bar").SetAttribute("hidden", "")
	a.byID("narration").SetAttribute("hidden", "")
	a.markRunningLab("")
}

// step runs the next scenario step, or shows the next command of a
// mail-client step.
func (a *app) step() {
	if a.player == nil || a.player.Finished() || a.explored {
		a.stopPlaying()
		return
	}
	a.acted()
	if a.predictPause() {
		a.updateControls()
		return
	}
	pl := a.player.Next()
	// Presenter mode shows the panels this kind of step needs.
	a.doc.DocumentElement().Underlying().Get("dataset").Set("stepKind", pl.Kind)
	a.renderNew()
	text := pl.Narration
	switch {
	case pl.Err != nil:
		a.explored = true // the scenario cannot go on from here
		a.stopPlaying()
		var d *scenario.Divergence
		if errors.As(pl.Err, &d) {
			a.editorRunFailed(a.player.Source, d)
		}
	case pl.Finished:
		text += "\n\nEnd of the lab. Type commands to explore from here, press Back to step back, or Leave lab to return to your sandbox."
		a.stopPlaying()
	}
	a.showLab(text, pl.Panel)
	a.updateControls()
}

// backInLab steps the lab back; at its first step it leaves the lab, so
// Back undoes starting it.
func (a *app) backInLab() {
	if a.player.Done() == 0 {
		a.leaveLab()
		return
	}
	q, err := a.player.Back()
	if err != nil {
		a.notice(scenarioNotice(err))
		return
	}
	a.player, a.explored, a.predicted = q, false, false
	a.replaceSim(q.Sim())
	last := q.Last()
	text := last.Narration
	if q.Done() == 0 {
		text = fmt.Sprintf("%s: %d steps, none run yet. Back once more returns to your sandbox.", q.Title(), q.Steps())
	}
	a.showLab(text, last.Panel)
	a.updateControls()
}

// back undoes the last step or action.
func (a *app) back() {
	a.stopPlaying()
	a.acted()
	if a.player != nil {
		a.backInLab()
		return
	}
	prev, ok := a.undo.Back(view.Sandbox{Seed: a.seed, Actions: a.sim.Actions()})
	if !ok {
		return
	}
	s, err := a.newSim(prev.Seed, prev.Actions)
	if err != nil {
		a.notice("Could not step back: " + err.Error())
		return
	}
	a.seed = prev.Seed
	a.replaceSim(s)
	a.save()
	a.updateControls()
}

// reset restores the sample state; Back undoes it (R is one key from B).
func (a *app) reset() {
	a.stopPlaying()
	a.acted()
	next, undoable := a.undo.Reset(view.Sandbox{Seed: a.seed, Actions: a.sim.Actions()})
	s, err := a.newSim(next.Seed, nil)
	if err != nil {
		a.notice(err.Error())
		return
	}
	a.endLab()
	a.seed = next.Seed
	a.replaceSim(s)
	a.save()
	if undoable {
		a.notice("Back to the sample mailbox. Press Back (B) to undo the reset.")
	}
	a.updateControls()
}

// showLab shows the lab bar ("step k of n" and its progress) and puts the
// narration beside the panel it is about, scrolled into view.
func (a *app) showLab(text, panel string) {
	if a.player == nil {
		return
	}
	last := a.player.Last()
	bar := a.byID("lab-bar")
	bar.RemoveAttribute("hidden")
	a.byID("lab-title").SetTextContent(a.player.Title())
	progress := a.byID("lab-progress")
	progress.SetAttribute("max", strconv.Itoa(a.player.Steps()))
	progress.SetAttribute("value", strconv.Itoa(a.player.Done()))
	step := fmt.Sprintf("%d steps", a.player.Steps())
	if last.Step > 0 {
		step = last.Progress()
	}
	if a.explored {
		step += " · exploring"
	}
	a.byID("lab-step").SetTextContent(step)
	a.doc.DocumentElement().Underlying().Get("dataset").Set("labStep", fmt.Sprintf("%d.%d", last.Step, last.Command))
	if panel == "" {
		panel = a.narrationPanel
	}
	a.narrationPanel = panel
	n := a.byID("narration")
	if pane := a.doc.GetElementByID(panel + "-pane"); pane != nil {
		if head := pane.QuerySelector(".pane-head"); head != nil && head.NextElementSibling() != n {
			pane.InsertBefore(n, head.NextElementSibling())
		}
		a.showPane(panel)
		pane.Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
	a.narrate(text)
	a.sendNotes(a.speakerNotes(text))
}

// markRunningLab marks the lab whose source is src as running in the
// labs list ("" marks none).
func (a *app) markRunningLab(src string) {
	for _, lab := range scenario.Labs() {
		btn := query(a.byID("labs"), `button[data-lab="`+lab.Name+`"]`)
		if btn == nil {
			continue
		}
		li := btn.ParentElement()
		if src != "" && lab.Source == src {
			li.Class().Add("running")
			li.SetAttribute("aria-current", "true")
			btn.SetTextContent("Restart lab")
			btn.SetAttribute("aria-label", "Restart lab: "+lab.Title+" (running)")
		} else {
			li.Class().Remove("running")
			li.RemoveAttribute("aria-current")
			btn.SetTextContent("Run lab")
			btn.SetAttribute("aria-label", "Run lab: "+lab.Title)
		}
	}
}

// narrate sets the narration's text.
func (a *app) narrate(text string) {
	n := a.byID("narration")
	n.SetTextContent(text)
	n.RemoveAttribute("hidden")
}
