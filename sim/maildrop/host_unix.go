//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package maildrop

import (
	"os"
	"syscall"
)

// hostReads: readHostFile reads with plain system calls here.
const hostReads = true

// readHostFile reads the regular file at the host path p into buf until
// the file ends or buf is full, and returns the octets read. A read that
// returns fewer octets than asked once at least expect are in is taken as
// the end: a regular file's read stops short only there, so the read that
// would return 0 is saved. (Where a file system returns short reads
// anywhere, the read goes on as long as fewer than expect octets are in;
// what can be missed is only an append that raced the read, which the
// extra read would miss a moment later too.) It does not follow a
// symbolic link (the scan lists regular files only, and a file swapped
// for a link since is not the message it listed). Errors are
// *os.PathError, so errors.Is(err, fs.ErrNotExist) works as for os.Open.
func readHostFile(p string, buf []byte, expect int) (int, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
		return err
	})
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: p, Err: err}
	}
	n := 0
	for n < len(buf) {
		var m int
		err = retryEINTR(func() (err error) {
			m, err = syscall.Read(fd, buf[n:])
			return err
		})
		if err != nil {
			syscall.Close(fd)
			return n, &os.PathError{Op: "read", Path: p, Err: err}
		}
		asked := len(buf) - n
		n += m
		if m == 0 || (m < asked && n >= expect) {
			break
		}
	}
	if err := syscall.Close(fd); err != nil {
		return n, &os.PathError{Op: "close", Path: p, Err: err}
	}
	return n, nil
}
