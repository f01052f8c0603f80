package view

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/client"
	"pop3lab/sim/eavesdrop"
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
	Learned eavesdrop.Learned
	// Summary counts the records on the wire by kind.
	Summary []SummaryRow
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
// caller's is touched. A page that must stay responsive runs the same
// columns piece by piece with NewModeRun.
func Compare(opts sim.Options) ([]Column, error) {
	cols := make([]Column, 0, len(SecurityModes))
	for _, m := range SecurityModes {
		r := NewModeRun(opts, m)
		for {
			done, err := r.Step()
			if err != nil {
				return nil, err
			}
			if done {
				break
			}
		}
		cols = append(cols, r.Column())
	}
	return cols, nil
}

// A ModeRun computes one column of the comparison in pieces, so that a
// page can draw and take input between them: the Get mail, then the
// annotations of each connection, at most maxPieceBytes at a time, then
// the findings.
type ModeRun struct {
	opts sim.Options
	col  Column
	s    *sim.Simulation
	conn int // the connections annotated so far, the last maybe in part
	a    *annotate.Annotator
	fed  int // segments of connection conn given to a
	done bool
	// stopped is set by Close before the column is complete.
	stopped bool
}

// ErrStopped is Step's error after Close stopped an unfinished run.
var ErrStopped = errors.New("the comparison was stopped")

// NewModeRun prepares the run of mode m from opts; nothing runs before
// the first Step.
func NewModeRun(opts sim.Options, m SecurityMode) *ModeRun {
	return &ModeRun{opts: opts, col: Column{Mode: m}}
}

// Step does the next piece of the run and reports whether the column is
// complete. An error ends the run (it is closed) and names the mode.
func (r *ModeRun) Step() (done bool, err error) {
	defer func() {
		if err != nil {
			r.Close()
			err = fmt.Errorf("%s: %w", r.col.Mode.Name, err)
		}
	}()
	switch {
	case r.done:
		return true, nil
	case r.stopped:
		return true, ErrStopped
	case r.s == nil:
		return false, r.getMail()
	case r.a != nil || r.conn < r.s.LastConn():
		r.annotateSome()
		return false, nil
	}
	r.col.Learned = eavesdrop.Learn(r.col.Records)
	r.col.Summary = Summarize(r.col.Records)
	r.done = true
	r.s.Close()
	return true, nil
}

// maxPieceBytes bounds the bytes one Step annotates, so that a long
// connection (the sample's 2 MB message read in the clear is 27,000
// lines) takes several pieces.
const maxPieceBytes = 256 << 10

// annotateSome annotates the next segments of the current connection, up
// to maxPieceBytes, starting the next connection when there is none.
func (r *ModeRun) annotateSome() {
	if r.a == nil {
		r.conn++
		r.a, r.fed = &annotate.Annotator{}, 0
		r.col.Conns = append(r.col.Conns, r.s.Segments(r.conn))
		r.col.Records = append(r.col.Records, nil)
	}
	segs, recs := r.col.Conns[r.conn-1], &r.col.Records[r.conn-1]
	for n := 0; r.fed < len(segs) && n < maxPieceBytes; r.fed++ {
		*recs = append(*recs, r.a.Add(segs[r.fed])...)
		n += len(segs[r.fed].Payload)
	}
	if r.fed == len(segs) {
		r.a = nil
	}
}

// Column is the run's column, complete once Step has said so.
func (r *ModeRun) Column() Column { return r.col }

// Close stops the run and frees its simulation; a Step after it returns
// ErrStopped, unless the column was complete. A page calls it when the
// learner leaves the comparison.
func (r *ModeRun) Close() {
	if r.done || r.stopped {
		return
	}
	r.stopped = true
	if r.s != nil {
		r.s.Close()
	}
}

// getMail makes the mode's simulation and runs its Get mail.
func (r *ModeRun) getMail() error {
	m := r.col.Mode
	st := sim.DefaultSettings()
	if r.opts.Settings != nil {
		st = *r.opts.Settings
	}
	st.Server.TLS = true
	st.Client.TLS = m.TLS
	opts := r.opts
	opts.Settings = &st
	s, err := sim.New(opts)
	if err != nil {
		return err
	}
	r.s = s
	if m.Attack != sim.AttackNone {
		if _, err := s.Apply(sim.Action{Kind: sim.ActAttack, Attack: m.Attack}); err != nil {
			return err
		}
	}
	res, err := s.Apply(sim.Action{Kind: sim.ActGetMail})
	if err != nil && !sim.IsLearnerError(err) {
		return err
	}
	r.col.Outcome = outcome(res.Report, err)
	return nil
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
