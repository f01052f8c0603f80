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
	"time"

	"honnef.co/go/js/dom/v2"
)

func main() {
	a := newApp()
	start := time.Now()
	a.restore()
	a.bind()
	a.renderAll()
	a.openShared()
	a.startClassroom()
	a.enable(true)
	html := a.doc.DocumentElement()
	html.Underlying().Get("dataset").Set("ready", "true")
	html.Underlying().Get("dataset").Set("startupMs", fmt.Sprint(time.Since(start).Milliseconds()))
	hideLoading(a.doc)
	a.post(a.loadCourse)
	a.post(a.editorInput)
	for work := range a.queue {
		guard(work)
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
