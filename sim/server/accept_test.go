package server

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestAcceptBackoff: 5 ms, doubling, at most 1 s (as net/http).
func TestAcceptBackoff(t *testing.T) {
	var got []time.Duration
	d := time.Duration(0)
	for range 10 {
		d = nextBackoff(d)
		got = append(got, d)
	}
	want := []time.Duration{5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("backoff %d = %v, want %v ms (all: %v)", i, got[i], want[i], got)
		}
	}
}

func TestTemporaryAcceptError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&os.SyscallError{Syscall: "accept4", Err: syscall.EMFILE}, true},
		{fmt.Errorf("accept: %w", &os.SyscallError{Syscall: "accept4", Err: syscall.ENFILE}), true},
		{&os.SyscallError{Syscall: "accept4", Err: syscall.ECONNABORTED}, true},
		{os.ErrDeadlineExceeded, true},
		{errors.New("use of closed network connection"), false},
		{&os.SyscallError{Syscall: "accept4", Err: syscall.EINVAL}, false},
	} {
		if got := temporaryAcceptError(tc.err); got != tc.want {
			t.Errorf("temporaryAcceptError(%v) = %t, want %t", tc.err, got, tc.want)
		}
	}
}
