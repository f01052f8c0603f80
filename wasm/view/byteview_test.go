package view

import (
	"bytes"
	"strings"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/wire"
)

// sandbox runs a short session: connect, USER, PASS, QUIT.
func sandbox(t *testing.T) *sim.Simulation {
	t.Helper()
	set := sim.DefaultSettings()
	s, err := sim.Replay(sim.Options{Seed: 3, Settings: &set}, []sim.Action{
		{Kind: sim.ActConnect}, {Kind: sim.ActSend, Line: "USER alice"}, {Kind: sim.ActSend, Line: "PASS wonderland"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestSegmentIndex: each segment event maps to the link segment with the
// same bytes.
func TestSegmentIndex(t *testing.T) {
	s := sandbox(t)
	log := s.Events(0)
	segs := s.Segments(1)
	n := 0
	for _, e := range log {
		if e.Kind != sim.EvSegment || e.Conn != 1 {
			continue
		}
		i := SegmentIndex(log, e)
		if i >= len(segs) || segs[i].Dir != e.Dir || !bytes.Equal(segs[i].Payload, e.Data) || segs[i].Kind != e.SegmentKind {
			t.Fatalf("event %d → segment %d, which does not match", e.Seq, i)
		}
		n++
	}
	if n != len(segs)-1 {
		t.Errorf("%d segment events for %d segments", n, len(segs))
	}
}

// TestByteViewPASS walks the PASS command span by span: keyword, space,
// password (marked), CRLF, and explains the password.
func TestByteViewPASS(t *testing.T) {
	s := sandbox(t)
	segs := s.Segments(1)
	seg := -1
	for i, sg := range segs {
		if sg.Dir == wire.ClientToServer && bytes.HasPrefix(sg.Payload, []byte("PASS")) {
			seg = i
		}
	}
	v := NewByteView(1, annotate.Annotate(segs), seg)
	var texts []string
	for _, l := range v.Leaves {
		texts = append(texts, l.Text)
	}
	if got := strings.Join(texts, "|"); got != "PASS| |wonderland|\\r\\n\n" {
		t.Fatalf("leaves %q", got)
	}
	v.Move(2)
	got := strings.Join(v.Explain(v.Cursor), "\n")
	want := "C->S, line, bytes 5–15 of 17\ncommand PASS › password\n" +
		"the password itself, the rest of the line (spaces allowed): anyone who reads this segment has it\nsee RFC 1939 §7\n" +
		"a credential, readable by anyone on the path"
	if got != want {
		t.Errorf("explanation:\n%s\nwant:\n%s", got, want)
	}
	v.Move(10)
	if v.Cursor != 3 {
		t.Errorf("cursor %d after moving past the end, want 3", v.Cursor)
	}
	v.Move(-10)
	if v.Cursor != 0 {
		t.Errorf("cursor %d after moving before the start, want 0", v.Cursor)
	}
}

// TestByteViewRecords: a segment holding several lines shows each as a
// record; MoveRecord jumps between them; TLS bytes show in hex, long ones
// cut.
func TestByteViewRecords(t *testing.T) {
	segs := []wire.Segment{
		{Kind: wire.SYN},
		{Index: 1, Dir: wire.ServerToClient, Payload: []byte("+OK ready\r\n")},
		{Index: 2, Dir: wire.ClientToServer, Payload: []byte("CAPA\r\nSTLS\r\n")},
		{Index: 3, Dir: wire.ClientToServer, Payload: append([]byte{0x17, 3, 3, 0, 200}, make([]byte, 200)...), Origin: wire.Injected},
	}
	recs := annotate.Annotate(segs)
	v := NewByteView(1, recs, 2)
	if len(v.Records) != 2 || v.Records[0].Span.Label != "command CAPA" || v.Records[1].Span.Label != "command STLS" {
		t.Fatalf("records %v", v.Records)
	}
	v.MoveRecord(1)
	if l := v.Leaves[v.Cursor]; l.Record != 1 || l.Text != "STLS" {
		t.Errorf("after MoveRecord: leaf %+v", l)
	}
	v = NewByteView(1, recs, 3)
	last := v.Leaves[len(v.Leaves)-1]
	if last.Cut != 200-maxLeafBytes || !strings.HasPrefix(last.Text, "00 00") {
		t.Errorf("encrypted leaf: cut %d, text %.20q", last.Cut, last.Text)
	}
	if ex := v.Explain(0); ex[0] != "C->S, TLS record, bytes 0–1 of 205" || ex[len(ex)-1] != "the attacker's bytes (injected)" {
		t.Errorf("explanation %q", ex)
	}
}

func TestNextSegment(t *testing.T) {
	recs := annotate.Annotate([]wire.Segment{
		{Kind: wire.SYN},
		{Index: 1, Dir: wire.ServerToClient, Payload: []byte("+OK rea")},
		{Index: 2, Dir: wire.ServerToClient, Payload: []byte("dy\r\n")},
		{Index: 3, Dir: wire.ClientToServer, Payload: []byte("QUIT\r\n")},
	})
	for _, tt := range []struct {
		seg, delta, want int
		ok               bool
	}{
		{0, 1, 1, true}, {1, 1, 2, true}, {2, 1, 3, true}, {3, 1, 0, false},
		{3, -1, 2, true}, {1, -1, 0, true}, {0, -1, 0, false},
	} {
		if got, ok := NextSegment(recs, tt.seg, tt.delta); got != tt.want || ok != tt.ok {
			t.Errorf("NextSegment(%d, %d) = %d, %v; want %d, %v", tt.seg, tt.delta, got, ok, tt.want, tt.ok)
		}
	}
}
