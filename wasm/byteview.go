//go:build js && wasm

package main

import (
	"fmt"
	"strconv"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
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
	toggle.AddEventListener("change", false, func(dom.Event) {
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
		a.byID(id).AddEventListener("click", false, func(dom.Event) { a.post(func() { a.stepByteView(delta) }) })
	}
	box.AddEventListener("mouseover", false, pick)
	box.AddEventListener("focusin", false, pick)
	box.AddEventListener("keydown", false, func(ev dom.Event) {
		move := map[string]func(){
			"ArrowRight": func() { theByteView.v.Move(1) }, "ArrowDown": func() { theByteView.v.Move(1) },
			"ArrowLeft": func() { theByteView.v.Move(-1) }, "ArrowUp": func() { theByteView.v.Move(-1) },
			"PageDown": func() { theByteView.v.MoveRecord(1) }, "PageUp": func() { theByteView.v.MoveRecord(-1) },
			"Home": func() { theByteView.v.Move(-len(theByteView.v.Leaves)) }, "End": func() { theByteView.v.Move(len(theByteView.v.Leaves)) },
		}[ev.Underlying().Get("key").String()]
		if move == nil || !theByteView.annotate {
			return
		}
		ev.PreventDefault()
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
	theByteView.v = view.NewByteView(e.Conn, theByteView.records(a.sim, e.Conn), view.SegmentIndex(a.sim.Events(0), e))
	a.byID("bytes-pane").RemoveAttribute("hidden")
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

// records brings the annotations of connection conn up to date.
func (p *byteViewPane) records(s *sim.Simulation, conn int) []annotate.Record {
	if p.sim != s {
		p.sim, p.conns = s, map[int]*connAnnotations{}
	}
	c := p.conns[conn]
	if c == nil {
		c = &connAnnotations{}
		p.conns[conn] = c
	}
	segs := s.Segments(conn)
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
	a.byID("bytes-where").SetTextContent(fmt.Sprintf("connection %d · segment %d · %d records", v.Conn, v.Segment, len(v.Records)))
	recs := theByteView.records(a.sim, v.Conn)
	_, hasPrev := view.NextSegment(recs, v.Segment, -1)
	_, hasNext := view.NextSegment(recs, v.Segment, 1)
	setDisabled(a.byID("bytes-prev"), !hasPrev)
	setDisabled(a.byID("bytes-next"), !hasNext)
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
		rec.AppendChild(a.el("div", head, "class", "b-head"))
		pres[i] = a.el("pre", "", "class", "b-bytes")
		rec.AppendChild(pres[i])
		box.AppendChild(rec)
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
			el.AppendChild(a.el("span", fmt.Sprintf(" … %d more bytes", l.Cut), "class", "meta"))
		}
		pres[l.Record].AppendChild(el)
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
		ex.AppendChild(a.el("p", line, "class", cls))
	}
}
