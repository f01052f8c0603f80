//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"pop3lab/sim"
	"pop3lab/sim/feed"
	"pop3lab/sim/server"
)

// startClassroom asks the server whether it runs a classroom; if it does,
// the page shows the real sessions live in the classroom pane and the
// sequence diagram. Runs on the main goroutine: the fetch answers through
// callbacks that only post work.
func (a *app) startClassroom() {
	fetch := js.Global().Get("fetch")
	if !fetch.Truthy() || !js.Global().Get("EventSource").Truthy() {
		return
	}
	var onResp, onJSON, onFail js.Func
	onFail = jsFunc(func([]js.Value) any { return nil })
	onJSON = jsFunc(func(args []js.Value) any {
		info := js.Global().Get("JSON").Call("stringify", args[0]).String()
		a.post(func() { a.openClassroom(info) })
		return nil
	})
	onResp = jsFunc(func(args []js.Value) any {
		if !args[0].Get("ok").Bool() {
			return nil
		}
		return args[0].Call("json").Call("then", onJSON, onFail)
	})
	fetch.Invoke(feed.InfoPath, map[string]any{"cache": "no-store"}).Call("then", onResp, onFail)
}

// openClassroom shows the classroom pane and subscribes to the events.
func (a *app) openClassroom(infoJSON string) {
	var info feed.Info
	if json.Unmarshal([]byte(infoJSON), &info) != nil || info.POP3 == "" {
		return
	}
	pane := a.byID("classroom-pane")
	pane.RemoveAttribute("hidden")
	a.byID("classroom-info").SetTextContent(fmt.Sprintf("%d student accounts. Students connect to POP3 at %s (STLS offered) or POP3S at %s. Passwords are masked.", info.Students, info.POP3, info.POP3S))
	es := js.Global().Get("EventSource").New(feed.EventsPath)
	es.Set("onmessage", jsFunc(func(args []js.Value) any {
		data := args[0].Get("data").String()
		a.post(func() { a.liveEvent(data) })
		return nil
	}))
}

// liveEvent renders one event of a real session.
func (a *app) liveEvent(data string) {
	var e feed.Event
	if json.Unmarshal([]byte(data), &e) != nil {
		return
	}
	who := e.User
	if who == "" {
		who = e.Remote
	}
	prefix := fmt.Sprintf("[%s #%d] ", who, e.Session)
	log := a.byID("classroom-log")
	var line, cls string
	switch e.Kind {
	case server.EventConnect:
		line, cls = prefix+"connected from "+e.Remote, "sys"
	case server.EventCommand:
		line, cls = prefix+"C: "+e.Line, "c"
	case server.EventResponse:
		line, cls = prefix+"S: "+e.Line, "s"
	case server.EventTLS:
		line, cls = prefix+"-- "+e.Note, "sys"
	case server.EventState:
		line, cls = prefix+"-- state "+e.State, "sys"
	case server.EventClose:
		line, cls = prefix+"-- closed: "+e.Note, "sys"
	case server.EventDiscard:
		line, cls = prefix+"-- "+e.Note, "sys"
	default:
		return
	}
	if e.TLS && (e.Kind == server.EventCommand || e.Kind == server.EventResponse) {
		line += "   [inside TLS]"
	}
	appendNode(log, a.el("div", line, "class", cls))
	a.liveLines++
	for ; a.liveLines > 500; a.liveLines-- {
		log.RemoveChild(log.FirstChild())
	}
	scrollToEnd(log)
	if e.Kind == server.EventCommand || e.Kind == server.EventResponse {
		kind := sim.EvCommand
		if e.Kind == server.EventResponse {
			kind = sim.EvResponse
		}
		a.diagram.Add(sim.Event{Kind: kind, Text: prefix + e.Line, Conn: int(e.Session), TLS: e.TLS})
		a.drawDiagram()
	}
}
