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
	// skipWireBefore: segments of the current batch older than this Seq
	// are not drawn (the wire panel keeps the newest only).
	skipWireBefore int
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

// restore opens the browser store and replays the saved sandbox, or
// starts the sample state.
func (a *app) restore() {
	var msg string
	a.store, msg = openStore()
	var actions []sim.Action
	seed := uint64(defaultSeed)
	if a.store != nil {
		if b, err := a.store.read(sessionFile); err == nil && len(b) > 0 {
			if sd, acts, err := view.Load(b); err == nil {
				seed, actions = sd, acts
			} else {
				msg = "Your saved session could not be read, so a fresh one was started."
				a.store.remove(sessionFile)
			}
		} else if err != nil && !isNotExist(err) {
			msg = "Your saved session could not be read, so a fresh one was started."
			a.store.remove(sessionFile)
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
	if !a.sim.Snapshot().Connected {
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
	sc, err := scenario.Parse(src)
	if err != nil {
		a.notice("That scenario does not parse: " + strings.ReplaceAll(err.Error(), "\n", "; "))
		return
	}
	r, err := scenario.NewRunner(sc, sim.Options{})
	if err != nil {
		a.notice("The scenario could not start: " + err.Error())
		return
	}
	a.stopPlaying()
	a.runner, a.runnerSrc = r, src
	a.predicted = false
	a.sim = r.Sim
	a.resetPanels()
	a.renderAll()
	title := sc.Title
	if title == "" {
		title = "Scenario"
	}
	a.narrate(fmt.Sprintf("%s: %d steps. Press Step (N) or Play (Space).", title, len(sc.Steps)))
	a.updateControls()
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
	a.doc.DocumentElement().Underlying().Get("dataset").Set("stepKind", sr.Step.Kind.String())
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
		a.startScenario(a.runnerSrc)
		for i := 0; i < done-1; i++ {
			if _, err := a.runner.Next(); err != nil {
				break
			}
		}
		a.resetPanels()
		a.renderAll()
		if done > 1 {
			a.narrate(a.runner.Scenario.Steps[done-2].Note)
		}
		a.updateControls()
		return
	}
	if len(a.sim.Actions()) == 0 {
		if a.beforeReset != nil {
			s, err := a.newSim(a.beforeResetSeed, a.beforeReset)
			if err != nil {
				a.notice("Could not undo the reset: " + err.Error())
				return
			}
			a.sim.Close()
			a.sim, a.seed, a.beforeReset = s, a.beforeResetSeed, nil
			a.resetPanels()
			a.renderAll()
			a.save()
		}
		return
	}
	s, err := a.sim.Back()
	if err != nil {
		a.notice("Could not step back: " + err.Error())
		return
	}
	a.sim = s
	a.resetPanels()
	a.renderAll()
	a.save()
}

// reset restores the sample state and forgets the saved session.
func (a *app) reset() {
	a.stopPlaying()
	a.runner, a.runnerSrc = nil, ""
	a.seed = defaultSeed
	s, err := a.newSim(a.seed, nil)
	if err != nil {
		a.notice(err.Error())
		return
	}
	// Back undoes a reset: R is one key away from B.
	if acts := a.sim.Actions(); len(acts) > 0 && a.runner == nil {
		a.beforeReset = acts
		a.beforeResetSeed = a.seed
	}
	a.sim.Close()
	a.sim = s
	a.byID("narration").SetAttribute("hidden", "")
	a.resetPanels()
	a.renderAll()
	a.save()
	a.updateControls()
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
