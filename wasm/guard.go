//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// This file is the one door from JavaScript into Go. Every event listener,
// every js.Func and every goroutine the page starts goes through guard, so
// that a panic anywhere (a property a node does not have, a bug in a view)
// becomes a notice and the page stays usable: no input can stop the
// program. A test (guard_lint_test.go) keeps the other files from calling
// AddEventListener, js.FuncOf or go directly.

// guard runs fn, turning a panic into a notice.
func guard(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			failed(r)
		}
	}()
	fn()
}

// recovered counts the panics guard turned into notices; tests read it
// as dataset.recovered.
var recovered int

// failed reports a recovered panic. It must not panic itself: it touches
// the page through plain js calls, never through byID.
func failed(r any) {
	recovered++
	msg := fmt.Sprintf("Something went wrong inside the simulator (%v). Your work is kept; press Reset if the panels look wrong.", r)
	defer func() { _ = recover() }()
	js.Global().Get("console").Call("warn", "pop3lab: "+msg)
	doc := js.Global().Get("document")
	doc.Get("documentElement").Get("dataset").Set("recovered", fmt.Sprint(recovered))
	if n := doc.Call("getElementById", "notice"); n.Truthy() {
		n.Set("textContent", msg)
		n.Call("removeAttribute", "hidden")
	}
}

// listen adds an event listener whose callback runs under guard. The
// callback runs inside the browser's event dispatch: it may read the event
// and call preventDefault, and must hand any real work to the queue.
func listen(target dom.EventTarget, event string, fn func(dom.Event)) {
	target.AddEventListener(event, false, func(ev dom.Event) {
		guard(func() { fn(ev) })
	})
}

// jsFunc wraps fn as a JavaScript function that runs under guard.
func jsFunc(fn func(args []js.Value) any) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) (out any) {
		guard(func() { out = fn(args) })
		return out
	})
}

// spawn starts a goroutine under guard.
func spawn(fn func()) {
	go guard(fn)
}
