//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim/wire"
	"pop3lab/wasm/view"
)

// The sequence diagram is a list of buttons, one per command or response
// (what keyboards and screen readers use), each drawn with a small SVG
// arrow between the client, wire and server lanes (what eyes use). Its
// model is view.Diagram; this file only renders it.

// laneX is where each lane sits in an arrow's 600-unit-wide SVG.
var laneX = map[view.Lane]int{view.LaneClient: 60, view.LaneWire: 300, view.LaneServer: 540}

// drawDiagram appends the arrows not drawn yet and removes the oldest
// beyond view.DiagramKeep, so adding one never redraws the others.
func (a *app) drawDiagram() {
	list := a.byID("sequence")
	arrows := a.diagram.Arrows()
	// Only the newest DiagramKeep stay: older new ones are not drawn.
	if len(arrows) > view.DiagramKeep {
		arrows = arrows[len(arrows)-view.DiagramKeep:]
	}
	for _, ar := range arrows {
		if ar.N < a.drawnArrows {
			continue
		}
		appendNode(list, a.arrowItem(ar))
		a.drawnArrows = ar.N + 1
	}
	for childCount(list) > view.DiagramKeep {
		list.RemoveChild(firstElement(list))
	}
	// One arrow is in the tab order (the newest, or the one last
	// opened); ↑ and ↓ move between them.
	if a.arrowFocus < 0 || a.arrowFocus < a.drawnArrows-view.DiagramKeep {
		if li := lastElement(list); li != nil {
			a.setArrowTabStop(firstElement(li))
		}
	}
	dropped := a.byID("sequence-dropped")
	if n := a.diagram.Dropped(); n > 0 {
		dropped.SetTextContent(fmt.Sprintf("Older commands and responses not drawn here: %d. The transcript and the pcap download have every one.", n))
		dropped.RemoveAttribute("hidden")
	} else {
		dropped.SetAttribute("hidden", "")
	}
}

// arrowItem draws one arrow.
func (a *app) arrowItem(ar view.Arrow) dom.Element {
	x1, x2 := laneX[ar.From()], laneX[ar.To()]
	cls := "arrow"
	if ar.Dir == wire.ServerToClient {
		cls += " s2c"
	} else {
		cls += " c2s"
	}
	if ar.TLS {
		cls += " tls"
	}
	if ar.Decrypted {
		cls += " decrypted"
	}
	if ar.Origin != wire.Sent {
		cls += " attacker"
	}
	if ar.Secret && !ar.TLS {
		cls += " secret"
	}
	li := a.el("li", "")
	btn := a.el("button", "", "type", "button", "class", cls, "data-arrow", strconv.Itoa(ar.N), "tabindex", "-1", "aria-label", ar.Name())
	svg := a.svg("svg", "class", "arrow-line", "aria-hidden", "true", "focusable", "false", "viewBox", "0 0 600 12", "preserveAspectRatio", "none")
	appendNode(svg, a.svg("line", "x1", strconv.Itoa(x1), "y1", "6", "x2", strconv.Itoa(x2), "y2", "6"))
	head := 14
	if x2 < x1 {
		head = -14
	}
	appendNode(svg, a.svg("polygon", "points", fmt.Sprintf("%d,6 %d,0 %d,12", x2, x2-head, x2-head)))
	appendNode(btn, svg)
	side := "from-left"
	if x2 < x1 {
		side = "from-right"
	}
	label := a.el("span", "", "class", "arrow-label "+side)
	if ar.TLS {
		appendNode(label, a.el("span", "🔒 ", "aria-hidden", "true", "class", "lock"))
	}
	appendText(label, ar.Label())
	appendNode(btn, label)
	appendNode(li, btn)
	return li
}

// setArrowTabStop makes b the one tab stop of its list (the simulation's
// diagram or an imported capture's).
func (a *app) setArrowTabStop(b dom.Element) {
	if b == nil {
		return
	}
	list := b.Closest("ol")
	if list == nil {
		return
	}
	for _, old := range queryAll(list, `button[tabindex="0"]`) {
		old.SetAttribute("tabindex", "-1")
	}
	b.SetAttribute("tabindex", "0")
	if n, err := strconv.Atoi(b.GetAttribute("data-arrow")); err == nil && list.ID() == "sequence" {
		a.arrowFocus = n
	}
}

// bindDiagram binds the simulation's diagram and the imported capture's.
func (a *app) bindDiagram() {
	a.bindArrowList(a.byID("sequence"), func(n int) {
		if ar, ok := a.diagram.Arrow(n); ok {
			a.showArrowBytes(ar)
		}
	})
	a.bindArrowList(a.byID("sequence-imported"), a.showImportedArrow)
	a.on("imported-back", "click", a.leaveImportedDiagram)
}

// bindArrowList opens an arrow's bytes (open takes its data-arrow) on
// click, Enter or Space, and moves between arrows with ↑, ↓, Home and End.
func (a *app) bindArrowList(list dom.Element, open func(n int)) {
	a.onActivateWithin(list, "button[data-arrow]", func(b dom.Element) {
		a.setArrowTabStop(b)
		if n, err := strconv.Atoi(b.GetAttribute("data-arrow")); err == nil {
			open(n)
		}
	})
	listen(list, "keydown", func(ev dom.Event) {
		cur := ev.Target().Closest("li")
		if cur == nil {
			return
		}
		var next dom.Element
		switch jsString(ev.Underlying().Get("key")) {
		case "ArrowDown":
			next = cur.NextElementSibling()
		case "ArrowUp":
			next = cur.PreviousElementSibling()
		case "Home":
			next = firstElement(list)
		case "End":
			next = lastElement(list)
		default:
			return
		}
		ev.PreventDefault()
		if next != nil {
			b := firstElement(next)
			a.setArrowTabStop(b)
			b.Underlying().Call("focus")
		}
	})
}

// showArrowBytes shows the segment that carried an arrow: text and hex.
func (a *app) showArrowBytes(ar view.Arrow) {
	out := a.byID("arrow-bytes")
	e, ok := a.diagram.Segment(ar)
	if !ok {
		out.SetTextContent(ar.Line + "\n(the bytes of this message are no longer kept; step back or reset to see them again)")
		return
	}
	a.openByteView(e)
	var b strings.Builder
	fmt.Fprintf(&b, "%s · connection %d · %s\n", ar.Label(), e.Conn, e.Text)
	switch e.Origin {
	case wire.Injected:
		b.WriteString("Injected by the attacker: the client never sent these bytes.\n")
	case wire.Rewritten:
		b.WriteString("Rewritten by the attacker: the client received these bytes, not what the server sent.\n")
	}
	if e.TLS {
		b.WriteString("Encrypted: an eavesdropper sees only these TLS bytes.\n")
	}
	b.WriteString(view.Hex(capBytes(e.Data)))
	out.SetTextContent(b.String())
}
