//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
	"pop3lab/sim/wording"
	"pop3lab/wasm/view"
)

// on adds a listener that posts fn to the work queue.
func (a *app) on(id, event string, fn func()) {
	listen(a.byID(id), event, func(dom.Event) { a.post(fn) })
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
	listen(container, "click", handle)
	listen(container, "keydown", func(ev dom.Event) {
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
	a.bindDiagram()
	a.bindWire()
	a.bindTabs()
	a.bindEditor()
	a.bindByteView()
	input := a.byID("terminal-input")
	listen(a.byID("terminal-form"), "submit", func(ev dom.Event) {
		ev.PreventDefault()
		line := value(input)
		setValue(input, "")
		a.post(func() { a.typed(line) })
	})
	listen(input, "keydown", func(ev dom.Event) {
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
	a.on("btn-getmail", "click", func() { a.apply(sim.Action{Kind: sim.ActGetMail}) })
	a.on("btn-preview", "click", func() { a.apply(sim.Action{Kind: sim.ActPreview}) })
	a.on("btn-leave-lab", "click", a.leaveLab)
	a.on("notice-close", "click", func() { a.notices.Dismiss(); a.showNotice() })
	a.on("notice-download", "click", func() {
		if a.kept != nil {
			a.download("pop3lab-saved-session.json", "application/json", a.kept)
		}
	})
	for _, id := range []string{"set-auth", "set-tls", "set-leave", "set-days", "set-device", "unsafe-stls"} {
		a.on(id, "change", a.settingsChanged)
	}
	a.on("attack-mode", "change", func() {
		a.apply(sim.Action{Kind: sim.ActAttack, Attack: sim.Attack(value(a.byID("attack-mode"))), Line: value(a.byID("attack-line"))})
	})
	a.on("btn-replay", "click", func() {
		a.apply(sim.Action{Kind: sim.ActAttack, Attack: sim.AttackReplayAPOP})
	})
	a.on("wire-hex", "change", func() {
		a.hex = checked(a.byID("wire-hex"))
		a.redrawWire()
	})

	// Keyboard shortcuts, never taking a key from the focused control.
	listen(a.doc, "keydown", func(ev dom.Event) {
		u := ev.Underlying()
		if u.Get("defaultPrevented").Bool() {
			return // a widget on the way (the byte view, the diagram) used the key
		}
		modified := u.Get("ctrlKey").Bool() || u.Get("metaKey").Bool() || u.Get("altKey").Bool()
		cmd := view.Shortcut(jsString(u.Get("key")), modified, focusOf(u.Get("target")))
		if cmd == view.CmdNone {
			return
		}
		ev.PreventDefault()
		switch cmd {
		case view.CmdStep:
			a.post(a.step)
		case view.CmdBack:
			a.post(a.back)
		case view.CmdPlay:
			a.post(a.togglePlay)
		case view.CmdPresenter:
			a.post(a.togglePresenter)
		case view.CmdReset:
			a.post(a.reset)
		case view.CmdTerminal:
			a.showTab("terminal") // on a phone the terminal may be another tab
			input.Underlying().Call("focus")
		}
	})
}

// focusOf describes a focused element for view.Shortcut. Any node may be
// the target (an SVG element, the document itself), so every property is
// read by its JavaScript type, never assumed.
func focusOf(el js.Value) view.Focus {
	if el.Type() != js.TypeObject {
		return view.Focus{}
	}
	f := view.Focus{
		Tag:      strings.ToLower(jsString(el.Get("tagName"))),
		Type:     strings.ToLower(jsString(el.Get("type"))),
		Editable: jsBool(el.Get("isContentEditable")),
	}
	if el.Get("getAttribute").Type() == js.TypeFunction {
		f.Role = jsString(el.Call("getAttribute", "role"))
		f.Href = jsString(el.Call("getAttribute", "href")) != ""
	}
	if f.Role == "" && f.Tag == "tr" {
		f.Role = "row"
	}
	switch {
	case f.Role == "log" || f.Role == "region":
		f.Scrollable = true
	case f.Role == "" && (f.Tag == "pre" || f.Tag == "ol" || f.Tag == "ul" || f.Tag == "div" || f.Tag == "section"):
		f.Scrollable = true // a focusable region: the keys scroll it
	}
	return f
}

// jsString is v as a Go string when it is a JavaScript string, else "".
func jsString(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// jsBool is v as a Go bool when it is a JavaScript boolean, else false.
func jsBool(v js.Value) bool { return v.Type() == js.TypeBoolean && v.Bool() }

// settingsChanged applies the mail-client and server settings form.
func (a *app) settingsChanged() {
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
		{"leave-on-server", wording.OnOff(leave)},
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

// renderLabs lists the built-in labs with a Run button each. It runs once,
// after the page is usable.
func (a *app) renderLabs() {
	list := a.byID("labs")
	if list.HasChildNodes() {
		return
	}
	for _, lab := range scenario.Labs() {
		li := a.el("li", "")
		appendNode(li, a.el("h3", lab.Title))
		appendNode(li, a.el("p", lab.Summary))
		btn := a.el("button", "Run lab", "type", "button", "data-lab", lab.Name, "aria-label", "Run lab: "+lab.Title)
		src := lab.Source
		listen(btn, "click", func(dom.Event) { a.post(func() { a.startScenario(src) }) })
		appendNode(li, btn)
		appendNode(list, li)
	}
	if a.player != nil {
		a.markRunningLab(a.player.Source) // a shared link started it first
	}
}
