//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"time"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/capture"
	"pop3lab/wasm/view"
)

// compareColumns are the columns the side-by-side pane shows.
var compareColumns []view.Column

// bindCompare wires the side-by-side pane: the wire pane's button runs
// it, each column opens its findings in the byte view.
func (a *app) bindCompare() {
	a.on("btn-compare", "click", a.startCompare)
	a.on("compare-close", "click", func() {
		a.byID("compare-pane").SetAttribute("hidden", "")
		a.byID("btn-compare").Underlying().Call("focus")
	})
	a.onActivateWithin(a.byID("compare-columns"), "button[data-col]", func(el dom.Element) {
		col, err1 := strconv.Atoi(el.GetAttribute("data-col"))
		f, err2 := strconv.Atoi(el.GetAttribute("data-finding"))
		if err1 == nil && err2 == nil {
			a.openCompareFinding(col, f)
		}
	})
}

// startCompare shows the pane with a progress line, then runs the four
// simulations once the browser has drawn it.
func (a *app) startCompare() {
	pane := a.byID("compare-pane")
	pane.RemoveAttribute("hidden")
	a.byID("compare-status").SetTextContent("Running Get mail four times…")
	clearChildren(a.byID("compare-columns"))
	pane.Underlying().Call("scrollIntoView")
	pane.Underlying().Call("focus")
	spawn(func() {
		time.Sleep(20 * time.Millisecond)
		a.post(a.runCompare)
	})
}

// runCompare runs Get mail in each security mode from the sandbox's seed
// and settings, in fresh simulations, and draws the columns.
func (a *app) runCompare() {
	st := a.sim.Settings()
	start := time.Now()
	cols, err := view.Compare(sim.Options{Seed: a.seed, Settings: &st})
	status := a.byID("compare-status")
	if err != nil {
		status.SetTextContent("The comparison could not run: " + err.Error())
		return
	}
	compareColumns = cols
	took := time.Since(start)
	status.SetTextContent(fmt.Sprintf("The mail client's Get mail with your settings (user %s, %s login), run in four fresh simulations in %.1f s. Your sandbox is unchanged.", st.Client.User, st.Client.Auth, took.Seconds()))
	a.doc.DocumentElement().Underlying().Get("dataset").Set("compared", strconv.Itoa(int(took.Milliseconds())))
	box := a.byID("compare-columns")
	clearChildren(box)
	for i, c := range cols {
		box.AppendChild(a.compareColumn(i, c))
	}
}

// compareFindings lists a column's findings in the order drawn.
func compareFindings(l view.Learned) []struct {
	name string
	f    view.Finding
} {
	return []struct {
		name string
		f    view.Finding
	}{{"Password", l.Password}, {"User name", l.User}, {"Server name", l.ServerName}, {"Message sizes", l.Sizes}}
}

// compareColumn draws one mode: what the eavesdropper learns, each with
// a button to its bytes, and the wire by kind of record.
func (a *app) compareColumn(i int, c view.Column) dom.Element {
	id := fmt.Sprintf("compare-col-%d", i)
	col := a.el("article", "", "class", "compare-col", "aria-labelledby", id)
	col.AppendChild(a.el("h3", c.Mode.Name, "id", id))
	col.AppendChild(a.el("p", c.Outcome, "class", "c-outcome"))
	dl := a.el("dl", "", "aria-label", "What an eavesdropper learns")
	for j, x := range compareFindings(c.Learned) {
		dl.AppendChild(a.el("dt", x.name))
		cls := "safe"
		text := x.f.Value
		if x.f.Seen {
			cls, text = "leak", "yes: "+x.f.Value
		}
		dd := a.el("dd", text, "class", cls)
		if x.f.Conn > 0 {
			dd.AppendChild(a.el("br", ""))
			dd.AppendChild(a.el("button", "in "+x.f.Where, "type", "button", "class", "linkish",
				"data-col", strconv.Itoa(i), "data-finding", strconv.Itoa(j),
				"aria-label", fmt.Sprintf("%s, %s: show the bytes, %s", c.Mode.Name, x.name, x.f.Where)))
		}
		dl.AppendChild(dd)
	}
	col.AppendChild(dl)
	table := a.el("table", "")
	table.AppendChild(a.el("caption", "The wire, by kind of record"))
	head := a.el("tr", "")
	for _, h := range []string{"Direction", "Kind", "Records", "Bytes"} {
		cls := ""
		if h == "Records" || h == "Bytes" {
			cls = "num"
		}
		head.AppendChild(a.el("th", h, "scope", "col", "class", cls))
	}
	thead := a.el("thead", "")
	thead.AppendChild(head)
	table.AppendChild(thead)
	body := a.el("tbody", "")
	for _, r := range c.Summary {
		tr := a.el("tr", "")
		tr.AppendChild(a.el("td", r.Dir.String()))
		tr.AppendChild(a.el("td", r.Kind))
		tr.AppendChild(a.el("td", strconv.Itoa(r.Records), "class", "num"))
		tr.AppendChild(a.el("td", strconv.Itoa(r.Bytes), "class", "num"))
		body.AppendChild(tr)
	}
	table.AppendChild(body)
	col.AppendChild(table)
	col.AppendChild(a.el("button", "Open in the byte view", "type", "button", "data-col", strconv.Itoa(i), "data-finding", "-1",
		"aria-label", c.Mode.Name+": open the connection in the byte view"))
	return col
}

// openCompareFinding opens column col's connection in the byte view, at
// finding f's span (f -1: the first finding the column has, else the
// connection's first bytes). The byte view shows the column read-only.
func (a *app) openCompareFinding(col, f int) {
	if col < 0 || col >= len(compareColumns) {
		return
	}
	c := compareColumns[col]
	imp := &capture.Imported{}
	for _, segs := range c.Conns {
		imp.Conns = append(imp.Conns, capture.Conn{Segments: segs})
	}
	theByteView.imported, theByteView.conns = imp, nil
	theByteView.source = "side by side: " + c.Mode.Name + ", read-only"
	a.byID("bytes-error").SetTextContent("")
	var target view.Finding
	found := compareFindings(c.Learned)
	if f >= 0 && f < len(found) {
		target = found[f].f
	} else {
		for _, x := range found {
			if x.f.Conn > 0 {
				target = x.f
				break
			}
		}
	}
	if target.Conn == 0 {
		a.showConn(1)
	} else {
		a.openByteLink(view.ByteLink{Conn: target.Conn, Segment: target.Segment, Record: target.Record, Start: target.Start})
	}
	a.byID("bytes-pane").Underlying().Call("scrollIntoView")
}
