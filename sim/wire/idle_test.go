package wire

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"testing"
	"time"
)

// TestWaitIdle: WaitIdle returns only once the receiver has read what was
// sent and waits for more, and reports a receiver that stays busy.
func TestWaitIdle(t *testing.T) {
	l, err := NewLink(Config{})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	answered := make(chan string, 10)
	go func() {
		r := bufio.NewReader(l.Server())
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "SLOW\n" {
				<-release
			}
			l.Server().Write([]byte("+OK " + line))
			answered <- line
		}
	}()
	if _, err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	l.Client().Write([]byte("NOOP\n"))
	if _, err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-answered:
		if got != "NOOP\n" {
			t.Fatalf("answered %q", got)
		}
	default:
		t.Fatal("WaitIdle returned before the server answered")
	}
	l.Client().Write([]byte("SLOW\n"))
	if _, err := l.WaitIdle(ClientToServer, 50*time.Millisecond); !errors.Is(err, ErrNotIdle) {
		t.Fatalf("busy server: %v, want ErrNotIdle", err)
	}
	close(release)
	if _, err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	l.Server().Close()
	if closed, err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil || !closed {
		t.Fatalf("closed receiver: %v, %v", closed, err)
	}
}

// TestVirtualTimeDeadline: with VirtualTime a deadline passes only when
// CheckDeadlines sees the clock past it, however much real time goes by.
func TestVirtualTimeDeadline(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l, err := NewLink(Config{VirtualTime: true, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	l.Server().SetReadDeadline(now.Add(10 * time.Millisecond))
	errc := make(chan error, 1)
	go func() {
		_, err := l.Server().Read(make([]byte, 1))
		errc <- err
	}()
	select {
	case err := <-errc:
		t.Fatalf("deadline passed in real time: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	l.CheckDeadlines()
	select {
	case err := <-errc:
		t.Fatalf("deadline passed before the clock reached it: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	now = now.Add(time.Second)
	l.CheckDeadlines()
	if err := <-errc; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read error %v, want os.ErrDeadlineExceeded", err)
	}
}

// TestWritePcapLinks: two links' frames are merged by time into one file.
func TestWritePcapLinks(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, _ := NewLink(Config{Clock: clock})
	now = now.Add(time.Second)
	b, _ := NewLink(Config{Clock: clock, Client: netip.MustParseAddrPort("192.0.2.10:49153")})
	now = now.Add(time.Second)
	a.Client().Write([]byte("NOOP\r\n"))
	var one, two, merged bytes.Buffer
	a.WritePcap(&one)
	b.WritePcap(&two)
	if err := WritePcapLinks(&merged, a, b); err != nil {
		t.Fatal(err)
	}
	if want := one.Len() + two.Len() - 24; merged.Len() != want {
		t.Fatalf("merged %d bytes, want %d", merged.Len(), want)
	}
	// Frame order: a's handshake (3 frames at t0), b's handshake (t0+1s),
	// then a's data and ack (t0+2s).
	m := merged.Bytes()[24:]
	var secs []uint32
	for len(m) >= 16 {
		secs = append(secs, binary.LittleEndian.Uint32(m[0:]))
		m = m[16+int(binary.LittleEndian.Uint32(m[8:])):]
	}
	for i := 1; i < len(secs); i++ {
		if secs[i] < secs[i-1] {
			t.Fatalf("timestamps go back: %v", secs)
		}
	}
	if len(secs) != 8 {
		t.Fatalf("%d frames, want 8", len(secs))
	}
}
