package view

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/client"
	"pop3lab/sim/wire"
)

// A SecurityMode is one way the mail client fetches mail, a column of the
// side-by-side comparison.
type SecurityMode struct {
	// Name heads the column.
	Name string
	// TLS is the mail client's TLS policy in this mode; the server always
	// offers STLS on 110 and implicit TLS on 995.
	TLS client.TLSPolicy
	// Attack is the on-path attacker's mode during the run.
	Attack sim.Attack
}

// SecurityModes are the columns of the comparison, in order: the same
// Get mail in plaintext, with STLS, with implicit TLS (RFC 8314), and
// with STLS under an attacker who strips it (RFC 2595 §4 offers STLS in
// CAPA, in the clear, where the attacker removes it).
var SecurityModes = []SecurityMode{
	{Name: "Plaintext on port 110", TLS: client.TLSNone, Attack: sim.AttackNone},
	{Name: "STLS on port 110", TLS: client.TLSIfOffered, Attack: sim.AttackNone},
	{Name: "Implicit TLS on port 995", TLS: client.TLSImplicit, Attack: sim.AttackNone},
	{Name: "STLS, attacker strips it", TLS: client.TLSIfOffered, Attack: sim.AttackStripSTLS},
}

// A Column is one mode's run of Get mail and what its wire gave away.
type Column struct {
	Mode SecurityMode
	// Conns are the segments of each connection of the run (connection
	// n is Conns[n-1]), and Records their annotations.
	Conns   [][]wire.Segment
	Records [][]annotate.Record
	// Outcome says in one line what the mail client did.
	Outcome string
	// Learned is what an eavesdropper on the path learns.
	Learned Learned
	// Summary counts the records on the wire by kind.
	Summary []SummaryRow
}

// Learned is what an eavesdropper reads off one run's wire.
type Learned struct {
	Password, User, ServerName, Sizes Finding
}

// A Finding is one thing an eavesdropper learns, or does not.
type Finding struct {
	// Seen says whether the eavesdropper learns it.
	Seen bool
	// Value is what it learns, or why it does not.
	Value string
	// Where names the record it comes from.
	Where string
	// Conn, Segment, Record and Start locate the span it comes from, to
	// open it in the byte view; Conn is 0 when there is none.
	Conn, Segment, Record, Start int
}

// A SummaryRow counts the records of one kind in one direction.
type SummaryRow struct {
	Dir            wire.Dir
	Kind           string
	Records, Bytes int
}

// Compare runs the mail client's Get mail once per SecurityMode, each in
// a fresh simulation made from opts (the seed, the settings, the
// maildrop), with the server's TLS on and the client's TLS policy the
// mode's, and reports what each wire gave away. No simulation of the
// caller's is touched.
func Compare(opts sim.Options) ([]Column, error) {
	cols := make([]Column, 0, len(SecurityModes))
	for _, m := range SecurityModes {
		c, err := runMode(opts, m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

func runMode(opts sim.Options, m SecurityMode) (Column, error) {
	st := sim.DefaultSettings()
	if opts.Settings != nil {
		st = *opts.Settings
	}
	st.Server.TLS = true
	st.Client.TLS = m.TLS
	opts.Settings = &st
	s, err := sim.New(opts)
	if err != nil {
		return Column{}, err
	}
	defer s.Close()
	if m.Attack != sim.AttackNone {
		if _, err := s.Apply(sim.Action{Kind: sim.ActAttack, Attack: m.Attack}); err != nil {
			return Column{}, err
		}
	}
	res, err := s.Apply(sim.Action{Kind: sim.ActGetMail})
	if err != nil && !sim.IsLearnerError(err) {
		return Column{}, err
	}
	col := Column{Mode: m, Outcome: outcome(res.Report, err)}
	for n := 1; n <= s.LastConn(); n++ {
		segs := s.Segments(n)
		col.Conns = append(col.Conns, segs)
		col.Records = append(col.Records, annotate.Annotate(segs))
	}
	col.Learned = Eavesdrop(col.Records)
	col.Summary = Summarize(col.Records)
	return col, nil
}

func outcome(r *client.Report, err error) string {
	if err != nil {
		return "Get mail failed: " + err.Error()
	}
	if r == nil {
		return "Get mail ran"
	}
	out := fmt.Sprintf("downloaded %d, TLS: %s", r.Fetched, r.TLS)
	if len(r.Warnings) > 0 {
		out += "; warned: " + strings.Join(r.Warnings, "; ")
	}
	return out
}

// Eavesdrop reads what an eavesdropper learns from the annotated records
// of a run's connections (conns[n-1] is connection n): the password and
// user name where a POP3 line carries them in the clear, the server name
// a ClientHello sends (RFC 6066 §3), and the message sizes, from a LIST
// answer in the clear or else from the lengths of the server's encrypted
// records.
func Eavesdrop(conns [][]annotate.Record) Learned {
	var l Learned
	var digest *Finding
	var listed []string // "n size" of the first LIST answer
	var listAt Finding
	retr := -1             // bytes of the RETR answer being read, or -1
	var retrieved []string // sizes of the messages read in the clear
	var retrAt Finding
	type answer struct{ bytes, records int }
	var answers []answer // runs of the server's encrypted records
	answersAt := Finding{}
	for ci, recs := range conns {
		open := false // the server's current run of encrypted records
		for _, r := range recs {
			at := func(what string, s annotate.Span) Finding {
				return Finding{Seen: true, Where: fmt.Sprintf("%s, connection %d, segment %d", what, ci+1, r.Segments[0]),
					Conn: ci + 1, Segment: r.Segments[0], Record: r.Index, Start: s.Start}
			}
			switch r.Kind {
			case annotate.Line:
				walkSpans(r.Span, func(s annotate.Span, decoded []byte, home annotate.Span) {
					switch {
					case s.Secret && s.Decoded == nil && !l.Password.Seen: // an encoded secret: its decoded part tells it
						l.Password = at(r.Span.Label, home)
						l.Password.Value = spanText(r, s, decoded)
					case (s.Label == "user name" || s.Label == "authcid") && r.Dir == wire.ClientToServer && !l.User.Seen:
						l.User = at(r.Span.Label, home)
						l.User.Value = spanText(r, s, decoded)
					case s.Label == "digest" && digest == nil:
						f := at(r.Span.Label, home)
						f.Seen = false
						f.Value = "no: only the APOP digest " + spanText(r, s, decoded) + ", which lets an eavesdropper test guesses offline"
						digest = &f
					case s.Label == "size in octets" && r.Span.Label == "scan listing" && !listAt.Seen:
						listed = append(listed, spanText(r, s, decoded))
					}
				})
				if r.Dir == wire.ServerToClient {
					switch {
					case r.Span.Label == "end of multi-line response" && len(listed) > 0 && !listAt.Seen:
						listAt = at("LIST answer", r.Span)
					case r.Span.Label == "end of multi-line response" && retr >= 0:
						retrieved = append(retrieved, strconv.Itoa(retr))
						retr = -1
					case r.Span.Label == "response to RETR" && statusOK(r.Span):
						retr = 0
						if !retrAt.Seen {
							retrAt = at("RETR answer", r.Span)
						}
					case retr >= 0:
						// RFC 1939 §11: a message's size counts its
						// lines with CRLF, not the stuffed dots.
						retr += len(r.Bytes)
						walkSpans(r.Span, func(s annotate.Span, _ []byte, _ annotate.Span) {
							if s.Label == "stuffed dot" {
								retr -= s.Len()
							}
						})
					}
				}
				open = false
			case annotate.TLSRecord:
				walkSpans(r.Span, func(s annotate.Span, _ []byte, _ annotate.Span) {
					switch {
					case s.Label == "host name" && !l.ServerName.Seen:
						l.ServerName = at("ClientHello", s)
						l.ServerName.Value = s.Value
					case s.Label == "encrypted application data" && r.Dir == wire.ServerToClient:
						if !open {
							answers = append(answers, answer{})
							open = true
						}
						a := &answers[len(answers)-1]
						a.bytes += max(0, s.Len()-annotate.AEADOverhead)
						a.records++
						if !answersAt.Seen {
							answersAt = at("the server's encrypted records", s)
						}
					}
				})
				if r.Dir == wire.ClientToServer {
					open = false
				}
			}
		}
	}
	if !l.Password.Seen {
		l.Password.Value = "no"
		if digest != nil {
			l.Password = *digest
		}
	}
	if !l.User.Seen {
		l.User.Value = "no"
	}
	if !l.ServerName.Seen {
		l.ServerName.Value = "no ClientHello names it"
	}
	switch {
	case listAt.Seen:
		l.Sizes = listAt
		l.Sizes.Value = fmt.Sprintf("exactly, from LIST: %s octets", strings.Join(listed, ", "))
	case retrAt.Seen:
		l.Sizes = retrAt
		l.Sizes.Value = fmt.Sprintf("exactly, from the messages read in the clear: %s octets", strings.Join(retrieved, ", "))
	case len(answers) > 0:
		l.Sizes = answersAt
		sizes := make([]int, len(answers))
		for i, a := range answers {
			sizes[i] = a.bytes
		}
		big := slices.Clone(sizes)
		slices.Sort(big)
		slices.Reverse(big)
		big = big[:min(len(big), 5)]
		var b []string
		for _, n := range big {
			b = append(b, strconv.Itoa(n))
		}
		l.Sizes.Value = fmt.Sprintf("roughly, from record lengths: %d encrypted answers, the largest about %s bytes", len(answers), strings.Join(b, ", "))
	default:
		l.Sizes.Value = "no"
	}
	return l
}

// Summarize counts the records of a run's connections by direction and
// kind, in the order each kind first crossed.
func Summarize(conns [][]annotate.Record) []SummaryRow {
	var rows []SummaryRow
	for _, recs := range conns {
		for _, r := range recs {
			kind := recordKind(r)
			i := slices.IndexFunc(rows, func(row SummaryRow) bool { return row.Dir == r.Dir && row.Kind == kind })
			if i < 0 {
				rows = append(rows, SummaryRow{Dir: r.Dir, Kind: kind})
				i = len(rows) - 1
			}
			rows[i].Records++
			rows[i].Bytes += len(r.Bytes)
		}
	}
	return rows
}

// recordKind names a record's kind for the summary: "POP3 line", "TLS
// handshake", "TLS encrypted application data", "SYN", "FIN"; the
// attacker's records are counted apart.
func recordKind(r annotate.Record) string {
	var kind string
	switch r.Kind {
	case annotate.Line:
		kind = "POP3 line"
	case annotate.TLSRecord:
		kind = strings.TrimPrefix(r.Span.Label, "TLS record: ")
		if i := strings.Index(kind, " (0x"); i >= 0 {
			kind = kind[:i]
		}
		for _, s := range r.Span.Leaves() {
			if strings.HasPrefix(s.Label, "encrypted ") {
				kind = s.Label
				break
			}
		}
		kind = "TLS " + kind
	default:
		kind = r.Kind.String()
	}
	if r.Origin != wire.Sent {
		kind += ", " + r.Origin.String() + " by the attacker"
	}
	return kind
}

// statusOK reports whether the status line under root says +OK.
func statusOK(root annotate.Span) bool {
	for _, c := range root.Children {
		if c.Label == "status indicator" {
			return c.Value == "+OK"
		}
	}
	return false
}

// walkSpans calls fn for s and every span under it, and for the spans of
// decoded bytes with those bytes. home is the span of the record's own
// bytes: s itself, or the encoded span that s is a decoded part of.
func walkSpans(s annotate.Span, fn func(s annotate.Span, decoded []byte, home annotate.Span)) {
	var walk func(s annotate.Span, decoded []byte, home *annotate.Span)
	walk = func(s annotate.Span, decoded []byte, home *annotate.Span) {
		h := s
		if home != nil {
			h = *home
		}
		fn(s, decoded, h)
		for _, c := range s.Children {
			walk(c, decoded, home)
		}
		if d := s.Decoded; d != nil {
			for _, c := range d.Spans {
				walk(c, d.Bytes, &h)
			}
		}
	}
	walk(s, nil, nil)
}

// spanText is what span s says: its value, else its bytes, from decoded
// when s is a span of decoded bytes.
func spanText(r annotate.Record, s annotate.Span, decoded []byte) string {
	if s.Value != "" {
		return s.Value
	}
	b := r.Bytes
	if decoded != nil {
		b = decoded
	}
	if s.Start < 0 || s.End > len(b) || s.Start > s.End {
		return ""
	}
	return Printable(b[s.Start:s.End])
}
