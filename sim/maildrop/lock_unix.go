//go:build unix

package maildrop

import (
	"errors"
	"os"
	"syscall"
)

// flockFile opens (creating) the lock file p and takes an exclusive,
// non-blocking flock(2) on it: held until release, or until the process
// ends, however it ends. A lock held elsewhere is ErrLocked. The file is
// opened with plain system calls: os.OpenFile would prepare it for the
// network poller, five more calls on every login (see host.go).
func flockFile(p string, perm uint32) (release func(), err error) {
	var fd int
	err = retryEINTR(func() (err error) {
		fd, err = syscall.Open(p, syscall.O_RDWR|syscall.O_CREAT|syscall.O_CLOEXEC, perm)
		return err
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	err = retryEINTR(func() error { return syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) })
	if err != nil {
		syscall.Close(fd)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, &os.PathError{Op: "flock", Path: p, Err: err}
	}
	released := false
	return func() {
		// Closing the file releases the flock. Once only: the number
		// may belong to another file afterwards.
		if !released {
			released = true
			syscall.Close(fd)
		}
	}, nil
}

// retryEINTR calls f again while a signal interrupts it.
func retryEINTR(f func() error) error {
	for {
		err := f()
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
