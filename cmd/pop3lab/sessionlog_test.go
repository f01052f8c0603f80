//go:build !js

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/sample"
	"pop3lab/sim/server"
)

// stalledWriter is a log reader that does not read until released.
type stalledWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *stalledWriter) Write(p []byte) (int, error) {
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
	w := &stalledWriter{release: make(chan struct{})}
	q := newLogQueue(w, 2)
	for i := range 10 {
		q.Printf("line %d", i)
	}
	close(w.release)
	q.Flush(5 * time.Second)
	lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
	// Two lines wait in the queue and a third is kept if the writer
	// took the first one before the others came; the rest are dropped.
	if len(lines) < 3 || len(lines) > 4 || lines[0] != "line 0" {
		t.Fatalf("log: %q", lines)
	}
	kept := len(lines) - 1
	want := fmt.Sprintf(" %d log lines dropped: the log output was not keeping up", 10-kept)
	if !strings.HasSuffix(lines[kept], want) {
		t.Fatalf("last line %q, want suffix %q", lines[kept], want)
	}
	for i := 1; i < kept; i++ {
		if lines[i] != "line "+strconv.Itoa(i) {
			t.Fatalf("line %d is %q", i, lines[i])
		}
	}
}
