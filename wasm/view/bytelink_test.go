package view

import (
	"errors"
	"reflect"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
)

// TestShareByteLink: a share link carries the span the byte view opens
// at; a link to an impossible span is damaged.
func TestShareByteLink(t *testing.T) {
	for _, sh := range []Shared{
		{Seed: 4, Actions: []sim.Action{{Kind: sim.ActConnect}}, Bytes: &ByteLink{Conn: 1, Segment: 5, Record: 9, Start: 5}},
		{Scenario: "connect\n", Step: 1, Bytes: &ByteLink{Conn: 2, Segment: 1, Record: 1}},
	} {
		frag, err := EncodeShare(sh)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeShare(frag)
		if err != nil {
			t.Fatal(err)
		}
		got.Saved = nil
		if !reflect.DeepEqual(got, sh) {
			t.Fatalf("round trip = %+v, want %+v", got, sh)
		}
	}
	for _, bad := range []ByteLink{{Conn: 0}, {Conn: 1, Segment: -1}, {Conn: 1, Record: -2}, {Conn: 1, Start: -1}} {
		frag, _ := EncodeShare(Shared{Scenario: "connect\n", Bytes: &bad})
		if _, err := DecodeShare(frag); !errors.Is(err, ErrShareDamaged) {
			t.Errorf("link %+v: err %v, want damaged", bad, err)
		}
	}
}

// TestByteLinkLocate: every leaf of a real session's segments gives a link
// that finds it again in a fresh view of the same segment, and a link
// into a segment or record the view does not hold finds nothing.
func TestByteLinkLocate(t *testing.T) {
	st := sim.DefaultSettings()
	s, err := sim.New(sim.Options{Seed: 2, Settings: &st, Setup: smallMaildrop})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, a := range []sim.Action{{Kind: sim.ActConnect}, {Kind: sim.ActSend, Line: "USER alice"}, {Kind: sim.ActSend, Line: "PASS wonderland"},
		{Kind: sim.ActSend, Line: "RETR 2"}, {Kind: sim.ActSend, Line: "QUIT"}, {Kind: sim.ActGetMail}} {
		if _, err := s.Apply(a); err != nil {
			t.Fatal(err)
		}
	}
	checked := 0
	for conn := 1; conn <= s.LastConn(); conn++ {
		recs := annotate.Annotate(s.Segments(conn))
		for seg := range s.Segments(conn) {
			v := NewByteView(conn, recs, seg)
			for i := range v.Leaves {
				v.Cursor = i
				link, ok := v.Link()
				if !ok {
					t.Fatalf("conn %d seg %d leaf %d: no link", conn, seg, i)
				}
				w := NewByteView(conn, recs, link.Segment)
				if j, ok := w.Locate(link); !ok || j != i {
					t.Fatalf("conn %d seg %d: link %+v locates leaf %d (%v), want %d", conn, seg, link, j, ok, i)
				}
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d leaves checked", checked)
	}
	v := NewByteView(1, annotate.Annotate(s.Segments(1)), 3)
	for _, link := range []ByteLink{{Conn: 2, Segment: 3}, {Conn: 1, Segment: 4}, {Conn: 1, Segment: 3, Record: 999}} {
		if _, ok := v.Locate(link); ok {
			t.Errorf("link %+v found a leaf", link)
		}
	}
}
