//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"time"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/capture"
	"pop3lab/sim/eavesdrop"
	"pop3lab/wasm/view"
)

// compareColumns are the columns the side-by-side pane shows, drawn as
// each finishes.
var compareColumns []view.Column

// comparing is the comparison under way, or nil. Its columns run one at a
// time, piece by piece (view.ModeRun), each piece a task of the queue
// after a pause in which the browser draws and takes input; closing the
// pane stops it.
var comparing *compareRun

type compareRun struct {
	opts  sim.Options
	run   *view.ModeRun
	start time.Time
	user  string
	auth  string
}

// bindCompare wires the side-by-side pane: the wire pane's button runs
// it, each column opens its findings in the byte view, Close stops it.
func (a *app) bindCompare() {
	a.on("btn-compare", "click", a.startCompare)
	a.on("compare-close", "click", func() {
		a.stopCompare()
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

// startCompare shows the pane with a placeholder per column and starts
// the first column; a comparison already running is stopped first.
func (a *app) startCompare() {
	a.stopCompare()
	pane := a.byID("compare-pane")
	pane.RemoveAttribute("hidden")
	box := a.byID("compare-columns")
	clearChildren(box)
	compareColumns = nil
	for i, m := range view.SecurityModes {
		appendNode(box, a.comparePlaceholder(i, m))
	}
	st := a.sim.Settings()
	opts := sim.Options{Seed: a.seed, Settings: &st}
	comparing = &compareRun{opts: opts, run: view.NewModeRun(opts, view.SecurityModes[0]), start: time.Now(),
		user: st.Client.User, auth: st.Client.Auth.String()}
	a.compareStatus()
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("compared")
	pane.Underlying().Call("scrollIntoView")
	pane.Underlying().Call("focus")
	a.nextComparePiece(comparing)
}

// nextComparePiece runs the next piece of c after a pause that lets the
// browser draw, unless c was stopped meanwhile.
func (a *app) nextComparePiece(c *compareRun) {
	spawn(func() {
		time.Sleep(15 * time.Millisecond)
		a.post(func() {
			if comparing == c {
				a.comparePiece(c)
			}
		})
	})
}

// comparePiece runs one piece of the current column; a finished column
// replaces its placeholder and the next column starts.
func (a *app) comparePiece(c *compareRun) {
	done, err := c.run.Step()
	if err != nil {
		comparing = nil
		a.byID("compare-status").SetTextContent("The comparison could not run: " + err.Error())
		return
	}
	if !done {
		a.nextComparePiece(c)
		return
	}
	i := len(compareColumns)
	compareColumns = append(compareColumns, c.run.Column())
	if old := a.doc.GetElementByID("compare-col-" + strconv.Itoa(i)); old != nil {
		if art := old.Closest("article"); art != nil {
			a.byID("compare-columns").ReplaceChild(a.compareColumn(i, compareColumns[i]), art)
		}
	}
	if i+1 < len(view.SecurityModes) {
		c.run = view.NewModeRun(c.opts, view.SecurityModes[i+1])
		a.compareStatus()
		a.nextComparePiece(c)
		return
	}
	comparing = nil
	took := time.Since(c.start)
	a.byID("compare-status").SetTextContent(fmt.Sprintf("The mail client's Get mail with your settings (user %s, %s login), run in four fresh simulations in %.1f s. Your sandbox is unchanged.", c.user, c.auth, took.Seconds()))
	a.doc.DocumentElement().Underlying().Get("dataset").Set("compared", strconv.Itoa(int(took.Milliseconds())))
}

// compareStatus says which column is running.
func (a *app) compareStatus() {
	n := len(compareColumns)
	if h := a.doc.GetElementByID("compare-col-" + strconv.Itoa(n)); h != nil {
		if p := h.NextElementSibling(); p != nil {
			p.SetTextContent("Running Get mail…")
		}
	}
	a.byID("compare-status").SetTextContent(fmt.Sprintf("Running Get mail %d of %d: %s… Each column appears as it finishes; Close stops the comparison.", n+1, len(view.SecurityModes), view.SecurityModes[n].Name))
}

// stopCompare stops the comparison under way, if any: its pieces still
// queued find it stopped and do nothing.
func (a *app) stopCompare() {
	if comparing == nil {
		return
	}
	comparing.run.Close()
	comparing = nil
	if len(compareColumns) < len(view.SecurityModes) {
		a.byID("compare-status").SetTextContent(fmt.Sprintf("Stopped after %d of %d columns.", len(compareColumns), len(view.SecurityModes)))
	}
}

// comparePlaceholder stands for a column not run yet.
func (a *app) comparePlaceholder(i int, m view.SecurityMode) dom.Element {
	id := fmt.Sprintf("compare-col-%d", i)
	col := a.el("article", "", "class", "compare-col pending", "aria-labelledby", id, "aria-busy", "true")
	appendNode(col, a.el("h3", m.Name, "id", id))
	appendNode(col, a.el("p", "Waiting for its turn…", "class", "c-outcome"))
	return col
}

// compareFindings lists a column's findings in the order drawn.
func compareFindings(l eavesdrop.Learned) []struct {
	name string
	f    eavesdrop.Finding
} {
	return []struct {
		name string
		f    eavesdrop.Finding
	}{{"Password", l.Password}, {"User name", l.User}, {"Server name", l.ServerName}, {"Message sizes", l.Sizes}}
}

// compareColumn draws one mode: what the eavesdropper learns, each with
// a button to its bytes, and the wire by kind of record.
func (a *app) compareColumn(i int, c view.Column) dom.Element {
	id := fmt.Sprintf("compare-col-%d", i)
	col := a.el("article", "", "class", "compare-col", "aria-labelledby", id)
	appendNode(col, a.el("h3", c.Mode.Name, "id", id))
	appendNode(col, a.el("p", c.Outcome, "class", "c-outcome"))
	dl := a.el("dl", "", "aria-label", "What an eavesdropper learns")
	for j, x := range compareFindings(c.Learned) {
		appendNode(dl, a.el("dt", x.name))
		cls := "safe"
		text := x.f.Value
		if x.f.Seen {
			cls, text = "leak", "yes: "+x.f.Value
		}
		dd := a.el("dd", text, "class", cls)
		if x.f.Conn > 0 {
			appendNode(dd, a.el("br", ""))
			appendNode(dd, a.el("button", "in "+x.f.Where, "type", "button", "class", "linkish",
				"data-col", strconv.Itoa(i), "data-finding", strconv.Itoa(j),
				"aria-label", fmt.Sprintf("%s, %s: show the bytes, %s", c.Mode.Name, x.name, x.f.Where)))
		}
		appendNode(dl, dd)
	}
	appendNode(col, dl)
	table := a.el("table", "")
	appendNode(table, a.el("caption", "The wire, by kind of record"))
	head := a.el("tr", "")
	for _, h := range []string{"Direction", "Kind", "Records", "Bytes"} {
		cls := ""
		if h == "Records" || h == "Bytes" {
			cls = "num"
		}
		appendNode(head, a.el("th", h, "scope", "col", "class", cls))
	}
	thead := a.el("thead", "")
	appendNode(thead, head)
	appendNode(table, thead)
	body := a.el("tbody", "")
	for _, r := range c.Summary {
		tr := a.el("tr", "")
		appendNode(tr, a.el("td", r.Dir.String()))
		appendNode(tr, a.el("td", r.Kind))
		appendNode(tr, a.el("td", strconv.Itoa(r.Records), "class", "num"))
		appendNode(tr, a.el("td", strconv.Itoa(r.Bytes), "class", "num"))
		appendNode(body, tr)
	}
	appendNode(table, body)
	appendNode(col, table)
	appendNode(col, a.el("button", "Open in the byte view", "type", "button", "data-col", strconv.Itoa(i), "data-finding", "-1",
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
	var target eavesdrop.Finding
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
