package sim

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"pop3lab/sim/pop3"
	"pop3lab/sim/wire"
)

// Mask replaces credentials in masked transcripts.
const Mask = "********"

// Transcript writes the session as the two ends saw it: "C:" lines the
// client sent, "S:" lines the server sent (bodies as sent, dot-stuffed),
// and "#" lines for what else happened. With mask, credentials become
// Mask.
func (s *Simulation) Transcript(w io.Writer, mask bool) error {
	var b strings.Builder
	b.WriteString("# pop3lab transcript\n")
	for _, e := range s.Events(0) {
		switch e.Kind {
		case EvCommand:
			line := e.Text
			if mask {
				line = maskSpans(line, e.Secrets)
			}
			fmt.Fprintf(&b, "C: %s\n", line)
		case EvResponse:
			fmt.Fprintf(&b, "S: %s\n", e.Text)
		case EvBody:
			for _, l := range strings.SplitAfter(string(e.Data), "\r\n") {
				if l != "" {
					fmt.Fprintf(&b, "S: %s\n", strings.TrimSuffix(l, "\r\n"))
				}
			}
			if e.Truncated {
				fmt.Fprintf(&b, "# %s\n", truncatedNote(e))
			}
		case EvSession, EvTLS, EvDiscard, EvAttack, EvClock, EvDelivery, EvNote:
			fmt.Fprintf(&b, "# %s\n", e.Text)
		case EvClient:
			prefix := "mail client"
			if e.Warning {
				prefix = "mail client WARNING"
			}
			fmt.Fprintf(&b, "# %s: %s\n", prefix, e.Text)
		case EvError:
			fmt.Fprintf(&b, "# error: %s\n", e.Text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// truncatedNote says that a body event holds only the start of the body.
func truncatedNote(e Event) string {
	return fmt.Sprintf("(first %d octets shown)", len(e.Data))
}

// maskSpans replaces the spans of s with Mask.
func maskSpans(s string, spans []pop3.Span) string {
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.Start < last || sp.End > len(s) || sp.Start >= sp.End {
			continue
		}
		b.WriteString(s[last:sp.Start])
		b.WriteString(Mask)
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// WritePcap writes every connection of the simulation as one libpcap file
// that Wireshark decodes as POP (port 110) or TLS (port 995).
func (s *Simulation) WritePcap(w io.Writer) error {
	s.mu.Lock()
	links := make([]*wire.Link, len(s.conns))
	for i, c := range s.conns {
		links[i] = c.link
	}
	s.mu.Unlock()
	return wire.WritePcapLinks(w, links...)
}

// Eavesdropper returns what the tap decoded on connection conn (0: on
// all), one line per POP3 line or TLS record, in order: the wire panel's
// text and what labs assert on.
func (s *Simulation) Eavesdropper(conn int) string {
	var b bytes.Buffer
	for _, e := range s.Events(0) {
		if e.Kind != EvSegment || conn != 0 && e.Conn != conn {
			continue
		}
		for _, u := range e.Units {
			fmt.Fprintf(&b, "%d %s %s\n", e.Conn, e.Dir, u)
		}
	}
	return b.String()
}

// LastConn returns the number of the newest connection, 0 if none.
func (s *Simulation) LastConn() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}
