// Package eavesdrop says what an eavesdropper on the path learns from a
// POP3 session's annotated records (sim/annotate): the password and the
// user name where a POP3 line carries them in the clear, the server name
// a TLS ClientHello sends, and the message sizes. The side-by-side
// comparison shows these findings per security mode, a lesson's bytes
// block opens one of them in the byte view, and the lesson checker makes
// sure that the one a block names is there.
package eavesdrop

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"pop3lab/sim/annotate"
	"pop3lab/sim/wire"
)

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

// Names are the findings' names, in the order of Learned's fields, as a
// lesson's bytes block names them ("show: password").
var Names = []string{"password", "user name", "server name", "message sizes"}

// Named returns the finding called name (one of Names), and false for
// another name.
func (l Learned) Named(name string) (Finding, bool) {
	switch name {
	case "password":
		return l.Password, true
	case "user name":
		return l.User, true
	case "server name":
		return l.ServerName, true
	case "message sizes":
		return l.Sizes, true
	}
	return Finding{}, false
}

// ErrNoConnection is Find's error for a lab that has made no connection.
var ErrNoConnection = errors.New("the lab has made no connection yet")

// Find returns the finding called name (one of Names) that connection
// conn alone gives away, given its annotated records: what a lesson's
// bytes block opens. The error is ErrNoConnection when conn is below 1,
// and says so when name is not one of Names or when the connection gives
// no such thing away ("connection 1 gives no password away (no)"; the
// finding, whose Conn is 0, is returned with it).
func Find(conn int, recs []annotate.Record, name string) (Finding, error) {
	if conn < 1 {
		return Finding{}, ErrNoConnection
	}
	conns := make([][]annotate.Record, conn)
	conns[conn-1] = recs
	f, ok := Learn(conns).Named(name)
	switch {
	case !ok:
		return Finding{}, fmt.Errorf("no finding is called %q: want one of %q", name, Names)
	case f.Conn == 0:
		return f, fmt.Errorf("connection %d gives no %s away (%s)", conn, name, f.Value)
	}
	return f, nil
}

// Learn reads what an eavesdropper learns from the annotated records of
// a run's connections (conns[n-1] is connection n): the password and
// user name where a POP3 line carries them in the clear, the server name
// a ClientHello sends (RFC 6066 §3), and the message sizes, from a LIST
// answer in the clear or else from the lengths of the server's encrypted
// records.
func Learn(conns [][]annotate.Record) Learned {
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
				r.Span.Walk(func(s annotate.Span, decoded []byte, home annotate.Span) {
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
						r.Span.Walk(func(s annotate.Span, _ []byte, _ annotate.Span) {
							if s.Label == "stuffed dot" {
								retr -= s.Len()
							}
						})
					}
				}
				open = false
			case annotate.TLSRecord:
				r.Span.Walk(func(s annotate.Span, _ []byte, _ annotate.Span) {
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

// statusOK reports whether the status line under root says +OK.
func statusOK(root annotate.Span) bool {
	for _, c := range root.Children {
		if c.Label == "status indicator" {
			return c.Value == "+OK"
		}
	}
	return false
}

// spanText is what span s says: its value, else its bytes, from decoded
// when s is a span of decoded bytes, quoted with Go escapes unless they
// are printable US-ASCII.
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
	return printable(b[s.Start:s.End])
}

// printable returns b as it is when every byte is printable US-ASCII,
// else quoted with Go escapes: a finding is one line of text.
func printable(b []byte) string {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return strconv.Quote(string(b))
		}
	}
	return string(b)
}
