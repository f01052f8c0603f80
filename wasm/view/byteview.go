package view

import (
	"fmt"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/wire"
)

// maxLeafBytes bounds the bytes a leaf shows: an encrypted record or a
// long body line is shown by its start and its length.
const maxLeafBytes = 96

// ByteView is the model of the annotated byte view: the records that one
// segment of a connection carried, every leaf span of them in byte order,
// and a cursor on one leaf, moved span by span.
type ByteView struct {
	// Conn is the connection; Segment the index of the segment shown.
	Conn, Segment int
	// Records are the records the segment carried, wholly or in part.
	Records []annotate.Record
	// Leaves are the leaf spans of Records, in order.
	Leaves []Leaf
	// Cursor is the index in Leaves of the span explained.
	Cursor int
}

// A Leaf is one leaf span of a record, ready to draw.
type Leaf struct {
	// Record is the index in ByteView.Records.
	Record int
	// Path runs from the record's root span down to this leaf.
	Path []annotate.Span
	// Text is how the bytes show: POP3 text with visible line endings,
	// TLS bytes in hex; long runs are cut (see Cut).
	Text string
	// Cut is how many bytes Text leaves out.
	Cut int
}

// Span returns the leaf's own span.
func (l Leaf) Span() annotate.Span { return l.Path[len(l.Path)-1] }

// NewByteView builds the view of segment seg (a wire.Segment index) of
// connection conn from the connection's annotated records. The cursor
// starts on the first leaf the segment carried.
func NewByteView(conn int, recs []annotate.Record, seg int) ByteView {
	v := ByteView{Conn: conn, Segment: seg}
	for _, r := range recs {
		for _, s := range r.Segments {
			if s == seg {
				v.Records = append(v.Records, r)
				break
			}
		}
	}
	for i, r := range v.Records {
		for _, path := range leafPaths(r.Span, nil) {
			v.Leaves = append(v.Leaves, newLeaf(i, r, path))
		}
	}
	return v
}

// NextSegment returns the segment after (delta 1) or before (delta -1)
// seg that carried a record, and false at either end.
func NextSegment(recs []annotate.Record, seg, delta int) (int, bool) {
	best, found := 0, false
	for _, r := range recs {
		for _, s := range r.Segments {
			if (s-seg)*delta > 0 && (!found || (s-best)*delta < 0) {
				best, found = s, true
			}
		}
	}
	return best, found
}

// SegmentIndex returns the wire.Segment index of the segment that the
// EvSegment event e of log stands for: the n-th segment event of a
// connection is its link's segment n, the SYN being segment 0 (the link
// logs it before the tap is set, so it has no event).
func SegmentIndex(log []sim.Event, e sim.Event) int {
	n := 0
	for _, ev := range log {
		if ev.Seq >= e.Seq {
			break
		}
		if ev.Kind == sim.EvSegment && ev.Conn == e.Conn {
			n++
		}
	}
	return n + 1
}

// leafPaths lists the root-to-leaf paths under s, in order.
func leafPaths(s annotate.Span, above []annotate.Span) [][]annotate.Span {
	path := append(append([]annotate.Span(nil), above...), s)
	if len(s.Children) == 0 {
		return [][]annotate.Span{path}
	}
	var out [][]annotate.Span
	for _, c := range s.Children {
		out = append(out, leafPaths(c, path)...)
	}
	return out
}

func newLeaf(i int, r annotate.Record, path []annotate.Span) Leaf {
	s := path[len(path)-1]
	b := r.Bytes[s.Start:s.End]
	cut := 0
	if len(b) > maxLeafBytes {
		cut, b = len(b)-maxLeafBytes, b[:maxLeafBytes]
	}
	l := Leaf{Record: i, Path: path, Cut: cut}
	if r.Kind == annotate.TLSRecord {
		l.Text = fmt.Sprintf("% x", b)
	} else {
		l.Text = Printable(b)
	}
	return l
}

// Move moves the cursor by delta leaves, staying inside the view.
func (v *ByteView) Move(delta int) {
	v.Cursor = max(0, min(len(v.Leaves)-1, v.Cursor+delta))
}

// MoveRecord moves the cursor to the first leaf of the next (delta 1) or
// previous (delta -1) record.
func (v *ByteView) MoveRecord(delta int) {
	if len(v.Leaves) == 0 {
		return
	}
	want := max(0, min(len(v.Records)-1, v.Leaves[v.Cursor].Record+delta))
	for i, l := range v.Leaves {
		if l.Record == want {
			v.Cursor = i
			return
		}
	}
}

// Explain returns the explanation of leaf i, one line each: where the
// bytes sit, what they are from the record down, what they say and mean,
// the reference, and the warnings (a credential in the clear, bytes the
// attacker made).
func (v ByteView) Explain(i int) []string {
	if i < 0 || i >= len(v.Leaves) {
		return nil
	}
	l := v.Leaves[i]
	r := v.Records[l.Record]
	s := l.Span()
	var out []string
	where := fmt.Sprintf("%s, %s, bytes %d–%d of %d", r.Dir, r.Kind, s.Start, s.End, len(r.Bytes))
	if s.Len() == 0 {
		where = fmt.Sprintf("%s, %s, an empty field at byte %d", r.Dir, r.Kind, s.Start)
	}
	out = append(out, where)
	var labels []string
	for _, p := range l.Path {
		labels = append(labels, p.Label)
	}
	out = append(out, strings.Join(labels, " › "))
	if s.Value != "" {
		out = append(out, s.Label+" = "+s.Value)
	}
	// Notes from the leaf up: the leaf's own first, then what contains it.
	for j := len(l.Path) - 1; j >= 0; j-- {
		p := l.Path[j]
		if p.Note != "" {
			out = append(out, p.Note)
		}
		if p.Ref != "" && (j == len(l.Path)-1 || p.Note != "") {
			out = append(out, "see "+p.Ref)
		}
		if p.Decoded != nil {
			out = append(out, "decoded: "+decodedText(*p.Decoded))
		}
	}
	if s.Secret || anySecret(s) {
		out = append(out, "a credential, readable by anyone on the path")
	}
	if r.Origin != wire.Sent {
		out = append(out, "the attacker's bytes ("+r.Origin.String()+")")
	}
	return out
}

// decodedText renders decoded bytes field by field.
func decodedText(d annotate.Decoded) string {
	var parts []string
	for _, s := range d.Spans {
		v := s.Value
		if v == "" {
			v = Printable(d.Bytes[s.Start:s.End])
		}
		parts = append(parts, s.Label+" "+fmt.Sprintf("%q", v))
	}
	return strings.Join(parts, " · ")
}

func anySecret(s annotate.Span) bool {
	if s.Decoded == nil {
		return false
	}
	for _, d := range s.Decoded.Spans {
		if d.Secret {
			return true
		}
	}
	return false
}

// A ByteLink names one span of a connection's bytes: the segment to open
// and, among the records it carried, the record (by annotate.Record.Index)
// and the leaf that holds byte Start of it. It is what a share link
// carries to open the byte view at one span.
type ByteLink struct {
	Conn    int `json:"c"`
	Segment int `json:"g"`
	Record  int `json:"r"`
	Start   int `json:"b,omitempty"`
}

// valid reports whether the link can name a span: a connection from 1,
// offsets from 0.
func (l ByteLink) valid() bool {
	return l.Conn >= 1 && l.Segment >= 0 && l.Record >= 0 && l.Start >= 0
}

// Link returns the ByteLink of the leaf under the cursor.
func (v ByteView) Link() (ByteLink, bool) {
	if v.Cursor < 0 || v.Cursor >= len(v.Leaves) {
		return ByteLink{}, false
	}
	l := v.Leaves[v.Cursor]
	return ByteLink{Conn: v.Conn, Segment: v.Segment, Record: v.Records[l.Record].Index, Start: l.Span().Start}, true
}

// Locate returns the index in Leaves of the leaf link names, and false if
// the view holds no such leaf.
func (v ByteView) Locate(link ByteLink) (int, bool) {
	if link.Conn != v.Conn || link.Segment != v.Segment {
		return 0, false
	}
	for i, l := range v.Leaves {
		s := l.Span()
		if v.Records[l.Record].Index == link.Record && (s.Start == link.Start || s.Start < link.Start && link.Start < s.End) {
			return i, true
		}
	}
	return 0, false
}
