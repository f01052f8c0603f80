//go:build js && wasm

// Command wasm is pop3lab's browser app: it runs the simulation (sim) in
// the page and renders its event log and snapshot into the panels of the
// static shell (web/index.html). It is the only code that touches the DOM.
//
// JavaScript event callbacks never do the work themselves: they post it to
// one queue that a single goroutine drains, so no callback ever blocks
// (blocking there would deadlock the whole program) and the simulation is
// only ever touched from one goroutine.
package main

import (
	"fmt"
	"runtime/debug"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"pop3lab/lessons"
	"pop3lab/sim/secure"
)

func main() {
	start := time.Now()
	mark("start")
	gcAfterStart := startupGC()
	tlsLayer := newBridgeLayer()
	if tlsLayer != nil {
		secure.Register(tlsLayer)
	}
	a := newApp()
	a.restore()
	mark("restored")
	a.bind()
	mark("bound")
	a.renderAll()
	mark("rendered")
	// The labs and the editor's check are in place before the page takes
	// input (about 10 ms): arriving later, they would move what is below
	// them.
	a.renderLabs()
	a.openShared()
	a.startClassroom()
	a.enable(true)
	a.editorInput()
	mark("ready")
	html := a.doc.DocumentElement()
	html.Underlying().Get("dataset").Set("ready", "true")
	html.Underlying().Get("dataset").Set("startupMs", fmt.Sprint(time.Since(start).Milliseconds()))
	hideLoading(a.doc)
	// What the first screen does not need comes after it, one piece per
	// turn of the browser's event loop, so the page paints and takes
	// input in between; input that arrives meanwhile goes first.
	var course []*lessons.Lesson
	var courseErr error
	opening := a.storeOpening // read here: the fetch below runs off the queue
	a.afterStart(
		// The download waits off the queue: input is answered meanwhile.
		// The course's progress is in the store: both are in before it
		// runs.
		startStep{
			fetch: func() {
				course, courseErr = siteCourse()
				opening.wait() // at most until its deadline: adoptStore then goes on without it
			},
			run: func() {
				a.adoptStore()
				a.loadCourse(course, courseErr)
			},
		},
		startStep{run: func() {
			if tlsLayer != nil {
				tlsLayer.warm()
			}
		}},
		startStep{run: gcAfterStart},
		// The course is in place.
		startStep{run: func() { html.Underlying().Get("dataset").Set("settled", "true") }},
	)
	for work := range a.queue {
		guard(work)
	}
}

// mark puts "pop3lab-main-" + name on the page's performance timeline,
// so that a profile of the start-up shows where main's time goes.
func mark(name string) {
	if p := js.Global().Get("performance"); p.Truthy() && p.Get("mark").Truthy() {
		p.Call("mark", "pop3lab-main-"+name)
	}
}

func hideLoading(doc dom.Document) {
	if l := doc.GetElementByID("loading"); l != nil {
		l.SetAttribute("hidden", "")
	}
}

// post queues work from a JavaScript callback. It never blocks: if the
// queue is full (a stuck simulation), the input is dropped with a notice.
func (a *app) post(work func()) {
	select {
	case a.queue <- work:
	default:
		spawn(func() { a.notice("The simulator is busy; that input was dropped.") })
	}
}

// afterStart runs steps on the work queue one after the other, each after
// the browser has had a turn of its event loop: it painted, and the work
// that input posted meanwhile ran before the next step.
func (a *app) afterStart(steps ...startStep) {
	spawn(func() {
		for _, step := range steps {
			if step.fetch != nil {
				step.fetch()
			}
			yieldToBrowser()
			done := make(chan struct{})
			// A goroutine may wait for room in the queue; a callback may not.
			a.queue <- func() {
				defer close(done)
				step.run()
			}
			<-done
		}
	})
}

// A startStep is a piece of afterStart's work. Its fetch, if any, runs on
// afterStart's own goroutine and may block there (a download), so that
// the work queue answers input meanwhile; run then runs on the queue.
type startStep struct {
	fetch, run func()
}

// yieldToBrowser blocks its goroutine until the browser has painted a
// frame and then run the tasks waiting behind it; in a tab that paints
// nothing (hidden), 100 ms at most.
func yieldToBrowser() {
	painted := make(chan struct{}, 2)
	onFrame := make(chan struct{}, 1)
	once := func(c chan struct{}) js.Func {
		var f js.Func
		f = jsFunc(func([]js.Value) any {
			f.Release()
			select {
			case c <- struct{}{}:
			default:
			}
			return nil
		})
		return f
	}
	js.Global().Call("requestAnimationFrame", once(painted))
	js.Global().Call("setTimeout", once(painted), 100)
	<-painted
	// A task queued now runs after the frame and the input behind it.
	js.Global().Call("setTimeout", once(onFrame), 0)
	<-onFrame
}

// startupGC turns the garbage collector off while the page starts (the
// start-up allocates a few tens of MB that mostly stay, and collecting
// them on the way costs more than the work), bounded by a memory limit,
// and returns the function that puts the usual policy back.
func startupGC() func() {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(startupMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// startupMemoryLimit is where the garbage collector runs all the same
// during start-up (a long saved session replays then).
const startupMemoryLimit = 256 << 20
