//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/capture"
	"pop3lab/sim/wire"
	"pop3lab/wasm/view"
)

// byteViewPane is the annotated byte view: the records of the segment an
// arrow opened, every leaf span focusable, its explanation beside.
type byteViewPane struct {
	v        view.ByteView
	annotate bool
	leaves   []dom.Element // by leaf index, as drawn
	// Annotations are computed incrementally per connection and kept
	// until the simulation changes.
	sim   *sim.Simulation
	conns map[int]*connAnnotations
	// imported, when set, is the capture the view shows instead of the
	// simulation: read-only, it changes nothing else on the page.
	imported *capture.Imported
	// source says what imported holds, ahead of the place shown.
	source string
}

// connAnnotations are the records of one connection so far.
type connAnnotations struct {
	a   annotate.Annotator
	fed int // segments given to a
	rec []annotate.Record
}

// theByteView is the page's one byte view.
var theByteView = &byteViewPane{annotate: true}

// bindByteView wires the byte view's controls: the annotate toggle, and
// hover, focus and keys on the spans (one delegated listener each).
func (a *app) bindByteView() {
	box := a.byID("bytes-record")
	toggle := a.byID("bytes-annotate")
	listen(toggle, "change", func(dom.Event) {
		a.post(func() {
			theByteView.annotate = checked(toggle)
			a.drawByteView()
		})
	})
	pick := func(ev dom.Event) {
		if el := ev.Target().Closest(".b-leaf"); el != nil && box.Contains(el) {
			if i, err := strconv.Atoi(el.GetAttribute("data-leaf")); err == nil {
				a.post(func() { a.byteCursor(i, false) })
			}
		}
	}
	for id, delta := range map[string]int{"bytes-prev": -1, "bytes-next": 1} {
		listen(a.byID(id), "click", func(dom.Event) { a.post(func() { a.stepByteView(delta) }) })
	}
	listen(a.byID("bytes-pcapng"), "click", func(dom.Event) { a.post(a.exportPcapng) })
	listen(a.byID("bytes-link"), "click", func(dom.Event) { a.post(a.linkToSpan) })
	file := a.byID("bytes-import")
	listen(file, "change", func(dom.Event) { a.readCapture(file) })
	conn := a.byID("bytes-conn")
	listen(conn, "change", func(dom.Event) {
		a.post(func() {
			if n, err := strconv.Atoi(value(conn)); err == nil {
				a.showConn(n)
			}
		})
	})
	a.bindCompare()
	listen(box, "mouseover", pick)
	listen(box, "focusin", pick)
	listen(box, "keydown", func(ev dom.Event) {
		move := map[string]func(){
			"ArrowRight": func() { theByteView.v.Move(1) }, "ArrowDown": func() { theByteView.v.Move(1) },
			"ArrowLeft": func() { theByteView.v.Move(-1) }, "ArrowUp": func() { theByteView.v.Move(-1) },
			"PageDown": func() { theByteView.v.MoveRecord(1) }, "PageUp": func() { theByteView.v.MoveRecord(-1) },
			"Home": func() { theByteView.v.Move(-len(theByteView.v.Leaves)) }, "End": func() { theByteView.v.Move(len(theByteView.v.Leaves)) },
		}[ev.Underlying().Get("key").String()]
		if move == nil || !theByteView.annotate {
			return
		}
		// The page's shortcuts use the same keys to step the player:
		// inside the byte view they move the cursor only.
		ev.PreventDefault()
		ev.StopPropagation()
		a.post(func() {
			move()
			a.byteCursor(theByteView.v.Cursor, true)
		})
	})
}

// openByteView shows the records of the segment event e in the byte view.
func (a *app) openByteView(e sim.Event) {
	if e.Kind != sim.EvSegment {
		return
	}
	if theByteView.imported != nil {
		// Back to the simulation from an imported capture.
		theByteView.imported, theByteView.sim = nil, nil
	}
	theByteView.v = view.NewByteView(e.Conn, theByteView.records(a.sim, e.Conn), view.SegmentIndex(a.sim.Events(0), e))
	a.drawByteView()
}

// stepByteView opens the segment before (delta -1) or after (1) the one
// shown, on the same connection.
func (a *app) stepByteView(delta int) {
	v := theByteView.v
	recs := theByteView.records(a.sim, v.Conn)
	if seg, ok := view.NextSegment(recs, v.Segment, delta); ok {
		theByteView.v = view.NewByteView(v.Conn, recs, seg)
		a.drawByteView()
	}
}

// records brings the annotations of connection conn up to date, from
// the imported capture or else the simulation.
func (p *byteViewPane) records(s *sim.Simulation, conn int) []annotate.Record {
	if p.sim != s || p.conns == nil {
		p.sim, p.conns = s, map[int]*connAnnotations{}
	}
	c := p.conns[conn]
	if c == nil {
		c = &connAnnotations{}
		p.conns[conn] = c
	}
	var segs []wire.Segment
	switch {
	case p.imported != nil && conn >= 1 && conn <= len(p.imported.Conns):
		segs = p.imported.Conns[conn-1].Segments
	case p.imported == nil:
		segs = s.Segments(conn)
	}
	for ; c.fed < len(segs); c.fed++ {
		c.rec = append(c.rec, c.a.Add(segs[c.fed])...)
	}
	return c.rec
}

// drawByteView draws the records of the view, leaf by leaf.
func (a *app) drawByteView() {
	v := theByteView.v
	box := a.byID("bytes-record")
	clearChildren(box)
	theByteView.leaves = theByteView.leaves[:0]
	cls := "bytes-record"
	if !theByteView.annotate {
		cls += " plain"
	}
	box.SetAttribute("class", cls)
	where := fmt.Sprintf("connection %d · segment %d · %d records", v.Conn, v.Segment, len(v.Records))
	if theByteView.imported != nil {
		where = theByteView.source + " · " + where
	}
	a.byID("bytes-where").SetTextContent(where)
	a.fillConnChoice()
	recs := theByteView.records(a.sim, v.Conn)
	_, hasPrev := view.NextSegment(recs, v.Segment, -1)
	_, hasNext := view.NextSegment(recs, v.Segment, 1)
	setDisabled(a.byID("bytes-prev"), !hasPrev)
	setDisabled(a.byID("bytes-next"), !hasNext)
	// A link replays the session: it can name the simulation's bytes
	// only, not an imported capture's.
	setDisabled(a.byID("bytes-link"), theByteView.imported != nil || len(v.Leaves) == 0)
	pres := make([]dom.Element, len(v.Records))
	for i, r := range v.Records {
		rec := a.el("div", "", "class", "b-rec")
		head := fmt.Sprintf("#%d %s · %s", r.Index, r.Dir, r.Span.Label)
		if len(r.Segments) > 1 {
			head += fmt.Sprintf(" · in %d segments", len(r.Segments))
		}
		if r.Origin != wire.Sent {
			rec.SetAttribute("class", "b-rec attacker")
			head += " · " + r.Origin.String() + " by the attacker"
		}
		appendNode(rec, a.el("div", head, "class", "b-head"))
		pres[i] = a.el("pre", "", "class", "b-bytes")
		appendNode(rec, pres[i])
		appendNode(box, rec)
	}
	for i, l := range v.Leaves {
		s := l.Span()
		cls := "b-leaf"
		if s.Secret {
			cls += " secret"
		}
		text := l.Text
		if s.Len() == 0 {
			text, cls = "∅", cls+" empty"
		}
		el := a.el("span", text, "class", cls, "data-leaf", strconv.Itoa(i), "tabindex", "-1", "title", s.Label)
		if l.Cut > 0 {
			appendNode(el, a.el("span", fmt.Sprintf(" … %d more bytes", l.Cut), "class", "meta"))
		}
		appendNode(pres[l.Record], el)
		theByteView.leaves = append(theByteView.leaves, el)
	}
	a.byteCursor(v.Cursor, false)
}

// byteCursor puts the cursor on leaf i: it is highlighted, with the
// leaves of the same field, takes the tab stop, and is explained.
func (a *app) byteCursor(i int, focus bool) {
	v := &theByteView.v
	if i < 0 || i >= len(v.Leaves) || i >= len(theByteView.leaves) {
		a.byID("bytes-explain").SetTextContent("")
		return
	}
	v.Cursor = i
	parent := func(l view.Leaf) annotate.Span {
		if len(l.Path) < 2 {
			return l.Span()
		}
		return l.Path[len(l.Path)-2]
	}
	cur := v.Leaves[i]
	for j, el := range theByteView.leaves {
		l := v.Leaves[j]
		el.Class().Remove("current")
		el.Class().Remove("group")
		el.SetAttribute("tabindex", "-1")
		if l.Record == cur.Record && len(l.Path) == len(cur.Path) && parent(l).Start == parent(cur).Start && parent(l).End == parent(cur).End && parent(l).Label == parent(cur).Label {
			el.Class().Add("group")
		}
	}
	el := theByteView.leaves[i]
	el.Class().Add("current")
	el.SetAttribute("tabindex", "0")
	if focus {
		el.Underlying().Call("focus")
	}
	ex := a.byID("bytes-explain")
	clearChildren(ex)
	if !theByteView.annotate {
		return
	}
	for k, line := range v.Explain(i) {
		cls := "b-note"
		switch k {
		case 0:
			cls = "b-where"
		case 1:
			cls = "b-path"
		}
		appendNode(ex, a.el("p", line, "class", cls))
	}
}

// fillConnChoice lists the connections the view can show.
func (a *app) fillConnChoice() {
	sel := a.byID("bytes-conn")
	clearChildren(sel)
	var labels []string
	if imp := theByteView.imported; imp != nil {
		for i, c := range imp.Conns {
			l := fmt.Sprintf("%v → %v", c.Config.Client, c.Config.Server)
			if !c.Config.Server.IsValid() {
				l = fmt.Sprintf("connection %d, %d segments", i+1, len(c.Segments))
			}
			labels = append(labels, l)
		}
	} else if a.sim != nil {
		for i := 1; i <= a.sim.LastConn(); i++ {
			segs := a.sim.Segments(i)
			labels = append(labels, fmt.Sprintf("connection %d, %d segments", i, len(segs)))
		}
	}
	for i, l := range labels {
		opt := a.el("option", l, "value", strconv.Itoa(i+1))
		if i+1 == theByteView.v.Conn {
			opt.SetAttribute("selected", "")
		}
		appendNode(sel, opt)
	}
}

// showConn shows the first segment with bytes of connection conn.
func (a *app) showConn(conn int) {
	recs := theByteView.records(a.sim, conn)
	seg, ok := view.NextSegment(recs, 0, 1)
	if !ok {
		seg = 0
	}
	theByteView.v = view.NewByteView(conn, recs, seg)
	a.drawByteView()
}

// exportPcapng offers the simulation's capture with its TLS keys.
func (a *app) exportPcapng() {
	if a.sim == nil {
		return
	}
	var b bytes.Buffer
	if err := a.sim.WritePcapng(&b); err != nil {
		a.notice("The capture could not be written: " + err.Error())
		return
	}
	a.download("pop3lab.pcapng", "application/x-pcapng", b.Bytes())
}

// readCapture reads the file chosen in input and shows it in the byte
// view. A file that is not a POP3 capture gets one sentence; nothing else
// changes.
func (a *app) readCapture(input dom.Element) {
	files := input.Underlying().Get("files")
	if files.Length() == 0 {
		return
	}
	var onData, onFail js.Func
	release := func() { onData.Release(); onFail.Release() }
	onData = jsFunc(func(args []js.Value) any {
		u8 := js.Global().Get("Uint8Array").New(args[0])
		b := make([]byte, u8.Length())
		js.CopyBytesToGo(b, u8)
		release()
		a.post(func() { a.showImport(b) })
		return nil
	})
	onFail = jsFunc(func([]js.Value) any {
		release()
		a.post(func() { a.importError("the file could not be read") })
		return nil
	})
	files.Index(0).Call("arrayBuffer").Call("then", onData, onFail)
}

// showImport shows an imported capture, or says in one sentence why not.
func (a *app) showImport(b []byte) {
	imp, err := capture.Import(b)
	if err != nil {
		a.importError(err.Error())
		return
	}
	a.byID("bytes-error").SetTextContent("")
	theByteView.imported, theByteView.conns = imp, nil
	theByteView.source = "imported capture, read-only"
	a.showConn(1)
	a.showImportedDiagram(imp)
}

func (a *app) importError(why string) {
	a.byID("bytes-error").SetTextContent("This file cannot be shown: " + why + ".")
}

// openByteLink opens the byte view at the span link names, in the
// simulation or the source the view shows, focused and explained; a link
// to a span the view does not hold opens its segment's first span.
func (a *app) openByteLink(link view.ByteLink) {
	recs := theByteView.records(a.sim, link.Conn)
	theByteView.v = view.NewByteView(link.Conn, recs, link.Segment)
	if i, ok := theByteView.v.Locate(link); ok {
		theByteView.v.Cursor = i
	}
	a.drawByteView()
	a.byteCursor(theByteView.v.Cursor, true)
}

// linkToSpan puts a share link in the address bar that replays the
// session and opens the byte view at the span under the cursor.
func (a *app) linkToSpan() {
	link, ok := theByteView.v.Link()
	if !ok || theByteView.imported != nil {
		return
	}
	sh := a.sharedNow()
	sh.Bytes = &link
	a.shareLink(sh)
}

// openSharedBytes opens the byte view at the span a share link names,
// if it names one the replayed session has.
func (a *app) openSharedBytes(link *view.ByteLink) {
	if link == nil || a.sim == nil || link.Conn > a.sim.LastConn() {
		return
	}
	theByteView.imported = nil
	a.openByteLink(*link)
	a.byID("bytes-pane").Underlying().Call("scrollIntoView")
}
