//go:build js && wasm

package main

import (
	"fmt"

	"honnef.co/go/js/dom/v2"
	"strconv"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/wire"
	"pop3lab/wasm/view"
)

// arrow is one command or response in the sequence diagram.
type arrow struct {
	dir    wire.Dir
	label  string
	conn   int
	tls    bool
	segSeq int // the segment that carried it, -1 until known
}

// Lane positions of the diagram: client, wire, server.
const (
	laneClient = 60
	laneWire   = 250
	laneServer = 440
	diagramW   = 500
	rowH       = 30
	headH      = 44
)

// addArrow records a command (client to server) or a response.
func (a *app) addArrow(e sim.Event, dir wire.Dir) {
	label := e.Text
	for i := len(e.Secrets) - 1; i >= 0; i-- {
		s := e.Secrets[i]
		if s.Start >= 0 && s.End <= len(label) && s.Start < s.End {
			label = label[:s.Start] + "••••••" + label[s.End:]
		}
	}
	if len(label) > 46 {
		label = label[:45] + "…"
	}
	ar := arrow{dir: dir, label: label, conn: e.Conn, tls: e.TLS, segSeq: -1}
	if dir == wire.ClientToServer {
		if seg, ok := a.lastSent[e.Conn]; ok {
			ar.segSeq = seg.Seq
			a.segEvents[seg.Seq] = seg
		}
	}
	a.arrows = append(a.arrows, ar)
	if dir == wire.ServerToClient {
		a.pendingRsp[e.Conn] = append(a.pendingRsp[e.Conn], len(a.arrows)-1)
	}
	if len(a.arrows) > maxArrows*4 && a.drawn >= len(a.arrows)-1 {
		// Keep memory bounded: forget arrows long scrolled away.
		drop := len(a.arrows) - 2*maxArrows
		a.arrows = a.arrows[drop:]
		a.arrowBase += drop
		a.drawn -= drop
		for c, idx := range a.pendingRsp {
			var kept []int
			for _, i := range idx {
				if i-drop >= 0 {
					kept = append(kept, i-drop)
				}
			}
			a.pendingRsp[c] = kept
		}
	}
}

// bindSegment remembers the newest segment a client sent on each
// connection (the next command's bytes) and gives responses waiting for
// their bytes this server segment.
func (a *app) bindSegment(e sim.Event) {
	if e.SegmentKind != wire.Data {
		return
	}
	if e.Dir == wire.ClientToServer {
		a.lastSent[e.Conn] = e
		return
	}
	waiting := a.pendingRsp[e.Conn]
	if len(waiting) == 0 {
		return
	}
	for _, i := range waiting {
		if i < len(a.arrows) {
			a.arrows[i].segSeq = e.Seq
		}
	}
	a.segEvents[e.Seq] = e
	delete(a.pendingRsp, e.Conn)
	// Forget segments no arrow points to any more.
	if len(a.segEvents) > 2*maxArrows {
		keep := map[int]bool{}
		for _, ar := range a.arrows {
			keep[ar.segSeq] = true
		}
		for seq := range a.segEvents {
			if !keep[seq] {
				delete(a.segEvents, seq)
			}
		}
	}
}

// drawDiagram adds the arrows not drawn yet to the SVG sequence diagram.
// Arrows sit at fixed rows in a group that slides up as old ones are
// removed, so adding one never redraws the others.
func (a *app) drawDiagram() {
	svg := a.byID("sequence")
	if a.arrowLayer == nil {
		clearChildren(svg)
		for _, l := range []struct {
			x    int
			name string
		}{{laneClient, "client"}, {laneWire, "wire (eavesdropper)"}, {laneServer, "server"}} {
			svg.AppendChild(a.svg("line", "class", "lane", "x1", strconv.Itoa(l.x), "y1", "28", "x2", strconv.Itoa(l.x), "y2", "100%"))
			t := a.svg("text", "class", "lane-label", "x", strconv.Itoa(l.x), "y", "18")
			t.SetTextContent(l.name)
			svg.AppendChild(t)
		}
		a.arrowLayer = a.svg("g", "class", "arrows")
		svg.AppendChild(a.arrowLayer)
		a.drawn, a.shown = 0, 0
	}
	for ; a.drawn < len(a.arrows); a.drawn++ {
		abs := a.arrowBase + a.drawn
		g := a.arrowGroup(a.arrows[a.drawn], abs)
		g.SetAttribute("data-arrow", strconv.Itoa(abs))
		a.arrowLayer.AppendChild(g)
		a.shown++
	}
	for ; a.shown > maxArrows; a.shown-- {
		a.arrowLayer.RemoveChild(a.arrowLayer.FirstChild())
	}
	first := a.arrowBase + a.drawn - a.shown
	a.arrowLayer.SetAttribute("transform", fmt.Sprintf("translate(0,%d)", -rowH*first))
	height := headH + rowH*a.shown + 16
	svg.SetAttribute("viewBox", fmt.Sprintf("0 0 %d %d", diagramW, height))
	svg.SetAttribute("height", strconv.Itoa(height))
}

// arrowAt returns the arrow with an absolute number, if still kept.
func (a *app) arrowAt(abs int) (arrow, bool) {
	i := abs - a.arrowBase
	if i < 0 || i >= len(a.arrows) {
		return arrow{}, false
	}
	return a.arrows[i], true
}

// arrowGroup draws one arrow in row i.
func (a *app) arrowGroup(ar arrow, i int) dom.Element {
	y := headH + rowH*i + rowH/2
	x1, x2, cls := laneClient, laneServer, "arrow c2s"
	if ar.dir == wire.ServerToClient {
		x1, x2, cls = laneServer, laneClient, "arrow s2c"
	}
	if ar.tls {
		cls += " tls"
	}
	what, enc := "command", "in plaintext"
	if ar.dir == wire.ServerToClient {
		what = "response"
	}
	if ar.tls {
		enc = "inside TLS"
	}
	g := a.svg("g", "class", cls, "tabindex", "0", "role", "button",
		"aria-label", fmt.Sprintf("%s %s on connection %d, %s: show its bytes", what, ar.label, ar.conn, enc))
	g.AppendChild(a.svg("line", "x1", strconv.Itoa(x1), "y1", strconv.Itoa(y), "x2", strconv.Itoa(x2), "y2", strconv.Itoa(y)))
	head := 8
	if x2 < x1 {
		head = -8
	}
	g.AppendChild(a.svg("polygon", "points", fmt.Sprintf("%d,%d %d,%d %d,%d", x2, y, x2-head, y-5, x2-head, y+5)))
	text := a.svg("text", "x", strconv.Itoa(min(x1, x2)+10), "y", strconv.Itoa(y-5))
	label := ar.label
	if ar.tls {
		label = "[TLS] " + label
	}
	text.SetTextContent(label)
	g.AppendChild(text)
	title := a.svg("title")
	title.SetTextContent(ar.label)
	g.AppendChild(title)
	return g
}

// showArrowBytes shows the segment that carried an arrow: text and hex.
func (a *app) showArrowBytes(ar arrow) {
	out := a.byID("arrow-bytes")
	e, ok := a.segEvents[ar.segSeq]
	if !ok {
		out.SetTextContent(ar.label + "\n(the bytes of this message are no longer kept; step back or reset to see them again)")
		return
	}
	a.openByteView(e)
	var b strings.Builder
	fmt.Fprintf(&b, "%s · connection %d · %s\n", ar.label, e.Conn, e.Text)
	if e.TLS {
		b.WriteString("Encrypted: an eavesdropper sees only these TLS bytes.\n")
	}
	b.WriteString(view.Hex(capBytes(e.Data)))
	out.SetTextContent(b.String())
}
