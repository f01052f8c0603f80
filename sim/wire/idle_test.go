package wire

import (
	"bufio"
	"errors"
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
	if err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	l.Client().Write([]byte("NOOP\n"))
	if err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
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
	if err := l.WaitIdle(ClientToServer, 50*time.Millisecond); !errors.Is(err, ErrNotIdle) {
		t.Fatalf("busy server: %v, want ErrNotIdle", err)
	}
	close(release)
	if err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	l.Server().Close()
	if err := l.WaitIdle(ClientToServer, 5*time.Second); err != nil {
		t.Fatalf("closed receiver: %v", err)
	}
}
