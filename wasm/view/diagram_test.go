package view

import (
	"pop3lab/sim/pop3"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/wire"
)

func seg(seq, conn int, dir wire.Dir, origin wire.Origin, data string) sim.Event {
	return sim.Event{Seq: seq, Kind: sim.EvSegment, Conn: conn, Dir: dir, Origin: origin, SegmentKind: wire.Data, Data: []byte(data)}
}

func TestDiagramPairsArrowsWithTheirSegments(t *testing.T) {
	d := NewDiagram()
	events := []sim.Event{
		{Seq: 0, Kind: sim.EvResponse, Conn: 1, Text: "+OK POP3 server ready"},
		seg(1, 1, wire.ServerToClient, wire.Sent, "+OK POP3 server ready\r\n"),
		seg(2, 1, wire.ClientToServer, wire.Sent, "USER alice\r\n"),
		{Seq: 3, Kind: sim.EvCommand, Conn: 1, Text: "USER alice", Segment: 2},
		{Seq: 4, Kind: sim.EvResponse, Conn: 1, Text: "+OK"},
		seg(5, 1, wire.ServerToClient, wire.Sent, "+OK\r\n"),
		seg(6, 1, wire.ClientToServer, wire.Sent, "PASS wonderland\r\n"),
		{Seq: 7, Kind: sim.EvCommand, Conn: 1, Text: "PASS wonderland", Segment: 6, Secrets: []pop3.Span{{Start: 5, End: 15}}},
		seg(8, 1, wire.ClientToServer, wire.Injected, "CAPA\r\n"),
		{Seq: 9, Kind: sim.EvCommand, Conn: 1, Text: "CAPA", TLS: true, Segment: 8},
		{Seq: 10, Kind: sim.EvResponse, Conn: 1, Text: "+OK Capability list follows", TLS: true},
		seg(11, 1, wire.ServerToClient, wire.Rewritten, "+OK Capability list follows\r\nUSER\r\n.\r\n"),
	}
	for _, e := range events {
		d.Add(e)
	}
	type want struct {
		line     string
		dir      wire.Dir
		from, to Lane
		seg      int
		origin   wire.Origin
	}
	wants := []want{
		{"+OK POP3 server ready", wire.ServerToClient, LaneServer, LaneClient, 1, wire.Sent},
		{"USER alice", wire.ClientToServer, LaneClient, LaneServer, 2, wire.Sent},
		{"+OK", wire.ServerToClient, LaneServer, LaneClient, 5, wire.Sent},
		{"PASS wonderland", wire.ClientToServer, LaneClient, LaneServer, 6, wire.Sent},
		{"CAPA", wire.ClientToServer, LaneWire, LaneServer, 8, wire.Injected},
		{"+OK Capability list follows", wire.ServerToClient, LaneServer, LaneClient, 11, wire.Rewritten},
	}
	got := d.Arrows()
	if len(got) != len(wants) {
		t.Fatalf("%d arrows, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		ar := got[i]
		if ar.N != i || ar.Line != w.line || ar.Dir != w.dir || ar.From() != w.from || ar.To() != w.to || ar.Seg != w.seg || ar.Origin != w.origin {
			t.Errorf("arrow %d = %+v (from %d to %d), want %+v", i, ar, ar.From(), ar.To(), w)
		}
		if s, ok := d.Segment(ar); !ok || s.Seq != w.seg {
			t.Errorf("arrow %d: segment %v %v, want %d", i, s.Seq, ok, w.seg)
		}
	}
	if n := got[3].Name(); n != "PASS wonderland: command from the client on connection 1, carries a credential readable by an eavesdropper. Show its bytes" {
		t.Errorf("PASS arrow name: %q", n)
	}
	if n := got[4].Name(); n != "attacker injects CAPA: command injected by the attacker on connection 1, inside TLS, hidden from an eavesdropper. Show its bytes" {
		t.Errorf("injected arrow name: %q", n)
	}
	if l := got[4].Label(); l != "attacker injects CAPA" {
		t.Errorf("TLS label %q", l)
	}
}

// TestDiagramIsBounded: a session of any length keeps at most
// 2×DiagramKeep arrows and only the segments they point to.
func TestDiagramIsBounded(t *testing.T) {
	d := NewDiagram()
	seq := 0
	for i := 0; i < 20000; i++ {
		d.Add(seg(seq, 1, wire.ClientToServer, wire.Sent, "NOOP\r\n"))
		d.Add(sim.Event{Seq: seq + 1, Kind: sim.EvCommand, Conn: 1, Text: "NOOP", Segment: seq})
		d.Add(sim.Event{Seq: seq + 2, Kind: sim.EvResponse, Conn: 1, Text: "+OK"})
		d.Add(seg(seq+3, 1, wire.ServerToClient, wire.Sent, "+OK\r\n"))
		seq += 4
	}
	if len(d.arrows) > 2*DiagramKeep || len(d.Arrows()) != DiagramKeep {
		t.Fatalf("kept %d arrows, shows %d", len(d.arrows), len(d.Arrows()))
	}
	if len(d.segs) > 2*DiagramKeep || len(d.refs) != len(d.segs) {
		t.Fatalf("kept %d segments (%d refs)", len(d.segs), len(d.refs))
	}
	if d.Total() != 40000 || d.Dropped() != 40000-DiagramKeep {
		t.Fatalf("total %d dropped %d", d.Total(), d.Dropped())
	}
	last := d.Arrows()[DiagramKeep-1]
	if ar, ok := d.Arrow(last.N); !ok || ar != last {
		t.Fatal("the newest arrow is not found by its number")
	}
	if _, ok := d.Arrow(0); ok {
		t.Fatal("the first arrow is still kept")
	}
	if s, ok := d.Segment(last); !ok || string(s.Data) != "+OK\r\n" {
		t.Fatalf("the newest arrow's segment: %q %v", s.Data, ok)
	}
}
