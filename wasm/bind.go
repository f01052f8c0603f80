//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
	"pop3lab/wasm/view"
)

// on adds a listener that posts fn to the work queue.
func (a *app) on(id, event string, fn func()) {
	a.byID(id).AddEventListener(event, false, func(dom.Event) { a.post(fn) })
}

// onActivateWithin handles clicks, Enter and Space on elements matching
// selector inside container with one listener (rows and arrows come and
// go; their handlers must not pile up).
func (a *app) onActivateWithin(container dom.Element, selector string, fn func(dom.Element)) {
	handle := func(ev dom.Event) {
		if el := ev.Target().Closest(selector); el != nil && container.Contains(el) {
			a.post(func() { fn(el) })
		}
	}
	container.AddEventListener("click", false, handle)
	container.AddEventListener("keydown", false, func(ev dom.Event) {
		key := ev.Underlying().Get("key").String()
		if key == "Enter" || key == " " {
			if el := ev.Target().Closest(selector); el != nil && container.Contains(el) {
				ev.PreventDefault()
				a.post(func() { fn(el) })
			}
		}
	})
}

// bind connects the page's controls.
func (a *app) bind() {
	a.bindTables()
	a.onActivateWithin(a.byID("sequence"), "g.arrow", func(g dom.Element) {
		if n, err := strconv.Atoi(g.GetAttribute("data-arrow")); err == nil {
			if ar, ok := a.arrowAt(n); ok {
				a.showArrowBytes(ar)
			}
		}
	})
	input := a.byID("terminal-input")
	a.byID("terminal-form").AddEventListener("submit", false, func(ev dom.Event) {
		ev.PreventDefault()
		line := value(input)
		setValue(input, "")
		a.post(func() { a.typed(line) })
	})
	input.AddEventListener("keydown", false, func(ev dom.Event) {
		switch ev.Underlying().Get("key").String() {
		case "ArrowUp":
			ev.PreventDefault()
			a.post(func() {
				if l, ok := a.history.Up(); ok {
					setValue(input, l)
				}
			})
		case "ArrowDown":
			ev.PreventDefault()
			a.post(func() {
				if l, ok := a.history.Down(); ok {
					setValue(input, l)
				}
			})
		case "Tab":
			if strings.Contains(value(input), " ") || value(input) == "" {
				return // leave Tab to move focus
			}
			ev.PreventDefault()
			a.post(func() {
				snap := a.sim.Snapshot()
				state := snap.State
				if !snap.Connected {
					state = ""
				}
				line, cands := view.Complete(value(input), state, snap.TLS)
				setValue(input, line)
				if len(cands) > 0 {
					a.byID("terminal-hint").SetTextContent("Matches: " + strings.Join(cands, " "))
				}
			})
		}
	})

	a.on("btn-step", "click", a.step)
	a.on("btn-back", "click", a.back)
	a.on("btn-play", "click", a.togglePlay)
	a.on("btn-reset", "click", a.reset)
	a.on("btn-transcript", "click", a.exportTranscript)
	a.on("btn-presenter", "click", a.togglePresenter)
	a.on("btn-share", "click", a.share)
	a.on("btn-notes", "click", a.openNotes)
	a.on("editor-source", "input", a.editorInput)
	a.on("editor-run", "click", func() { a.startScenario(value(a.byID("editor-source"))) })
	a.on("editor-share", "click", func() { a.shareLink(view.Shared{Scenario: value(a.byID("editor-source"))}) })
	a.on("btn-pcap", "click", a.exportPcap)
	a.on("btn-getmail", "click", func() { a.leaveScenario(); a.apply(sim.Action{Kind: sim.ActGetMail}) })
	a.on("btn-preview", "click", func() { a.leaveScenario(); a.apply(sim.Action{Kind: sim.ActPreview}) })
	for _, id := range []string{"set-auth", "set-tls", "set-leave", "set-days", "set-device", "unsafe-stls"} {
		a.on(id, "change", a.settingsChanged)
	}
	a.on("attack-mode", "change", func() {
		a.leaveScenario()
		a.apply(sim.Action{Kind: sim.ActAttack, Attack: sim.Attack(value(a.byID("attack-mode"))), Line: value(a.byID("attack-line"))})
	})
	a.on("btn-replay", "click", func() {
		a.leaveScenario()
		a.apply(sim.Action{Kind: sim.ActAttack, Attack: sim.AttackReplayAPOP})
	})
	a.on("wire-hex", "change", func() {
		a.hex = checked(a.byID("wire-hex"))
		a.resetPanels()
		a.renderAll()
	})

	// Keyboard shortcuts, outside text fields.
	a.doc.AddEventListener("keydown", false, func(ev dom.Event) {
		u := ev.Underlying()
		if u.Get("ctrlKey").Bool() || u.Get("metaKey").Bool() || u.Get("altKey").Bool() {
			return
		}
		if typing(u.Get("target")) {
			return
		}
		switch u.Get("key").String() {
		case "n", "ArrowRight":
			a.post(a.step)
		case "b", "ArrowLeft":
			a.post(a.back)
		case " ":
			ev.PreventDefault()
			a.post(a.togglePlay)
		case "p", "P":
			a.post(a.togglePresenter)
		case "PageDown":
			ev.PreventDefault()
			a.post(a.step)
		case "PageUp":
			ev.PreventDefault()
			a.post(a.back)
		case "r":
			a.post(a.reset)
		case "/":
			ev.PreventDefault()
			input.Underlying().Call("focus")
		default:
			return
		}
	})
}

// typing reports whether an element takes text, where keys are the
// learner's and not shortcuts: text fields, selects and editable content
// (a checkbox or a button does not).
func typing(el js.Value) bool {
	if !el.Truthy() || el.Get("tagName").IsUndefined() {
		return false
	}
	switch strings.ToLower(el.Get("tagName").String()) {
	case "textarea", "select":
		return true
	case "input":
		switch strings.ToLower(el.Get("type").String()) {
		case "checkbox", "radio", "button", "submit", "reset", "range", "color":
			return false
		}
		return true
	}
	return el.Get("isContentEditable").Bool()
}

// settingsChanged applies the mail-client and server settings form.
func (a *app) settingsChanged() {
	a.leaveScenario()
	st := a.sim.Settings()
	var days int
	if n, err := strconv.Atoi(value(a.byID("set-days"))); err == nil && n >= 0 {
		days = n
	}
	leave := checked(a.byID("set-leave"))
	if !leave {
		days = 0 // deleting after N days only applies when leaving mail on the server
	}
	for _, kv := range [][2]string{
		{"auth", value(a.byID("set-auth"))},
		{"tls", value(a.byID("set-tls"))},
		{"leave-on-server", onOff(leave)},
		{"delete-after-days", strconv.Itoa(days)},
		{"device", value(a.byID("set-device"))},
	} {
		if err := st.Set("client", kv[0], kv[1]); err != nil {
			a.notice(err.Error())
			return
		}
	}
	st.Server.UnsafeSTLS = checked(a.byID("unsafe-stls"))
	a.apply(sim.Action{Kind: sim.ActSettings, Settings: st})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// renderLabs lists the built-in labs with a Run button each.
func (a *app) renderLabs() {
	list := a.byID("labs")
	if list.HasChildNodes() {
		return
	}
	for _, lab := range scenario.Labs() {
		li := a.el("li", "")
		li.AppendChild(a.el("h3", lab.Title))
		li.AppendChild(a.el("p", lab.Summary))
		btn := a.el("button", "Run lab", "type", "button", "data-lab", lab.Name, "aria-label", "Run lab: "+lab.Title)
		src := lab.Source
		btn.AddEventListener("click", false, func(dom.Event) { a.post(func() { a.startScenario(src) }) })
		li.AppendChild(btn)
		list.AppendChild(li)
	}
}
