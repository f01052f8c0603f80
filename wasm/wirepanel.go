//go:build js && wasm

package main

import (
	"fmt"
	"strconv"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim/wire"
	"pop3lab/wasm/view"
)

// The wire panel renders view.WireLog: every segment, long bodies
// collapsed into one row that expands, filtered by connection, direction
// and content. Only the rows the model changed are redrawn.

// groupPage is how many segments an expanded run shows per click.
const groupPage = 100

// syncWire redraws the wire rows changed since the last call.
func (a *app) syncWire() {
	a.syncWireConns()
	from := a.wire.Changed()
	list := a.byID("wire-log")
	// Remove the items of changed rows (they are at the end).
	removed := -1
	for {
		last := lastElement(list)
		if last == nil {
			break
		}
		n, err := strconv.Atoi(last.GetAttribute("data-row"))
		if err != nil || n < from {
			break
		}
		list.RemoveChild(last)
		if n != removed { // a row may be several items
			removed = n
			a.wireShown--
		}
	}
	rows := a.wire.Rows()
	// Rows that the limit below would remove at once are not drawn: they
	// go behind "show earlier" straight away.
	skip := -a.wireLimit
	for i := from; i < len(rows); i++ {
		if a.wireFilter.Keeps(rows[i]) {
			skip++
		}
	}
	for i := from; i < len(rows); i++ {
		if !a.wireFilter.Keeps(rows[i]) {
			continue
		}
		if skip > 0 {
			skip--
			a.wireHidden++
			continue
		}
		a.appendWireRow(list, i, rows[i])
	}
	// Keep the panel light: the oldest rows beyond the limit go behind
	// one button that says how many there are.
	for a.wireShown > a.wireLimit {
		first := firstElement(list)
		if first == nil {
			break
		}
		row := first.GetAttribute("data-row")
		for el := first; el != nil && el.GetAttribute("data-row") == row; el = firstElement(list) {
			list.RemoveChild(el)
		}
		a.wireShown--
		a.wireHidden++
	}
	a.showEarlier()
	scrollToEnd(list)
}

// showEarlier offers the rows behind "show earlier", if there are any.
func (a *app) showEarlier() {
	more := a.byID("wire-earlier")
	if a.wireHidden == 0 {
		more.SetAttribute("hidden", "")
		return
	}
	more.SetTextContent(fmt.Sprintf("Show %s earlier %s", view.Thousands(a.wireHidden), rowsWord(a.wireHidden)))
	more.RemoveAttribute("hidden")
}

func rowsWord(n int) string {
	if n == 1 {
		return "row"
	}
	return "rows"
}

// redrawWire draws the wire panel afresh: after a filter change, the hex
// switch, or "show earlier".
func (a *app) redrawWire() {
	clearChildren(a.byID("wire-log"))
	rows := a.wire.Rows()
	a.wireShown = 0
	kept := 0
	for _, r := range rows {
		if a.wireFilter.Keeps(r) {
			kept++
		}
	}
	a.wireHidden = max(0, kept-a.wireLimit)
	a.wire.Changed() // everything is drawn below
	list := a.byID("wire-log")
	skip := a.wireHidden
	for i, r := range rows {
		if !a.wireFilter.Keeps(r) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		a.appendWireRow(list, i, r)
	}
	a.showEarlier()
	a.byID("wire-count").SetTextContent(a.wireCountText(kept, len(rows)))
}

func (a *app) wireCountText(kept, total int) string {
	if kept == total {
		return ""
	}
	return fmt.Sprintf("%s of %s rows match the filter.", view.Thousands(kept), view.Thousands(total))
}

// appendWireRow draws row i: its segments, one collapsed run, or the
// attacker's action.
func (a *app) appendWireRow(list dom.Element, i int, r view.WireRow) {
	a.wireShown++
	id := strconv.Itoa(i)
	switch {
	case r.Attack:
		li := a.el("li", "attacker: "+a.events[r.Seqs[0]].Text, "class", "attack", "data-row", id)
		appendNode(list, li)
	case r.Grouped():
		appendNode(list, a.groupItem(i, r))
	default:
		for _, seq := range r.Seqs {
			li := a.segmentItem(a.events[seq])
			li.SetAttribute("data-row", id)
			appendNode(list, li)
		}
	}
}

// groupItem draws a collapsed run: its summary, the first segment, and a
// button that shows the others.
func (a *app) groupItem(i int, r view.WireRow) dom.Element {
	dir, arrow := "c2s", "client → server"
	if r.Dir == wire.ServerToClient {
		dir, arrow = "s2c", "server → client"
	}
	li := a.el("li", "", "class", dir+" group", "data-row", strconv.Itoa(i))
	enc := "plaintext"
	if r.TLS {
		enc = "TLS"
	}
	appendNode(li, a.el("span", fmt.Sprintf("conn %d · %s · %s · %s", r.Conn, arrow, r.Summary(), enc), "class", "meta"))
	first := a.segmentItem(a.events[r.Seqs[0]])
	first.SetAttribute("class", first.GetAttribute("class")+" first")
	inner := a.el("ol", "", "class", "group-segments")
	appendNode(inner, first)
	appendNode(li, inner)
	btn := a.el("button", fmt.Sprintf("Show the other %s segments", view.Thousands(len(r.Seqs)-1)), "type", "button", "class", "group-more", "data-group", strconv.Itoa(i), "aria-expanded", "false")
	appendNode(li, btn)
	return li
}

// expandGroup shows the next page of a collapsed run's segments.
func (a *app) expandGroup(btn dom.Element) {
	i, err := strconv.Atoi(btn.GetAttribute("data-group"))
	rows := a.wire.Rows()
	if err != nil || i < 0 || i >= len(rows) {
		return
	}
	r := rows[i]
	inner := btn.ParentElement().QuerySelector("ol.group-segments")
	shown := childCount(inner)
	end := min(len(r.Seqs), shown+groupPage)
	for _, seq := range r.Seqs[shown:end] {
		appendNode(inner, a.segmentItem(a.events[seq]))
	}
	btn.SetAttribute("aria-expanded", "true")
	if end == len(r.Seqs) {
		btn.SetAttribute("hidden", "")
		return
	}
	btn.SetTextContent(fmt.Sprintf("Show %s more of %s segments", view.Thousands(min(groupPage, len(r.Seqs)-end)), view.Thousands(len(r.Seqs))))
}

// syncWireConns offers each connection seen in the connection filter.
func (a *app) syncWireConns() {
	sel := a.byID("wire-conn")
	conns := a.wire.Conns()
	for n := childCount(sel) - 1; n < len(conns); n++ {
		c := strconv.Itoa(conns[n])
		appendNode(sel, a.el("option", "connection "+c, "value", c))
	}
}

// bindWire connects the filters, the run buttons and "show earlier".
func (a *app) bindWire() {
	for _, id := range []string{"wire-conn", "wire-dir", "wire-only"} {
		a.on(id, "change", func() {
			n, _ := strconv.Atoi(value(a.byID("wire-conn")))
			a.wireFilter = view.WireFilter{Conn: n, Dir: value(a.byID("wire-dir")), Only: value(a.byID("wire-only"))}
			a.wireLimit = wirePage
			a.redrawWire()
		})
	}
	a.on("wire-earlier", "click", func() {
		a.wireLimit += wirePage
		a.redrawWire()
	})
	a.onActivateWithin(a.byID("wire-log"), "button.group-more", a.expandGroup)
}
