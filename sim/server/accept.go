package server

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// Accept backoff, as net/http does it: after a temporary accept failure
// wait 5 ms, doubling each time up to 1 s, and try again.
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
)

// temporaryAcceptError reports whether an accept failure will pass on its
// own: out of file descriptors (EMFILE, ENFILE), out of buffers or memory,
// or a connection that was aborted before it could be accepted. The
// listener is fine; the server waits and accepts again instead of
// returning, which would end every session.
func temporaryAcceptError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, errno := range [...]error{syscall.EMFILE, syscall.ENFILE, syscall.ECONNABORTED, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// nextBackoff returns the wait after a temporary accept failure that
// followed a wait of prev.
func nextBackoff(prev time.Duration) time.Duration {
	return min(max(2*prev, acceptBackoffMin), acceptBackoffMax)
}
