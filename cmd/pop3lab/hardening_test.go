//go:build !js

package main

// Tests of `pop3lab pop3` under abuse, as a real process on loopback:
// connection caps, a stalled log reader, parallel password guessing, a
// second process on the same --data.

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// TestConnectionCapFlags: over --max-conns-per-ip, a connection gets one
// "-ERR [SYS/TEMP]" line (RFC 3206 §4) and is closed; the sessions already
// open go on.
func TestConnectionCapFlags(t *testing.T) {
	srv := startPOP3(t, newMaildirs(t, testMessages...), "--max-conns-per-ip", "2")
	first := dialPOP3(t, srv.plain)
	first.login("alice", "wonderland")
	second := dialPOP3(t, srv.plain)
	over := rawDial(t, srv.plain)
	expect(t, "refusal", readLine(t, over), "-ERR [SYS/TEMP] Too many connections from your address; try again later.\r\n")
	expectClosed(t, over)
	expect(t, "STAT in the first session", first.cmd("STAT")[:4], "+OK ")
	expect(t, "QUIT in the second session", second.cmd("QUIT"), "+OK Logging out.")
}

// rawDial connects without reading the greeting.
func rawDial(t *testing.T, addr string) *bufio.Reader {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, toolTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(toolTimeout))
	return bufio.NewReader(c)
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	l, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a line: %v (got %q)", err, l)
	}
	return l
}

// expectClosed asserts the server closed the connection without more.
func expectClosed(t *testing.T, r *bufio.Reader) {
	t.Helper()
	if rest, err := r.ReadString('\n'); err == nil || rest != "" {
		t.Fatalf("after the refusal: %q, %v; want the connection closed", rest, err)
	} else if !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("after the refusal: %v, want EOF", err)
	}
}
