package annotate

import (
	"fmt"
	"io"
	"strings"
)

// A Span is a labelled byte range [Start, End) of a record. Its Children,
// if any, partition it exactly, in order.
type Span struct {
	// Start and End are offsets in the record's bytes.
	Start, End int
	// Label says what the bytes are: "status indicator", "cipher suite".
	Label string
	// Value is what they say, decoded: "+OK", "TLS_AES_128_GCM_SHA256
	// (0x1301)". Empty when the bytes speak for themselves.
	Value string
	// Note explains what the field means and why it matters.
	Note string
	// Ref is the specification that defines the field: "RFC 1939 §3".
	Ref string
	// Secret marks a credential that anyone on the path can read.
	Secret bool
	// Decoded holds the bytes an encoding (base64) stands for, with their
	// own spans, when the span is such an encoding.
	Decoded *Decoded
	// Children split the span into smaller fields.
	Children []Span
}

// Decoded is the result of decoding a span's bytes, annotated in turn.
type Decoded struct {
	// Bytes are the decoded bytes.
	Bytes []byte
	// Spans partition Bytes, as a record's children do.
	Spans []Span
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Leaves returns the spans without children under s (s itself if it has
// none), in byte order.
func (s Span) Leaves() []Span {
	if len(s.Children) == 0 {
		return []Span{s}
	}
	var out []Span
	for _, c := range s.Children {
		out = append(out, c.Leaves()...)
	}
	return out
}

// Walk calls fn for s and every span under it, parents before their
// children, in byte order; then, for a span with Decoded bytes, for the
// spans of those bytes, which fn receives with decoded set to them. home
// is the span of the record's own bytes that the span lies in: the span
// itself, or the encoded span whose decoded part it is. A reader of
// credentials needs all three: what a field says, from which bytes, and
// where on the wire to point.
func (s Span) Walk(fn func(s Span, decoded []byte, home Span)) {
	s.walk(fn, nil, nil)
}

func (s Span) walk(fn func(s Span, decoded []byte, home Span), decoded []byte, home *Span) {
	h := s
	if home != nil {
		h = *home
	}
	fn(s, decoded, h)
	for _, c := range s.Children {
		c.walk(fn, decoded, home)
	}
	if d := s.Decoded; d != nil {
		for _, c := range d.Spans {
			c.walk(fn, d.Bytes, &h)
		}
	}
}

// Find returns the innermost span that holds byte offset i, and false if
// none does.
func (s Span) Find(i int) (Span, bool) {
	if i < s.Start || i >= s.End {
		return Span{}, false
	}
	for _, c := range s.Children {
		if inner, ok := c.Find(i); ok {
			return inner, true
		}
	}
	return s, true
}

// Validate checks that root covers exactly [0, n) and that the children
// of every span partition it in order, so that each byte belongs to
// exactly one leaf; the spans of decoded bytes likewise.
func Validate(root Span, n int) error {
	if root.Start != 0 || root.End != n {
		return fmt.Errorf("annotate: root span [%d,%d) does not cover the %d bytes", root.Start, root.End, n)
	}
	return validate(root)
}

func validate(s Span) error {
	if s.Start > s.End {
		return fmt.Errorf("annotate: span %q [%d,%d) ends before it starts", s.Label, s.Start, s.End)
	}
	if d := s.Decoded; d != nil {
		if err := partition(Span{Label: s.Label + " (decoded)", End: len(d.Bytes), Children: d.Spans}); err != nil {
			return err
		}
	}
	return partition(s)
}

// partition checks that s's children, if any, tile s.
func partition(s Span) error {
	if len(s.Children) == 0 {
		return nil
	}
	at := s.Start
	for _, c := range s.Children {
		if c.Start != at {
			return fmt.Errorf("annotate: in %q [%d,%d), child %q starts at %d, want %d", s.Label, s.Start, s.End, c.Label, c.Start, at)
		}
		if err := validate(c); err != nil {
			return err
		}
		at = c.End
	}
	if at != s.End {
		return fmt.Errorf("annotate: children of %q [%d,%d) end at %d", s.Label, s.Start, s.End, at)
	}
	return nil
}

// WriteTree writes the span tree under s as indented text, one span a
// line: offsets, label, value and reference, and the note on the next
// line. b holds the bytes the offsets point into; a leaf of up to 24
// bytes shows them quoted.
func WriteTree(w io.Writer, s Span, b []byte) error {
	var sb strings.Builder
	writeTree(&sb, s, b, 0)
	_, err := io.WriteString(w, sb.String())
	return err
}

func writeTree(sb *strings.Builder, s Span, b []byte, depth int) {
	ind := strings.Repeat("  ", depth)
	fmt.Fprintf(sb, "%s[%d,%d) %s", ind, s.Start, s.End, s.Label)
	if s.Value != "" {
		fmt.Fprintf(sb, " = %s", s.Value)
	}
	if s.Ref != "" {
		fmt.Fprintf(sb, " (%s)", s.Ref)
	}
	if s.Secret {
		sb.WriteString(" SECRET")
	}
	if len(s.Children) == 0 && s.Len() > 0 && s.Len() <= 24 && s.End <= len(b) {
		if raw := b[s.Start:s.End]; isText(raw) {
			fmt.Fprintf(sb, " %q", raw)
		} else {
			fmt.Fprintf(sb, " [% x]", raw)
		}
	}
	sb.WriteByte('\n')
	if s.Note != "" {
		fmt.Fprintf(sb, "%s  # %s\n", ind, s.Note)
	}
	if d := s.Decoded; d != nil {
		fmt.Fprintf(sb, "%s  decoded %q\n", ind, d.Bytes)
		for _, c := range d.Spans {
			writeTree(sb, c, d.Bytes, depth+2)
		}
	}
	for _, c := range s.Children {
		writeTree(sb, c, b, depth+1)
	}
}

// A fields builds a sequence of spans that tiles the range [pos, end) of
// b, field after field. When the bytes run out, the field that wanted
// more is cut short and marked truncated, and later fields are dropped:
// bad input still yields a valid tree.
type fields struct {
	b        []byte
	pos, end int
	out      []Span
	short    bool
}

func newFields(b []byte, start, end int) *fields {
	return &fields{b: b, pos: start, end: end}
}

// left returns how many bytes remain.
func (f *fields) left() int { return f.end - f.pos }

// peek returns the next n bytes, or fewer if fewer remain.
func (f *fields) peek(n int) []byte {
	n = max(0, min(n, f.left()))
	return f.b[f.pos : f.pos+n]
}

// uint reads the next n bytes (at most 4) as a big-endian number without
// consuming them; ok is false if fewer remain.
func (f *fields) uint(n int) (v int, ok bool) {
	p := f.peek(n)
	for _, c := range p {
		v = v<<8 | int(c)
	}
	return v, len(p) == n
}

// add appends a span of the next n bytes and returns its index in out,
// or -1 once the bytes have run out.
func (f *fields) add(n int, s Span) int {
	if f.short {
		return -1
	}
	if n > f.left() {
		n = f.left()
		f.short = true
		s.Label += " (truncated)"
		s.Children = nil
	}
	s.Start, s.End = f.pos, f.pos+n
	f.pos += n
	if n == 0 && !f.short {
		// An empty field still tells the reader it is there: keep it
		// only if it explains something (a zero-length vector).
		if s.Note == "" && s.Value == "" {
			return -1
		}
	}
	f.out = append(f.out, s)
	return len(f.out) - 1
}

// leaf appends a field of n bytes.
func (f *fields) leaf(n int, label, value, note string) {
	f.add(n, Span{Label: label, Value: value, Note: note})
}

// group appends a field of n bytes whose own fields fill builds.
func (f *fields) group(n int, s Span, fill func(g *fields)) {
	if f.short {
		return
	}
	if n > f.left() {
		f.add(n, s)
		return
	}
	g := newFields(f.b, f.pos, f.pos+n)
	fill(g)
	s.Children = g.done()
	f.add(n, s)
}

// done fills what is left with one "unparsed bytes" leaf and returns the
// spans.
func (f *fields) done() []Span {
	if f.left() > 0 && !f.short {
		f.add(f.left(), Span{Label: "unparsed bytes", Note: "bytes this view does not decode"})
	}
	return f.out
}

// isText reports whether b is printable US-ASCII, CR and LF allowed.
func isText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// bytesCount says "1 byte" or "n bytes".
func bytesCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
