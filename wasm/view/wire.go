package view

import (
	"fmt"
	"slices"

	"pop3lab/sim"
	"pop3lab/sim/wire"
)

// GroupMin is the length from which a run of body segments shows as one
// collapsed row ("RETR 5: 1,544 segments, 2.2 MB") that the learner can
// expand. Shorter runs show segment by segment.
const GroupMin = 4

// WireRow is one row of the wire panel: a segment, a run of body segments
// of one connection and direction, or something the attacker did.
type WireRow struct {
	// Seqs are the log Seqs of the row's segments (or of its one attack
	// event), in order.
	Seqs []int
	Conn int
	Dir  wire.Dir
	// Attack is true for a row that reports the attacker's action.
	Attack bool
	// Command is the newest command on the connection before the run:
	// what the bytes answer.
	Command string
	// Bytes is the payload size of the row's segments.
	Bytes int
	// TLS, Credentials and Attacker say what the row holds, for filters
	// and marks: encrypted bytes, plaintext credentials, bytes the
	// attacker injected or rewritten (or the attacker's action).
	TLS, Credentials, Attacker bool
	// runnable rows take more body segments.
	runnable bool
}

// Grouped reports whether the row shows as one collapsed run.
func (r WireRow) Grouped() bool { return len(r.Seqs) >= GroupMin }

// Summary is a grouped row's title.
func (r WireRow) Summary() string {
	what := r.Command
	if what == "" {
		what = "data"
	}
	return fmt.Sprintf("%s: %s segments, %s", what, Thousands(len(r.Seqs)), Size(int64(r.Bytes)))
}

// WireFilter selects rows of the wire panel.
type WireFilter struct {
	// Conn, when not 0, keeps one connection.
	Conn int
	// Dir keeps one direction: "c2s", "s2c" or "" for both.
	Dir string
	// Only keeps rows that hold "credentials", "tls" or "attacker"; ""
	// keeps all.
	Only string
}

// Keeps reports whether the filter shows r.
func (f WireFilter) Keeps(r WireRow) bool {
	if f.Conn != 0 && r.Conn != f.Conn {
		return false
	}
	if !r.Attack {
		switch f.Dir {
		case "c2s":
			if r.Dir != wire.ClientToServer {
				return false
			}
		case "s2c":
			if r.Dir != wire.ServerToClient {
				return false
			}
		}
	}
	switch f.Only {
	case "credentials":
		return r.Credentials
	case "tls":
		return r.TLS
	case "attacker":
		return r.Attacker
	}
	return true
}

// WireLog is the wire panel's model: every segment of the log, in rows.
// Nothing is dropped; long runs of body segments collapse into one row,
// and handshakes, logins and the attacker's bytes always stand alone.
type WireLog struct {
	rows    []WireRow
	command map[int]string // newest command, by conn
	conns   []int          // connections seen, in order
	dirty   int            // the first row changed since Changed was last called
}

// NewWireLog returns an empty log.
func NewWireLog() *WireLog {
	return &WireLog{command: map[int]string{}}
}

// Add takes one event of the log, in order.
func (w *WireLog) Add(e sim.Event) {
	switch e.Kind {
	case sim.EvCommand:
		w.command[e.Conn] = e.Text
	case sim.EvAttack:
		w.push(WireRow{Seqs: []int{e.Seq}, Conn: e.Conn, Attack: true, Attacker: true})
	case sim.EvSegment:
		if !slices.Contains(w.conns, e.Conn) {
			w.conns = append(w.conns, e.Conn)
		}
		runnable := bodySegment(e)
		if n := len(w.rows); runnable && n > 0 {
			last := &w.rows[n-1]
			if last.runnable && last.Conn == e.Conn && last.Dir == e.Dir && last.TLS == e.TLS {
				last.Seqs = append(last.Seqs, e.Seq)
				last.Bytes += len(e.Data)
				w.dirty = min(w.dirty, n-1)
				return
			}
		}
		w.push(WireRow{
			Seqs: []int{e.Seq}, Conn: e.Conn, Dir: e.Dir, Command: w.command[e.Conn], Bytes: len(e.Data),
			TLS: e.TLS, Credentials: len(e.Secrets) > 0 && !e.TLS, Attacker: e.Origin != wire.Sent,
			runnable: runnable && e.Dir == wire.ServerToClient,
		})
	}
}

func (w *WireLog) push(r WireRow) {
	w.rows = append(w.rows, r)
	w.dirty = min(w.dirty, len(w.rows)-1)
}

// bodySegment reports a segment that may join a run: plain data as the
// sender wrote it, no credentials, and no TLS record but application data
// (a handshake, an alert or a change of cipher always stands alone).
func bodySegment(e sim.Event) bool {
	if e.SegmentKind != wire.Data || e.Origin != wire.Sent || len(e.Secrets) > 0 {
		return false
	}
	for _, u := range e.Units {
		if u.TLS && u.Type != wire.ApplicationData {
			return false
		}
	}
	return true
}

// Rows returns every row.
func (w *WireLog) Rows() []WireRow { return w.rows }

// Conns lists the connections seen, in order.
func (w *WireLog) Conns() []int { return w.conns }

// Changed returns the index of the first row added or changed since the
// last call (len(Rows()) when none), and starts counting afresh.
func (w *WireLog) Changed() int {
	d := w.dirty
	w.dirty = len(w.rows)
	return min(d, len(w.rows))
}

// Thousands writes n with thousands separators: 1,544.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
