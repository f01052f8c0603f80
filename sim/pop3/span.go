package pop3

// Span is a byte range [Start, End) of a line or a payload: where the
// credential bytes of a command line lie, in the line or in the segment
// that carried it.
type Span struct{ Start, End int }

// Empty reports whether the span covers nothing.
func (s Span) Empty() bool { return s.End <= s.Start }
