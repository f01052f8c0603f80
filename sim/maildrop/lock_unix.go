//go:build unix

package maildrop

import (
	"errors"
	"os"
	"syscall"
)

// flockFile opens (creating) the lock file p and takes an exclusive,
// non-blocking flock(2) on it: held until release, or until the process
// ends, however it ends. A lock held elsewhere is ErrLocked.
func flockFile(p string, perm uint32) (release func(), err error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, os.FileMode(perm))
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
	return func() {
		// Closing the file releases the flock.
		f.Close()
	}, nil
}
