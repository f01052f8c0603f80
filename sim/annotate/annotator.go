package annotate

import (
	"bytes"
	"fmt"

	"pop3lab/sim/wire"
)

// An Annotator turns the segments of one TCP connection into annotated
// records. Feed it every segment in the order it crossed (a Link's log, or
// a tap's calls); lines and TLS records split across segments come out
// once their last byte has arrived. The zero Annotator is ready to use; it
// is not safe for concurrent use.
type Annotator struct {
	dec     wire.Decoder
	streams [2]streamBuf
	next    int // index of the next record
	pop     popState
	tls     tlsState
}

// streamBuf holds the bytes of one direction not yet part of a record,
// and the segments they came in.
type streamBuf struct {
	buf    []byte
	offset int64 // stream offset of buf[0]
	segs   []segRange
}

// A segRange is the part of a direction's stream one segment carried.
type segRange struct {
	index      int
	start, end int64
	origin     wire.Origin
}

// Annotate returns the records of a whole connection, from its segments
// in order.
func Annotate(segs []wire.Segment) []Record {
	var a Annotator
	var out []Record
	for _, s := range segs {
		out = append(out, a.Add(s)...)
	}
	return out
}

// Add takes the next segment of the connection and returns the records it
// completed, in order: a SYN or FIN record for those segments, else the
// lines and TLS records whose last byte it carried.
func (a *Annotator) Add(seg wire.Segment) []Record {
	if seg.Dir != wire.ClientToServer && seg.Dir != wire.ServerToClient {
		return nil
	}
	switch seg.Kind {
	case wire.SYN:
		return []Record{a.control(seg, SYN, Span{
			Label: "TCP handshake (SYN, SYN-ACK, ACK)",
			Value: fmt.Sprintf("client ISN %d", seg.Seq),
			Note:  "the client opens the connection; the sequence numbers that follow count bytes from here",
			Ref:   "RFC 9293 §3.5",
		})}
	case wire.FIN:
		note := "this side closed its direction: it sends no more bytes"
		if n := len(a.streams[seg.Dir].buf); n > 0 {
			note += fmt.Sprintf("; %d bytes before it never formed a whole line or record", n)
		}
		return []Record{a.control(seg, FIN, Span{Label: "FIN", Note: note, Ref: "RFC 9293 §3.6"})}
	case wire.Data:
	default:
		return nil
	}
	dir := seg.Dir
	st := &a.streams[dir]
	start := st.offset + int64(len(st.buf))
	st.buf = append(st.buf, seg.Payload...)
	if a.dec.IsTLS(dir) && len(st.buf) >= 5 {
		// Room for the whole record at once, rather than doubling as its
		// segments arrive (RFC 8446 §5.1: the length is in the header).
		if need := 5 + (int(st.buf[3])<<8 | int(st.buf[4])); cap(st.buf) < need {
			st.buf = append(make([]byte, 0, need), st.buf...)
		}
	}
	st.segs = append(st.segs, segRange{seg.Index, start, start + int64(len(seg.Payload)), seg.Origin})
	var out []Record
	for _, u := range a.dec.Decode(dir, seg.Payload) {
		n := u.Length + 5
		if !u.TLS {
			n = len(u.Line) + 1 // LF
			if st.buf[len(u.Line)] == '\r' {
				n++
			}
		}
		r := Record{Index: a.next, Dir: dir, Offset: st.offset, Bytes: st.buf[:n:n], Time: seg.Time}
		a.next++
		end := st.offset + int64(n)
		for _, sr := range st.segs {
			if sr.end <= r.Offset || sr.start >= end {
				continue
			}
			r.Segments = append(r.Segments, sr.index)
			if sr.start > r.Offset {
				r.Cuts = append(r.Cuts, int(sr.start-r.Offset))
			}
			r.Origin = max(r.Origin, sr.origin)
		}
		st.buf, st.offset = st.buf[n:], end
		for len(st.segs) > 0 && st.segs[0].end <= st.offset {
			st.segs = st.segs[1:]
		}
		if u.TLS {
			r.Kind = TLSRecord
			r.Span = a.tls.record(dir, r.Bytes)
		} else {
			r.Kind = Line
			r.Span = a.pop.line(&r)
		}
		if len(r.Cuts) > 0 {
			r.Span.Note = joinNote(r.Span.Note, fmt.Sprintf("split across %d TCP segments: TCP carries a byte stream and keeps no line or record boundaries", len(r.Segments)))
		}
		markOrigin(&r)
		out = append(out, r)
	}
	if len(st.buf) == 0 {
		st.buf = nil // later appends start a fresh array; records keep theirs
	}
	return out
}

// control makes the record of a SYN or FIN segment.
func (a *Annotator) control(seg wire.Segment, k Kind, s Span) Record {
	r := Record{Index: a.next, Dir: seg.Dir, Kind: k, Offset: a.streams[seg.Dir].offset + int64(len(a.streams[seg.Dir].buf)),
		Segments: []int{seg.Index}, Origin: seg.Origin, Time: seg.Time, Span: s}
	a.next++
	return r
}

// markOrigin says on the root span who put the bytes there, when it was
// not the sender.
func markOrigin(r *Record) {
	switch r.Origin {
	case wire.Injected:
		r.Span.Note = joinNote("the attacker injected these bytes: the sender never wrote them", r.Span.Note)
	case wire.Rewritten:
		r.Span.Note = joinNote("the attacker rewrote the chunk these bytes came in", r.Span.Note)
	}
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// trimEOL splits a line into its content and its line ending.
func trimEOL(b []byte) (content, eol []byte) {
	if bytes.HasSuffix(b, []byte("\r\n")) {
		return b[:len(b)-2], b[len(b)-2:]
	}
	if bytes.HasSuffix(b, []byte("\n")) {
		return b[:len(b)-1], b[len(b)-1:]
	}
	return b, nil
}
