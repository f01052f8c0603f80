//go:build js && wasm

package main

import (
	"fmt"
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
	if len(a.arrows) > maxArrows*2 {
		// Keep memory bounded; indexes in pendingRsp shift with it.
		drop := len(a.arrows) - maxArrows
		a.arrows = a.arrows[drop:]
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

// drawDiagram draws the newest arrows as an SVG sequence diagram.
func (a *app) drawDiagram() {
	svg := a.byID("sequence")
	clearChildren(svg)
	shown := a.arrows
	if len(shown) > maxArrows {
		shown = shown[len(shown)-maxArrows:]
	}
	height := headH + rowH*len(shown) + 16
	svg.SetAttribute("viewBox", fmt.Sprintf("0 0 %d %d", diagramW, height))
	svg.SetAttribute("height", strconv.Itoa(height))
	for _, l := range []struct {
		x    int
		name string
	}{{laneClient, "client"}, {laneWire, "wire (eavesdropper)"}, {laneServer, "server"}} {
		svg.AppendChild(a.svg("line", "class", "lane", "x1", strconv.Itoa(l.x), "y1", "28", "x2", strconv.Itoa(l.x), "y2", strconv.Itoa(height)))
		t := a.svg("text", "class", "lane-label", "x", strconv.Itoa(l.x), "y", "18")
		t.SetTextContent(l.name)
		svg.AppendChild(t)
	}
	for i, ar := range shown {
		y := headH + rowH*i + rowH/2
		x1, x2, cls := laneClient, laneServer, "arrow c2s"
		if ar.dir == wire.ServerToClient {
			x1, x2, cls = laneServer, laneClient, "arrow s2c"
		}
		if ar.tls {
			cls += " tls"
		}
		what := "command"
		if ar.dir == wire.ServerToClient {
			what = "response"
		}
		enc := "in plaintext"
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
		arc := ar
		a.onActivate(g, func() { a.showArrowBytes(arc) })
		svg.AppendChild(g)
	}
}

// showArrowBytes shows the segment that carried an arrow: text and hex.
func (a *app) showArrowBytes(ar arrow) {
	out := a.byID("arrow-bytes")
	e, ok := a.segEvents[ar.segSeq]
	if !ok {
		out.SetTextContent(ar.label + "\n(the bytes of this message are no longer kept; step back or reset to see them again)")
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s · connection %d · %s\n", ar.label, e.Conn, e.Text)
	if e.TLS {
		b.WriteString("Encrypted: an eavesdropper sees only these TLS bytes.\n")
	}
	b.WriteString(view.Hex(capBytes(e.Data)))
	out.SetTextContent(b.String())
}
