//go:build !js

// Real-time rates: under js/wasm one thread runs both ends of the pipe and
// timers are coarse, so the reader's pace is not what the test sets. The
// simulator's own link runs on virtual time (sim/wire).

package server

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"pop3lab/sim/internal/pop3test"
)

// TestSlowSteadyReaderGetsLargeMessage: the write deadline moves with
// every chunk written, so a client that reads steadily but slowly
// receives a message whose transfer takes several idle timeouts; only
// inactivity ends a session (RFC 1939 §3).
func TestSlowSteadyReaderGetsLargeMessage(t *testing.T) {
	const idle = 250 * time.Millisecond
	env := newEnv(t, func(c *Config) { c.IdleTimeout = idle })
	var msg strings.Builder
	msg.WriteString("Subject: large\r\n\r\n")
	for i := 0; msg.Len() < 1<<20; i++ {
		fmt.Fprintf(&msg, "line %06d of a message that takes a slow reader several idle timeouts\r\n", i)
	}
	if _, err := env.store.Deliver("alice", strings.NewReader(msg.String())); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, pop3test.Pipe.Dial(t, env.srv))
	c.login()
	c.cmd("RETR 4")
	c.expect(fmt.Sprintf("+OK %d octets", msg.Len()))
	// 16 kB every 10 ms: at most 1.6 MB/s, so the 1 MB take more than
	// two idle timeouts, while one chunk the server writes under one
	// deadline (32 kB) takes a twelfth of one, leaving room for a loaded
	// machine's late wake-ups.
	start := time.Now()
	var got bytes.Buffer
	buf := make([]byte, 16384)
	for !bytes.HasSuffix(got.Bytes(), []byte("\r\n.\r\n")) {
		n, err := c.r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("after %d octets in %v: %v", got.Len(), time.Since(start), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if elapsed := time.Since(start); elapsed < 2*idle {
		t.Fatalf("the transfer took %v, less than two idle timeouts: the test proves nothing", elapsed)
	} else {
		t.Logf("%d octets in %v with a %v idle timeout", got.Len(), elapsed.Round(time.Millisecond), idle)
	}
	if body := strings.TrimSuffix(got.String(), ".\r\n"); body != msg.String() {
		t.Fatalf("body differs: %d octets, want %d", len(body), msg.Len())
	}
	c.cmd("QUIT")
	c.expect("+OK Logging out; no messages deleted.")
}
