//go:build !js

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/sample"
	"pop3lab/sim/server"
)

// stalledWriter is a log reader that does not read until released. Its
// writing channel, when set, is closed when the first write begins.
type stalledWriter struct {
	release chan struct{}
	writing chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *stalledWriter) Write(p []byte) (int, error) {
	if w.writing != nil {
		w.once.Do(func() { close(w.writing) })
	}
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *stalledWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestStalledLogDoesNotDelayGreetings: with the session log going to a
// writer that never reads, more sessions than the log queue holds all get
// their greeting and their QUIT answered; the lines that did not fit are
// counted, and the count is logged once the writer reads again.
func TestStalledLogDoesNotDelayGreetings(t *testing.T) {
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	if err := sample.Populate(fsys, "", sample.User); err != nil {
		t.Fatal(err)
	}
	opts := defaultPOP3Options()
	opts.listen, opts.tlsListen = "127.0.0.1:0", ""
	opts.maxConnsPerIP, opts.maxUnauthPerIP = 0, 0
	logw := &stalledWriter{release: make(chan struct{})}
	svc, err := launchPOP3(opts, fsys, server.Users{sample.User: sample.Password}, logw)
	if err != nil {
		t.Fatal(err)
	}
	const sessions = logQueueSize + 200
	for i := range sessions {
		c, err := net.Dial("tcp", svc.plainAddr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		if g, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(g, "+OK POP3 server ready <") {
			t.Fatalf("session %d: greeting %q, %v", i+1, g, err)
		}
		fmt.Fprintf(c, "QUIT\r\n")
		if l, err := r.ReadString('\n'); err != nil || l != "+OK Logging out.\r\n" {
			t.Fatalf("session %d: QUIT answered %q, %v", i+1, l, err)
		}
		c.Close()
	}
	close(logw.release)
	if err := svc.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := logw.String()
	logged := strings.Count(out, " end=\"quit\"\n")
	m := regexp.MustCompile(`(?m)^\S+ (\d+) log lines dropped: the log output was not keeping up$`).FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		t.Fatalf("want one dropped-lines report, got %d in:\n%s", len(m), out[max(0, len(out)-2000):])
	}
	dropped, _ := strconv.Atoi(m[0][1])
	if dropped == 0 || logged+dropped != sessions {
		t.Fatalf("%d lines logged and %d dropped, want %d sessions in all", logged, dropped, sessions)
	}
}

// TestLogQueueReportsDrops: lines that find the queue full are dropped,
// counted, and the count follows the lines that were kept.
func TestLogQueueReportsDrops(t *testing.T) {
	w := &stalledWriter{release: make(chan struct{}), writing: make(chan struct{})}
	q := newLogQueue(w, 2)
	// The first line is being written (and the writer stalls on it)
	// before the others come: two of them wait in the queue, and the
	// other seven find it full.
	q.Printf("line 0")
	<-w.writing
	for i := 1; i < 10; i++ {
		q.Printf("line %d", i)
	}
	close(w.release)
	q.Flush(5 * time.Second)
	lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
	want := []string{"line 0", "line 1", "line 2", " 7 log lines dropped: the log output was not keeping up"}
	if len(lines) != len(want) || !strings.HasSuffix(lines[3], want[3]) || !slices.Equal(lines[:3], want[:3]) {
		t.Fatalf("log: %q\nwant: %q (the last after a time)", lines, want)
	}
	if _, err := time.Parse(time.RFC3339, strings.TrimSuffix(lines[3], want[3])); err != nil {
		t.Fatalf("the dropped-lines report does not start with the time: %q", lines[3])
	}
}
