package view

import (
	"fmt"
	"strings"

	"pop3lab/sim/annotate"
	"pop3lab/sim/keylog"
	"pop3lab/sim/wire"
)

// ImportedArrows draws the connections of an imported capture (conns[n-1]
// is connection n, annotated) as the sequence diagram draws a session:
// an arrow for each command and each status line that crossed in the
// clear, and, where the bytes are TLS, an arrow for each run of TLS
// records in one direction that says what an eavesdropper sees of them.
// With the capture's key log (nil for none), the application data of
// the TLS records it opens is drawn as the commands and responses inside
// TLS, marked Decrypted, as Wireshark shows them when it opens the file.
// The arrows are marked Imported, numbered from 0, and at most
// DiagramKeep of them are returned, oldest first; more is how many were
// left out after them.
func ImportedArrows(conns [][]annotate.Record, log *keylog.Log) (arrows []Arrow, more int) {
	add := func(ar Arrow) {
		if len(arrows) == DiagramKeep {
			more++
			return
		}
		ar.N, ar.Imported = len(arrows), true
		arrows = append(arrows, ar)
	}
	for ci, recs := range conns {
		var plain map[int][]byte
		if log != nil {
			plain = log.Decrypt(recs)
		}
		// The decrypted bytes, annotated as the POP3 session they carry;
		// each piece is attributed to the first segment of its record.
		var inside annotate.Annotator
		var run *tlsRun
		flush := func() {
			if run != nil {
				add(run.arrow(ci + 1))
				run = nil
			}
		}
		for _, r := range recs {
			switch r.Kind {
			case annotate.Line:
				flush()
				if log != nil {
					// The POP3 state inside TLS follows on from the clear
					// lines before it (after STLS, RFC 2595 §4).
					inside.Add(wire.Segment{Kind: wire.Data, Dir: r.Dir, Payload: r.Bytes, Index: r.Segments[0], Origin: r.Origin})
				}
				if ar, ok := lineArrow(r); ok {
					ar.Conn = ci + 1
					add(ar)
				}
			case annotate.TLSRecord:
				if data, ok := plain[r.Index]; ok {
					flush()
					for _, lr := range inside.Add(wire.Segment{Kind: wire.Data, Dir: r.Dir, Payload: data, Index: r.Segments[0], Origin: r.Origin}) {
						if ar, ok := lineArrow(lr); ok {
							ar.Conn, ar.TLS, ar.Decrypted, ar.Note = ci+1, true, true, ""
							add(ar)
						}
					}
					continue
				}
				if run != nil && (run.dir != r.Dir || run.origin != r.Origin) {
					flush()
				}
				if run == nil {
					run = &tlsRun{dir: r.Dir, origin: r.Origin, seg: r.Segments[0]}
				}
				run.add(r)
			}
		}
		flush()
	}
	return arrows, more
}

// lineArrow is the arrow of a POP3 line record: a command or a status
// line, and false for the lines of a multi-line response, which the
// diagram does not draw.
func lineArrow(r annotate.Record) (Arrow, bool) {
	label := r.Span.Label
	command := r.Dir == wire.ClientToServer
	switch {
	case command:
	case label == "greeting", label == "status line", label == "SASL challenge", strings.HasPrefix(label, "response to "):
	default:
		return Arrow{}, false
	}
	ar := Arrow{Dir: r.Dir, Line: strings.TrimRight(string(r.Bytes), "\r\n"), Secret: hasSecret(r.Span), Origin: r.Origin, Seg: r.Segments[0]}
	if command && strings.Contains(r.Span.Note, "sent after STLS") {
		// RFC 2595 §4: the server discards it; the simulation's server
		// does, and its diagram has no arrow for it.
		ar.Note = "sent after STLS, before TLS: a server must discard it"
	}
	return ar, true
}

// hasSecret reports whether a credential is under s, decoded or not.
func hasSecret(s annotate.Span) bool {
	found := false
	// The APOP digest is not the password, but a captured one can be
	// replayed (RFC 1939 §7): a credential all the same, as the server
	// marks it.
	s.Walk(func(s annotate.Span, _ []byte, _ annotate.Span) { found = found || s.Secret || s.Label == "digest" })
	return found
}

// tlsRun is a run of TLS records in one direction.
type tlsRun struct {
	dir            wire.Dir
	origin         wire.Origin
	seg            int
	kinds          []string
	records, bytes int
}

func (t *tlsRun) add(r annotate.Record) {
	t.records++
	t.bytes += len(r.Bytes)
	kind := tlsKind(r)
	if len(t.kinds) == 0 || t.kinds[len(t.kinds)-1] != kind {
		t.kinds = append(t.kinds, kind)
	}
}

func (t *tlsRun) arrow(conn int) Arrow {
	line := fmt.Sprintf("TLS: %s · %d bytes", strings.Join(t.kinds, ", "), t.bytes)
	if t.records > 1 {
		line = fmt.Sprintf("TLS: %s · %d records, %d bytes", strings.Join(t.kinds, ", "), t.records, t.bytes)
	}
	return Arrow{Dir: t.dir, Line: line, Conn: conn, TLS: true, Origin: t.origin, Seg: t.seg}
}

// tlsKind names what a TLS record shows an eavesdropper: the handshake
// messages it can read ("client_hello"), or what it cannot read
// ("encrypted application data").
func tlsKind(r annotate.Record) string {
	var msgs []string
	for _, c := range r.Span.Children {
		for _, m := range c.Children {
			if name, ok := strings.CutPrefix(m.Label, "handshake message: "); ok {
				msgs = append(msgs, name)
			}
		}
	}
	if len(msgs) > 0 {
		return strings.Join(msgs, ", ")
	}
	return strings.TrimPrefix(recordKind(annotate.Record{Kind: r.Kind, Span: r.Span}), "TLS ")
}
