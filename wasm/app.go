//go:build js && wasm

package main

import (
	"bytes"
	"errors"
	"fmt"
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

// defaultSeed seeds the sandbox; a fixed seed makes a reload replay to the
// same state.
const defaultSeed = 1

// app is the page: the simulation and everything the panels show.
type app struct {
	doc   dom.Document
	queue chan func()

	sim  *sim.Simulation
	seed uint64

	// Scenario mode: a lab or a lesson's scenario steps the simulation.
	runner    *scenario.Runner
	runnerSrc string
	playing   bool
	playGen   int
	predicted bool // predict mode asked about the next step
	presenter bool
	notes     js.Value // BroadcastChannel to the speaker-notes window

	// The course: lessons, the one shown, the learner's progress and the
	// flashcard under review.
	course        []*lessons.Lesson
	currentLesson string
	introHTML     string // the shell's introduction, from index.html
	progress      *view.Progress
	reviewCard    string

	// The sandbox before the last reset, for Back to bring it back.
	beforeReset     []sim.Action
	beforeResetSeed uint64

	typedCount  int  // lines handled from the terminal
	savePending bool // a save is scheduled
	liveLines   int  // lines in the classroom log

	store   *store
	history view.History

	// Rendering state, rebuilt from the event log.
	rendered    int
	termConns   map[int]bool
	arrows      []arrow
	segEvents   map[int]sim.Event // data segments arrows point to, by Seq
	lastSent    map[int]sim.Event // newest client-to-server data segment, by conn
	pendingRsp  map[int][]int     // conn → arrows awaiting their S->C segment
	hex         bool
	serverSig   string      // what the server table shows, to skip rebuilding it
	localSig    string      // likewise for the local mailbox
	drawn       int         // arrows of a.arrows drawn in the diagram
	shown       int         // arrow groups in the diagram
	arrowBase   int         // absolute number of a.arrows[0]
	arrowLayer  dom.Element // the diagram's group of arrows; nil: draw afresh
	wireItems   int         // items in the wire panel
	reportItems int         // lines in the mail client's report
}

func newApp() *app {
	a := &app{
		doc:   dom.GetWindow().Document(),
		queue: make(chan func(), 1024),
		seed:  defaultSeed,
	}
	a.resetRender()
	return a
}

func (a *app) resetRender() {
	a.rendered = 0
	a.termConns = map[int]bool{}
	a.arrows = nil
	a.segEvents = map[int]sim.Event{}
	a.lastSent = map[int]sim.Event{}
	a.pendingRsp = map[int][]int{}
	a.wireItems, a.reportItems = 0, 0
	a.drawn, a.shown, a.arrowBase, a.arrowLayer = 0, 0, 0, nil
}

// newSim makes a fresh sandbox simulation.
func (a *app) newSim(seed uint64, actions []sim.Action) (*sim.Simulation, error) {
	return sim.Replay(sim.Options{Seed: seed}, actions)
}

// replaceSim makes s the simulation the page shows, ends the old one (its
// server sessions hold goroutines), and renders s from its first event.
func (a *app) replaceSim(s *sim.Simulation) {
	if a.sim != nil && a.sim != s {
		a.sim.Close()
	}
	a.sim = s
	a.resetPanels()
	a.renderAll()
}

// restore opens the browser store and replays the saved sandbox, or
// starts the sample state.
func (a *app) restore() {
	var msg string
	a.store, msg = openStore()
	var actions []sim.Action
	seed := uint64(defaultSeed)
	if a.store != nil {
		b, err := a.store.read(sessionFile)
		if err == nil && len(b) > 0 {
			seed, actions, err = view.Load(b)
		}
		if err != nil && !isNotExist(err) {
			msg = "Your saved session could not be read, so a fresh one was started."
			a.store.remove(sessionFile)
			seed, actions = defaultSeed, nil
		}
	}
	s, err := a.newSim(seed, actions)
	if err != nil {
		msg = "Your saved session could not be replayed, so a fresh one was started."
		if a.store != nil {
			a.store.remove(sessionFile)
		}
		seed = defaultSeed
		s, err = a.newSim(seed, nil)
		if err != nil {
			panic(err) // the sample state always builds
		}
	}
	a.sim, a.seed = s, seed
	if msg != "" {
		a.notice(msg)
	}
}

// saveDelay coalesces saves: IndexedDB writes take milliseconds, and an
// answer must be on screen before that.
const saveDelay = 100 * time.Millisecond

// save writes the sandbox to the browser store soon, once for a burst of
// actions. When it is written, dataset.saved holds the step it holds.
func (a *app) save() {
	if a.store == nil || a.savePending {
		return
	}
	a.savePending = true
	go func() {
		time.Sleep(saveDelay)
		a.post(a.saveNow)
	}()
}

func (a *app) saveNow() {
	a.savePending = false
	actions := a.sim.Actions()
	b, err := view.Save(a.seed, actions)
	if err != nil {
		a.notice("Your session could not be saved: " + err.Error())
		return
	}
	a.store.writeLater(sessionFile, b, func(err error) {
		a.post(func() {
			if err != nil {
				a.notice("Your session could not be saved in this browser: " + err.Error())
				return
			}
			a.doc.DocumentElement().Underlying().Get("dataset").Set("saved", strconv.Itoa(len(actions)))
		})
	})
}

// notice shows one sentence at the top of the page.
func (a *app) notice(msg string) {
	n := a.byID("notice")
	n.SetTextContent(msg)
	n.RemoveAttribute("hidden")
}

// apply runs a sandbox action, renders what it did and saves.
func (a *app) apply(act sim.Action) (sim.Result, error) {
	res, err := a.sim.Apply(act)
	if err != nil && !sim.IsLearnerError(err) {
		a.notice("The simulator failed: " + err.Error())
	}
	a.renderNew()
	a.save()
	return res, err
}

// leaveScenario returns to the free sandbox, keeping the state.
func (a *app) leaveScenario() {
	if a.runner == nil {
		return
	}
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("stepKind")
	a.seed = a.runner.Scenario.Seed
	a.runner, a.runnerSrc = nil, ""
	a.stopPlaying()
	a.byID("narration").SetAttribute("hidden", "")
	a.updateControls()
}

// typed handles a line from the terminal.
func (a *app) typed(line string) {
	a.leaveScenario()
	a.history.Add(line)
	if !a.sim.Connected() {
		if _, err := a.apply(sim.Action{Kind: sim.ActConnect}); err != nil {
			return
		}
	}
	a.apply(sim.Action{Kind: sim.ActSend, Line: line})
	// Outside tests wait on this count to know the answer is on screen.
	a.typedCount++
	a.doc.DocumentElement().Underlying().Get("dataset").Set("typed", strconv.Itoa(a.typedCount))
}

// startScenario loads a scenario and shows its first narration.
func (a *app) startScenario(src string) {
	r, err := a.newRunner(src)
	if err != nil {
		a.notice(scenarioNotice(err))
		return
	}
	a.stopPlaying()
	a.runner, a.runnerSrc = r, src
	a.predicted = false
	a.replaceSim(r.Sim)
	title := r.Scenario.Title
	if title == "" {
		title = "Scenario"
	}
	a.narrate(fmt.Sprintf("%s: %d steps. Press Step (N) or Play (Space).", title, len(r.Scenario.Steps)))
	a.updateControls()
}

// newRunner parses a scenario and readies it on a fresh simulation.
func (a *app) newRunner(src string) (*scenario.Runner, error) {
	sc, err := scenario.Parse(src)
	if err != nil {
		return nil, err
	}
	return scenario.NewRunner(sc, sim.Options{})
}

// scenarioNotice is the page's sentence for a scenario that cannot run.
func scenarioNotice(err error) string {
	var list scenario.ErrorList
	if errors.As(err, &list) {
		return "That scenario does not parse: " + strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	return "The scenario could not start: " + err.Error()
}

// step runs the next scenario step.
func (a *app) step() {
	if a.runner == nil || a.runner.Done() {
		a.stopPlaying()
		return
	}
	if a.predictPause() {
		a.updateControls()
		return
	}
	sr, err := a.runner.Next()
	// Presenter mode shows the panels this kind of step needs.
	a.doc.DocumentElement().Underlying().Get("dataset").Set("stepKind", sr.Step.Keyword())
	a.renderNew()
	note := sr.Step.Note
	if err != nil {
		var d *scenario.Divergence
		if errors.As(err, &d) {
			note = "The session went differently from the scenario at " + d.Error()
		} else {
			note = err.Error()
		}
		a.leaveScenario()
	} else if a.runner.Done() {
		note = strings.TrimSpace(note + "\n\nEnd of the scenario. Type commands to explore from here, or press Back.")
		a.stopPlaying()
	}
	if note != "" {
		a.narrate(note)
	}
	a.updateControls()
}

// back undoes the last action by replaying from the seed.
func (a *app) back() {
	a.stopPlaying()
	if a.runner != nil {
		done := a.runner.StepsDone()
		if done == 0 {
			return
		}
		r, err := a.newRunner(a.runnerSrc)
		if err != nil {
			a.notice(scenarioNotice(err))
			return
		}
		for i := 0; i < done-1; i++ {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		a.runner, a.predicted = r, false
		a.replaceSim(r.Sim)
		if done > 1 {
			a.narrate(r.Scenario.Steps[done-2].Note)
		}
		a.updateControls()
		return
	}
	seed, actions := a.seed, a.sim.Actions()
	switch {
	case len(actions) > 0:
		actions = actions[:len(actions)-1]
	case a.beforeReset != nil:
		seed, actions = a.beforeResetSeed, a.beforeReset
		a.beforeReset = nil
	default:
		return
	}
	s, err := a.newSim(seed, actions)
	if err != nil {
		a.notice("Could not step back: " + err.Error())
		return
	}
	a.seed = seed
	a.replaceSim(s)
	a.save()
}

// reset restores the sample state; Back undoes it (R is one key from B).
func (a *app) reset() {
	a.stopPlaying()
	if acts := a.sim.Actions(); len(acts) > 0 {
		a.beforeReset, a.beforeResetSeed = acts, a.seed
		if a.runner != nil {
			a.beforeResetSeed = a.runner.Scenario.Seed
		}
	}
	a.runner, a.runnerSrc = nil, ""
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("stepKind")
	s, err := a.newSim(defaultSeed, nil)
	if err != nil {
		a.notice(err.Error())
		return
	}
	a.seed = defaultSeed
	a.byID("narration").SetAttribute("hidden", "")
	a.replaceSim(s)
	a.save()
	if a.beforeReset != nil {
		a.notice("Back to the sample mailbox. Press Back (B) to undo the reset.")
	} else {
		a.byID("notice").SetAttribute("hidden", "")
	}
}

func (a *app) narrate(text string) {
	n := a.byID("narration")
	n.SetTextContent(text)
	n.RemoveAttribute("hidden")
	a.sendNotes(text)
}

// play steps the scenario on a timer until it ends or is paused.
func (a *app) togglePlay() {
	if a.runner == nil {
		return
	}
	if a.playing {
		a.stopPlaying()
		return
	}
	a.playing = true
	a.playGen++
	gen := a.playGen
	a.updateControls()
	interval := a.speed()
	go func() {
		for {
			time.Sleep(interval)
			done := make(chan bool, 1)
			a.post(func() {
				if !a.playing || a.playGen != gen {
					done <- false
					return
				}
				a.step()
				done <- a.playing
			})
			if !<-done {
				return
			}
		}
	}()
}

func (a *app) stopPlaying() {
	if a.playing {
		a.playing = false
		a.playGen++
		a.updateControls()
	}
}

func (a *app) speed() time.Duration {
	var ms int
	fmt.Sscan(value(a.byID("speed")), &ms)
	if ms <= 0 {
		ms = 1000
	}
	return time.Duration(ms) * time.Millisecond
}

// exportTranscript offers the transcript for download.
func (a *app) exportTranscript() {
	var b bytes.Buffer
	a.sim.Transcript(&b, checked(a.byID("mask-secrets")))
	a.download("pop3lab-transcript.txt", "text/plain;charset=utf-8", b.Bytes())
}

// exportPcap offers the capture for download.
func (a *app) exportPcap() {
	var b bytes.Buffer
	if err := a.sim.WritePcap(&b); err != nil {
		a.notice("The capture could not be written: " + err.Error())
		return
	}
	a.download("pop3lab.pcap", "application/vnd.tcpdump.pcap", b.Bytes())
}
