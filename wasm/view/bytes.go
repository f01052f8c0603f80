package view

import (
	"fmt"
	"strings"

	"pop3lab/sim/pop3"
)

// Piece is a run of a payload's text, marked when it is a credential.
type Piece struct {
	Text   string
	Secret bool
	// What names a secret as the lessons do: "password", "APOP digest"
	// (not the password, but a captured one can be replayed to a server
	// that reuses its timestamp) or "password, base64" (AUTH PLAIN).
	What string
}

// secretWhat names the credential at sp by the command word of its line,
// as an eavesdropper reading the bytes would.
func secretWhat(payload []byte, sp pop3.Span) string {
	line := payload[:sp.Start]
	if i := strings.LastIndexByte(string(line), '\n'); i >= 0 {
		line = line[i+1:]
	}
	word, _, _ := strings.Cut(strings.ToUpper(string(line)), " ")
	switch word {
	case "APOP":
		return "APOP digest"
	case "PASS":
		return "password"
	}
	return "password, base64"
}

// Pieces splits payload into printable text runs, with the secret spans
// separate so the wire panel can highlight them. Control bytes show as
// visible escapes (CR LF as `\r\n` and a line break, a tab as `\t`) and
// other bytes outside printable ASCII as \xNN: an eavesdropper sees bytes,
// not rendered text. Only ASCII is used, so every font shows it.
func Pieces(payload []byte, secrets []pop3.Span) []Piece {
	var out []Piece
	at := 0
	for _, sp := range secrets {
		if sp.Start < at || sp.End > len(payload) || sp.Start >= sp.End {
			continue
		}
		if sp.Start > at {
			out = append(out, Piece{Text: Printable(payload[at:sp.Start])})
		}
		out = append(out, Piece{Text: Printable(payload[sp.Start:sp.End]), Secret: true, What: secretWhat(payload, sp)})
		at = sp.End
	}
	if at < len(payload) {
		out = append(out, Piece{Text: Printable(payload[at:])})
	}
	return out
}

// Printable renders bytes as the wire panel shows them.
func Printable(b []byte) string {
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			s.WriteString("\\r\\n\n")
			i++
		case c == '\n':
			s.WriteString("\\n\n")
		case c == '\r':
			s.WriteString("\\r")
		case c == '\t':
			s.WriteString("\\t")
		case c < 0x20 || c == 0x7f || c >= 0x80:
			fmt.Fprintf(&s, "\\x%02x", c)
		default:
			s.WriteByte(c)
		}
	}
	return s.String()
}

// Hex renders bytes as a classic hex dump: offset, 16 bytes in hex, and
// their printable ASCII.
func Hex(b []byte) string {
	var s strings.Builder
	for off := 0; off < len(b); off += 16 {
		end := min(off+16, len(b))
		fmt.Fprintf(&s, "%04x  ", off)
		for i := off; i < off+16; i++ {
			if i < end {
				fmt.Fprintf(&s, "%02x ", b[i])
			} else {
				s.WriteString("   ")
			}
			if i == off+7 {
				s.WriteByte(' ')
			}
		}
		s.WriteString(" ")
		for _, c := range b[off:end] {
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			s.WriteByte(c)
		}
		s.WriteByte('\n')
	}
	return s.String()
}

// Size formats an octet count for tables: "956 B", "2.1 MB".
func Size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// ShortUID shortens a long UID for a table cell; the full one goes in a
// tooltip.
func ShortUID(uid string) string {
	if len(uid) <= 14 {
		return uid
	}
	return uid[:12] + "…"
}

// DisplayName returns the display name of a From address when it has one
// ("Course Instructor <instructor@…>" gives "Course Instructor"), else the
// address. Phishing often fakes exactly this part, so the full value stays
// in the tooltip and in the message view.
func DisplayName(from string) string {
	if i := strings.Index(from, "<"); i > 0 {
		name := strings.Trim(strings.TrimSpace(from[:i]), `"`)
		if name != "" {
			return name
		}
	}
	return strings.Trim(from, "<>")
}
