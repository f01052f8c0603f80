package view

import (
	"fmt"

	"pop3lab/sim"
	"pop3lab/sim/wire"
)

// DiagramKeep is how many arrows the sequence diagram keeps; older ones
// are counted (Dropped) and the page says so. The transcript and the pcap
// have them all.
const DiagramKeep = 200

// Arrow is one command or response in the sequence diagram.
type Arrow struct {
	// N numbers the arrows of a simulation from 0.
	N int
	// Dir is who sent it: ClientToServer for a command.
	Dir wire.Dir
	// Line is the command or status line, as it crossed.
	Line string
	Conn int
	// TLS is true when it crossed inside TLS.
	TLS bool
	// Secret is true when the line carries a credential.
	Secret bool
	// Origin is the attacker's part: an injected command was never sent
	// by the client; a rewritten response is not what the server sent.
	Origin wire.Origin
	// Seg is the Seq of the segment that carried it; -1 when not known.
	// For an Imported arrow it is the segment's index in its connection
	// (a wire.Segment index), as the byte view takes it.
	Seg int
	// Imported is true for an arrow of an imported capture (see
	// ImportedArrows): read-only, it is not the simulation's.
	Imported bool
	// Decrypted is true for an Imported arrow read from inside TLS with
	// the capture's key log: what an eavesdropper without the log sees
	// only as TLS records.
	Decrypted bool
	// Note, when set, follows the label: what the bytes of an imported
	// arrow say that the simulation's server would have told.
	Note string
}

// From and To are the diagram's lanes of an arrow.
func (ar Arrow) From() Lane {
	switch {
	case ar.Dir == wire.ClientToServer && ar.Origin == wire.Injected:
		return LaneWire
	case ar.Dir == wire.ClientToServer:
		return LaneClient
	}
	return LaneServer
}

// To is the lane an arrow ends at.
func (ar Arrow) To() Lane {
	if ar.Dir == wire.ClientToServer {
		return LaneServer
	}
	return LaneClient
}

// Label is the arrow's visible text (the page cuts a long one short
// with an ellipsis). A credential is shown as it crossed: the diagram
// shows what the wire carried, and an eavesdropper reads it as plainly.
func (ar Arrow) Label() string {
	l := ar.Line
	switch {
	case ar.Dir == wire.ClientToServer && ar.Origin == wire.Injected:
		l = "attacker injects " + l
	case ar.Dir == wire.ServerToClient && ar.Origin == wire.Rewritten:
		l += " · rewritten by the attacker"
	}
	if ar.Note != "" {
		l += " · " + ar.Note
	}
	return l
}

// Name is the arrow's accessible name: what it is, who sent it, whether
// an eavesdropper can read it, and what activating it does.
func (ar Arrow) Name() string {
	what := "command"
	switch {
	case ar.Imported && ar.TLS && !ar.Decrypted:
		what = "TLS records"
	case ar.Dir == wire.ServerToClient:
		what = "response"
	}
	who := "from the client"
	switch {
	case ar.Dir == wire.ClientToServer && ar.Origin == wire.Injected:
		who = "injected by the attacker"
	case ar.Dir == wire.ServerToClient && ar.Origin == wire.Rewritten:
		who = "from the server, rewritten by the attacker"
	case ar.Dir == wire.ServerToClient:
		who = "from the server"
	}
	seen := "readable by an eavesdropper"
	if ar.TLS {
		seen = "inside TLS, hidden from an eavesdropper"
	}
	if ar.Secret && !ar.TLS {
		seen = "carries a credential readable by an eavesdropper"
	}
	if ar.Imported && ar.TLS {
		seen = "TLS records, of which an eavesdropper reads what the label names"
		if ar.Decrypted {
			seen = "inside TLS, read with the capture's key log; without it an eavesdropper sees TLS records"
		}
	}
	if ar.Imported {
		seen += ", in the imported capture"
	}
	// The name starts with the visible label, as speech input expects.
	return fmt.Sprintf("%s: %s %s on connection %d, %s. Show its bytes", ar.Label(), what, who, ar.Conn, seen)
}

// Lane is a column of the sequence diagram.
type Lane int

// The diagram's columns.
const (
	LaneClient Lane = iota
	LaneWire        // the network path: the eavesdropper and the attacker
	LaneServer
)

// Diagram is the sequence diagram's model, built from the event log. Its
// bookkeeping is linear in the events and bounded by DiagramKeep arrows,
// whatever the length of the session.
type Diagram struct {
	arrows  []Arrow // the kept arrows, oldest first
	next    int     // N of the next arrow
	segs    map[int]sim.Event
	refs    map[int]int         // segment Seq → kept arrows that point to it
	sent    map[int][]sim.Event // client data segments no command has claimed yet, by conn
	pending map[int][]int       // conn → N of responses awaiting their segment
}

// NewDiagram returns an empty diagram.
func NewDiagram() *Diagram {
	return &Diagram{segs: map[int]sim.Event{}, refs: map[int]int{}, sent: map[int][]sim.Event{}, pending: map[int][]int{}}
}

// Add takes one event of the log, in order.
func (d *Diagram) Add(e sim.Event) {
	switch e.Kind {
	case sim.EvCommand:
		ar := Arrow{Dir: wire.ClientToServer, Line: e.Text, Conn: e.Conn, TLS: e.TLS, Secret: len(e.Secrets) > 0, Seg: -1}
		// The server names the segment the command came from; the
		// segments before it are claimed by earlier commands.
		sent := d.sent[e.Conn]
		for i, seg := range sent {
			if seg.Seq == e.Segment {
				ar.Seg, ar.Origin = seg.Seq, seg.Origin
				d.ref(seg)
				d.sent[e.Conn] = sent[i:]
				break
			}
		}
		d.push(ar)
	case sim.EvResponse:
		d.push(Arrow{Dir: wire.ServerToClient, Line: e.Text, Conn: e.Conn, TLS: e.TLS, Seg: -1})
		d.pending[e.Conn] = append(d.pending[e.Conn], d.next-1)
	case sim.EvSegment:
		if e.SegmentKind != wire.Data {
			return
		}
		if e.Dir == wire.ClientToServer {
			sent := append(d.sent[e.Conn], e)
			if len(sent) > 64 { // a flood no command claims
				sent = sent[len(sent)-64:]
			}
			d.sent[e.Conn] = sent
			return
		}
		for _, n := range d.pending[e.Conn] {
			if i := d.index(n); i >= 0 {
				d.arrows[i].Seg, d.arrows[i].Origin = e.Seq, e.Origin
				d.ref(e)
			}
		}
		delete(d.pending, e.Conn)
	}
}

// push appends an arrow, forgetting the oldest beyond DiagramKeep.
func (d *Diagram) push(ar Arrow) {
	ar.N = d.next
	d.next++
	d.arrows = append(d.arrows, ar)
	if len(d.arrows) > 2*DiagramKeep {
		for _, old := range d.arrows[:len(d.arrows)-DiagramKeep] {
			d.unref(old.Seg)
		}
		d.arrows = append(d.arrows[:0], d.arrows[len(d.arrows)-DiagramKeep:]...)
	}
}

func (d *Diagram) ref(seg sim.Event) {
	d.segs[seg.Seq] = seg
	d.refs[seg.Seq]++
}

func (d *Diagram) unref(seq int) {
	if seq < 0 {
		return
	}
	if d.refs[seq]--; d.refs[seq] <= 0 {
		delete(d.refs, seq)
		delete(d.segs, seq)
	}
}

// index returns the position of arrow n in d.arrows, or -1.
func (d *Diagram) index(n int) int {
	if len(d.arrows) == 0 {
		return -1
	}
	i := n - d.arrows[0].N
	if i < 0 || i >= len(d.arrows) {
		return -1
	}
	return i
}

// Arrows returns the arrows to show, oldest first: at most DiagramKeep.
func (d *Diagram) Arrows() []Arrow {
	if len(d.arrows) > DiagramKeep {
		return d.arrows[len(d.arrows)-DiagramKeep:]
	}
	return d.arrows
}

// Dropped is how many arrows are older than those Arrows returns.
func (d *Diagram) Dropped() int { return d.next - len(d.Arrows()) }

// Total is how many arrows the session has had.
func (d *Diagram) Total() int { return d.next }

// Arrow returns arrow n, if it is still kept.
func (d *Diagram) Arrow(n int) (Arrow, bool) {
	if i := d.index(n); i >= 0 {
		return d.arrows[i], true
	}
	return Arrow{}, false
}

// Segment returns the segment that carried an arrow, if it is kept.
func (d *Diagram) Segment(ar Arrow) (sim.Event, bool) {
	e, ok := d.segs[ar.Seg]
	return e, ok && ar.Seg >= 0
}
