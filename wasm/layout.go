//go:build js && wasm

package main

import "honnef.co/go/js/dom/v2"

// The phone layout shows one panel at a time, chosen in the tab bar; the
// lab player switches to the panel its narration is about. On wider
// screens the tabs are hidden and every pane shows.

// tabPanes are the panes each tab shows.
var tabPanes = map[string][]string{
	"lesson":   {"lesson-pane", "labs-pane", "classroom-pane"},
	"terminal": {"terminal-pane"},
	"server":   {"server-pane", "client-pane"},
	"wire":     {"wire-pane"},
	"sequence": {"diagram-pane", "bytes-pane"},
}

// paneTab is the tab that shows the pane a narration is about.
var paneTab = map[string]string{
	"lesson": "lesson", "labs": "lesson", "terminal": "terminal", "server": "server",
	"client": "server", "wire": "wire", "diagram": "sequence",
}

// showTab makes tab the panel the phone layout shows.
func (a *app) showTab(tab string) {
	panes, ok := tabPanes[tab]
	if !ok {
		return
	}
	a.doc.DocumentElement().Underlying().Get("dataset").Set("tab", tab)
	for _, b := range queryAll(a.byID("tabbar"), "button[data-tab]") {
		if b.GetAttribute("data-tab") == tab {
			b.SetAttribute("aria-current", "true")
		} else {
			b.RemoveAttribute("aria-current")
		}
	}
	for _, p := range queryAll(a.byID("main"), ".layout > .pane") {
		p.Class().Remove("tab-active")
	}
	for _, id := range panes {
		if p := element(a.doc.Underlying().Call("getElementById", id)); p != nil {
			p.Class().Add("tab-active")
		}
	}
}

// showPane shows the pane ("terminal", "client", ...) on a phone.
func (a *app) showPane(pane string) {
	if tab, ok := paneTab[pane]; ok {
		a.showTab(tab)
	}
}

// bindTabs switches panels from the tab bar.
func (a *app) bindTabs() {
	a.onActivateWithin(a.byID("tabbar"), "button[data-tab]", func(b dom.Element) {
		a.showTab(b.GetAttribute("data-tab"))
	})
	a.showTab("lesson")
}
