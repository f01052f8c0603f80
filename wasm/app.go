//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"strconv"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"pop3lab/lessons"
	"pop3lab/sim"
	"pop3lab/wasm/view"
)

// defaultSeed seeds the sandbox; a fixed seed makes a reload replay to the
// same state.
const defaultSeed = 1

// app is the page: the simulation and everything the panels show.
type app struct {
	doc   dom.Document
	queue chan func()
	ids   map[string]dom.Element // byID's elements

	sim  *sim.Simulation
	seed uint64

	// Scenario mode: a lab or a lesson's scenario steps the simulation.
	player   *view.Player
	explored bool // the learner acted in the lab: its steps cannot go on
	// narrationPanel is the pane the narration sits beside.
	narrationPanel string
	playing        bool
	playGen        int
	predicted      bool // predict mode asked about the next step
	presenter      bool
	notes          js.Value // BroadcastChannel to the speaker-notes window

	// The course: lessons, the one shown, the learner's progress and the
	// flashcard under review.
	course        []*lessons.Lesson
	currentLesson string
	introHTML     string // the shell's introduction, from index.html
	progress      *view.Progress
	reviewCard    string
	challenge     *challengeRun // the graded challenge under way, or nil
	// previews counts the editor's lesson previews, so that only the
	// latest answer shows; authorReady is set once the lesson renderer
	// answered one.
	previews    int
	authorReady bool
	// preview is the editor's lesson while the lesson pane shows it: its
	// quizzes, challenges and bytes blocks work as a course lesson's do,
	// and count nowhere in the learner's progress.
	preview *lessons.Lesson

	// What Back brings back beyond the last action: the sandbox before a
	// reset, the sandbox outside a lab.
	undo    view.Undo
	notices view.Notices

	typedCount  int  // lines handled from the terminal
	savePending bool // a save is scheduled
	liveLines   int  // lines in the classroom log

	store *store
	// storeOpening is the store restore started opening beside the replay
	// of a journal, until takeStore takes it into store.
	storeOpening *openingStore
	// unsaved: the sandbox changed while the store was still opening, so
	// it goes to the store as soon as the store is open.
	unsaved bool
	history view.History

	// Rendering state, rebuilt from the event log.
	rendered    int
	termConns   map[int]bool
	diagram     *view.Diagram
	drawnArrows int // arrows drawn: the N of the next one
	arrowFocus  int // the arrow that is the diagram's tab stop; -1: the newest
	hex         bool
	shownState  string            // the newest session state rendered from the log
	commitNote  string            // what UPDATE did, shown after the answer to QUIT
	kept        []byte            // a saved sandbox too long to replay, for download
	editorRun   *editorRunProblem // where running the editor's scenario failed
	serverSig   string            // what the server table shows, to skip rebuilding it
	localSig    string            // likewise for the local mailbox
	events      []sim.Event       // the log as rendered; events[i].Seq == i
	wire        *view.WireLog
	wireFilter  view.WireFilter
	wireLimit   int     // wire rows drawn before "show earlier"
	wireShown   int     // wire rows drawn
	wireHidden  int     // older rows behind "show earlier"
	term        tailLog // the terminal's lines
	report      tailLog // the mail client's report
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
	a.diagram = view.NewDiagram()
	a.drawnArrows, a.arrowFocus = 0, -1
	a.events, a.wire = nil, view.NewWireLog()
	a.wireLimit, a.wireShown, a.wireHidden = wirePage, 0, 0
	a.term = tailLog{keep: termKeep}
	a.report = tailLog{keep: reportKeep}
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
	a.leaveImportedDiagram()
	a.resetPanels()
	a.renderAll()
}

// restore opens the browser store and replays the saved sandbox, or
// starts the sample state. The journal, written synchronously after every
// action, is the newest copy; IndexedDB is read when there is none.
func (a *app) restore() {
	var msg string
	lasts := view.UntilAction
	seed, actions := uint64(defaultSeed), []sim.Action(nil)
	var saved []byte // the bytes the sandbox came from
	if b, ok := journalRead(); ok {
		var err error
		if seed, actions, err = view.Load(b); err == nil {
			saved = b
		} else {
			journalClear()
			seed, actions = defaultSeed, nil
		}
	}
	journaled := saved != nil
	// The journal is the newest sandbox (see journalKey): with one, the
	// page replays it and takes input while the browser opens its store,
	// which the page adopts after it is usable (adoptStore).
	//
	// Without one this is most likely a first visit, which starts from
	// the sample state unless the store holds a session. The page asks
	// the browser first whether its database exists at all: when it does
	// not (a first visit), there is nothing to wait for, and the store is
	// adopted after the page is usable, as with a journal. Otherwise the
	// page waits for the store. The sample is built meanwhile: the
	// browser's answers arrive only once the program waits for them, so
	// the two overlap instead of adding up.
	var storeExists func() bool
	if !journaled {
		storeExists = probeStore(time.Now().Add(storeAnswerLimit)) // asked before the store's open can create the database
	}
	a.storeOpening = startOpeningStore()
	var sample chan *sim.Simulation
	if !journaled {
		sample = make(chan *sim.Simulation, 1)
		spawn(func() {
			var s *sim.Simulation // nil: built again below, where a failure is reported
			defer func() { sample <- s }()
			if built, err := a.newSim(defaultSeed, nil); err == nil {
				s = built
			}
			mark("sample-built")
		})
		if storeExists() {
			msg, _ = a.takeStore(true)
		}
		mark("store-checked")
	}
	if saved == nil && a.store != nil {
		b, err := a.store.read(sessionFile)
		if err == nil && len(b) > 0 {
			seed, actions, err = view.Load(b)
			saved = b
		}
		if err != nil && !isNotExist(err) {
			msg = "Your saved session could not be read, so a fresh one was started."
			a.store.remove(sessionFile)
			seed, actions, saved = defaultSeed, nil, nil
		}
	}
	// A sandbox too long to replay (a hostile link saved, years of
	// practice) is kept aside for the learner to download, not replayed.
	if err := view.CheckBudget(actions); err != nil {
		a.kept = saved
		a.takeStore(true) // its sentence gives way to this one
		if a.store != nil {
			if werr := a.store.write(keptFile, saved); werr == nil {
				a.store.remove(sessionFile)
			}
		}
		journalClear()
		msg = fmt.Sprintf("Your saved session is too long to replay in this page (%d actions), so a fresh one was started. It is kept: download it with the button here.", len(actions))
		lasts = view.UntilDismissed
		seed, actions = defaultSeed, nil
	}
	var s, fresh *sim.Simulation
	var err error
	if sample != nil {
		fresh = <-sample
	}
	if fresh != nil && seed == defaultSeed && len(actions) == 0 {
		s = fresh
	} else {
		if fresh != nil {
			fresh.Close()
		}
		s, err = a.newSim(seed, actions)
	}
	if err != nil {
		a.takeStore(true) // its sentence gives way to this one
		msg = "Your saved session could not be replayed, so a fresh one was started."
		if a.store != nil {
			a.store.remove(sessionFile)
		}
		journalClear()
		seed = defaultSeed
		s, err = a.newSim(seed, nil)
		if err != nil {
			panic(err) // the sample state always builds
		}
	}
	a.sim, a.seed = s, seed
	if msg != "" {
		a.noticeFor(msg, lasts)
	}
	if !journaled && msg == "" {
		// The next visit starts from the journal, without waiting for
		// the store.
		a.journal()
	}
}

// storeAnswerLimit is how long the page waits for the browser to open its
// store. A store that has not answered by then (a broken IndexedDB, one
// that never calls back) is not used for the rest of the visit: the page
// works on without it, instead of waiting for ever.
const storeAnswerLimit = 10 * time.Second

// storeSilent is the sentence for a store that did not answer in time.
const storeSilent = "The browser's storage did not answer, so course progress from this visit will not be kept; the simulator and the lessons work on, and reloading the page tries the storage again."

// An openingStore is openStore at work on a goroutine of its own: once
// done is closed, store and msg hold its results.
type openingStore struct {
	done     chan struct{}
	deadline time.Time // waits for it end here (storeAnswerLimit)
	store    *store
	msg      string
}

// startOpeningStore starts opening the browser's store.
func startOpeningStore() *openingStore {
	o := &openingStore{done: make(chan struct{}), deadline: time.Now().Add(storeAnswerLimit)}
	spawn(func() {
		o.store, o.msg = openStore()
		mark("store-open")
		close(o.done)
	})
	return o
}

// wait blocks until o is done or its deadline has passed, and reports
// whether it is done; a nil o is done at once. It may run off the work
// queue.
func (o *openingStore) wait() bool {
	if o == nil {
		return true
	}
	select {
	case <-o.done:
	case <-time.After(time.Until(o.deadline)):
	}
	return o.answered()
}

// answered reports whether o is done, without waiting.
func (o *openingStore) answered() bool {
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// takeStore takes the store that restore started opening into a.store:
// waiting for it when wait is set (up to its deadline), else only if it
// is open already. It returns the store's sentence ("" when all went
// well) and whether it settled the store now. A store that has not
// answered by its deadline is settled as none, with storeSilent.
func (a *app) takeStore(wait bool) (string, bool) {
	o := a.storeOpening
	if o == nil {
		return "", false
	}
	done := o.answered()
	if !done && wait {
		done = o.wait()
	}
	if !done && !wait && time.Now().Before(o.deadline) {
		return "", false // still opening, and still in time
	}
	a.storeOpening = nil
	if !done {
		return storeSilent, true
	}
	a.store = o.store
	return o.msg, true
}

// adoptStore is takeStore, without waiting, once the page is usable: it
// also shows the store's sentence and saves the sandbox if it changed
// meanwhile. A store still silent after its deadline is given up here,
// with storeSilent.
func (a *app) adoptStore() {
	msg, took := a.takeStore(false)
	if !took {
		return
	}
	if msg != "" {
		a.notice(msg)
	}
	if a.unsaved {
		a.unsaved = false
		a.save()
	}
}

// saveDelay coalesces saves: IndexedDB writes take milliseconds, and an
// answer must be on screen before that.
const saveDelay = 100 * time.Millisecond

// save journals the sandbox at once and writes it to the browser store
// soon, once for a burst of actions. When IndexedDB has it, dataset.saved
// holds the number of actions it holds.
func (a *app) save() {
	if a.player != nil {
		return // a lab is not the sandbox
	}
	a.journal()
	if msg, took := a.takeStore(false); took && msg != "" {
		a.notice(msg)
	}
	if a.storeOpening != nil {
		a.unsaved = true // adoptStore saves it
		return
	}
	a.unsaved = false
	if a.store == nil || a.savePending {
		return
	}
	a.savePending = true
	spawn(func() {
		time.Sleep(saveDelay)
		a.post(a.saveNow)
	})
}

// journal writes the sandbox to the journal at once.
func (a *app) journal() {
	if b, err := view.Save(a.seed, a.sim.Actions()); err != nil || journalWrite(b) != nil {
		journalClear() // a stale journal must not win over IndexedDB
	}
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

// notice shows one sentence at the top of the page until the learner's
// next action.
func (a *app) notice(msg string) { a.noticeFor(msg, view.UntilAction) }

// noticeFor shows one sentence at the top of the page for as long as it
// stays true.
func (a *app) noticeFor(msg string, lasts view.Lifetime) {
	a.notices.Show(msg, lasts)
	a.showNotice()
}

// acted lets notices that the learner's action made stale go.
func (a *app) acted() {
	if a.notices.Acted() {
		a.showNotice()
	}
}

func (a *app) showNotice() {
	n, close, kept := a.byID("notice"), a.byID("notice-close"), a.byID("notice-download")
	if text, ok := a.notices.Current(); ok {
		n.SetTextContent(text)
		n.RemoveAttribute("hidden")
		close.RemoveAttribute("hidden")
		if a.kept != nil {
			kept.RemoveAttribute("hidden")
		}
		return
	}
	n.SetAttribute("hidden", "")
	close.SetAttribute("hidden", "")
	kept.SetAttribute("hidden", "")
}

// apply runs an action, renders what it did and saves the sandbox. In a
// lab, the learner explores the lab's simulation: the lab's steps stop
// and the sandbox outside it stays as it was.
func (a *app) apply(act sim.Action) (sim.Result, error) {
	a.acted()
	if a.player != nil && !a.explored {
		a.explored = true
		a.stopPlaying()
		a.showLab("You are exploring the lab's session. Back returns to its last step; Leave lab returns to your sandbox.", "")
	}
	res, err := a.sim.Apply(act)
	if err != nil && !sim.IsLearnerError(err) {
		a.notice("The simulator failed: " + err.Error())
	}
	a.renderNew()
	a.save()
	a.updateControls()
	return res, err
}

// typed handles a line from the terminal.
func (a *app) typed(line string) {
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

// play steps the scenario on a timer until it ends or is paused.
func (a *app) togglePlay() {
	if a.player == nil {
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
	spawn(func() {
		for {
			time.Sleep(interval)
			more := make(chan bool, 1)
			a.post(func() {
				still := false
				// Sent even if the step panics, so this loop ends.
				defer func() { more <- still }()
				if !a.playing || a.playGen != gen {
					return
				}
				a.step()
				still = a.playing && a.playGen == gen
			})
			if !<-more {
				return
			}
		}
	})
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
