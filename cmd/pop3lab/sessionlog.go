package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pop3lab/sim/server"
)

const (
	// logQueueSize is how many log lines may wait for a slow log reader
	// before new ones are dropped (and counted).
	logQueueSize = 1024
	// logFlushTimeout bounds how long shutdown waits for the queue.
	logFlushTimeout = 2 * time.Second
)

// logQueue writes log lines from one goroutine, so that a log reader that
// stalls (a pipe into a pager, Ctrl-S in a terminal, a stuck log shipper)
// can never hold up a session. A line that finds the queue full is
// dropped and counted; the count is written once the queue has drained.
type logQueue struct {
	lines   chan string
	dropped atomic.Uint64
	pending atomic.Int64 // queued or being written
}

func newLogQueue(w io.Writer, size int) *logQueue {
	q := &logQueue{lines: make(chan string, size)}
	go q.run(w)
	return q
}

// Printf queues one line (a newline is added) without ever blocking.
func (q *logQueue) Printf(format string, args ...any) {
	q.pending.Add(1)
	select {
	case q.lines <- fmt.Sprintf(format, args...) + "\n":
	default:
		q.pending.Add(-1)
		q.dropped.Add(1)
	}
}

// Timestamped queues a line that starts with the time, as session lines do.
func (q *logQueue) Timestamped(format string, args ...any) {
	q.Printf("%s %s", time.Now().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

func (q *logQueue) run(w io.Writer) {
	for line := range q.lines {
		io.WriteString(w, line)
		if len(q.lines) == 0 {
			if n := q.dropped.Swap(0); n > 0 {
				fmt.Fprintf(w, "%s %d log lines dropped: the log output was not keeping up\n", time.Now().Format(time.RFC3339), n)
			}
		}
		q.pending.Add(-1)
	}
}

// Flush waits until every queued line is written, at most timeout.
func (q *logQueue) Flush(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for q.pending.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// sessionLog writes one line per finished session. It sees commands only
// through Event.Redacted and never records a credential.
type sessionLog struct {
	out      *logQueue
	mu       sync.Mutex
	sessions map[uint64]*sessionStats
}

func newSessionLog(out *logQueue) *sessionLog {
	return &sessionLog{out: out, sessions: make(map[uint64]*sessionStats)}
}

type sessionStats struct {
	start     time.Time
	remote    string
	tls       bool
	commands  int
	retrieved int
	deleted   int
	failures  int
}

// Observe implements server.Observer. It only counts, under a mutex held
// for no I/O; the line goes through the queue.
func (l *sessionLog) Observe(e server.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.sessions[e.Session]
	if st == nil {
		st = &sessionStats{start: e.Time}
		if e.Remote != nil {
			st.remote = e.Remote.String()
		}
		l.sessions[e.Session] = st
	}
	switch e.Kind {
	case server.EventCommand:
		st.commands++
		switch e.Command {
		case "RETR":
			st.retrieved++
		case "DELE":
			st.deleted++
		}
	case server.EventResponse:
		if strings.HasPrefix(e.Line, "-ERR [AUTH]") {
			st.failures++
		}
	case server.EventTLS:
		st.tls = st.tls || e.TLS
	case server.EventClose:
		user := e.User
		if user == "" {
			user = "-"
		}
		l.out.Printf("%s session %d from %s user=%s tls=%t commands=%d retr=%d dele=%d auth-failures=%d duration=%s end=%q",
			e.Time.Format(time.RFC3339), e.Session, st.remote, user, st.tls, st.commands, st.retrieved, st.deleted,
			st.failures, e.Time.Sub(st.start).Round(time.Millisecond), e.Note)
		delete(l.sessions, e.Session)
	}
}
