//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package maildrop

import (
	"os"

	"golang.org/x/sys/unix"
)

// hostReads: messages are read with plain system calls here.
const hostReads = true

// messageDirs holds a session's cur/ and new/ open on the host, so that a
// message is opened by its name in its open directory: the kernel does not
// walk the Maildir's whole path again for every message. The scan hands
// over cur/, which it had open to list it; new/ is opened at the first
// message read from it. Both are closed with the session. Neither is
// opened through a symbolic link (the scan refused a linked Maildir or
// subdirectory): a directory swapped for a link after the scan is not
// followed.
type messageDirs struct {
	fd     [2]int // cur/, new/
	opened [2]bool
}

// read reads the message file name in the Maildir's subdirectory sub
// (dirCur or dirNew) at the host path maildir into buf, as readHostFile
// does.
func (d *messageDirs) read(maildir, sub, name string, buf []byte, expect int) (int, error) {
	i := dirSlot(sub)
	if !d.opened[i] {
		fd, err := openHostDir(maildir + "/" + sub)
		if err != nil {
			return 0, err
		}
		d.fd[i], d.opened[i] = fd, true
	}
	n, err := readHostFile(d.fd[i], name, buf, expect)
	if pe, ok := err.(*os.PathError); ok {
		pe.Path = maildir + "/" + sub + "/" + name
	}
	return n, err
}

// hold takes fd, the open directory sub, as the scan listed it: the
// session's messages are read from it without opening it again.
func (d *messageDirs) hold(sub string, fd int) {
	i := dirSlot(sub)
	if d.opened[i] {
		unix.Close(fd)
		return
	}
	d.fd[i], d.opened[i] = fd, true
}

// dirSlot is the index of the subdirectory sub (dirCur or dirNew) in a
// messageDirs.
func dirSlot(sub string) int {
	if sub == dirNew {
		return 1
	}
	return 0
}

// openHostDir opens the directory at the host path p for reading, without
// following a symbolic link. Errors are *os.PathError.
func openHostDir(p string) (int, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Open(p, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: p, Err: err}
	}
	return fd, nil
}

// close closes the directories.
func (d *messageDirs) close() {
	for i := range d.fd {
		if d.opened[i] {
			unix.Close(d.fd[i])
			d.opened[i] = false
		}
	}
}

// readHostFile reads the regular file name in the open directory dir into
// buf until the file ends or buf is full, and returns the octets read:
// open, read and close, where os.Open would add four fcntl and an
// epoll_ctl that fails for a regular file, because it prepares every file
// for the network poller (more than the read of a 10 KB message costs). A
// read that returns fewer octets than asked once at least expect are in
// is taken as the end: a regular file's read stops short only there, so
// the read that would return 0 is saved. (Where a file system returns
// short reads anywhere, the read goes on as long as fewer than expect
// octets are in; what can be missed is only an append that raced the
// read, which the extra read would miss a moment later too.) It does not
// follow a symbolic link (the scan lists regular files only, and a file
// swapped for a link since is not the message it listed). Errors are
// *os.PathError with the name as its path, so errors.Is(err,
// fs.ErrNotExist) works as for os.Open.
func readHostFile(dir int, name string, buf []byte, expect int) (int, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Openat(dir, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
		return err
	})
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: name, Err: err}
	}
	n := 0
	for n < len(buf) {
		var m int
		err = retryEINTR(func() (err error) {
			m, err = unix.Read(fd, buf[n:])
			return err
		})
		if err != nil {
			unix.Close(fd)
			return n, &os.PathError{Op: "read", Path: name, Err: err}
		}
		asked := len(buf) - n
		n += m
		if m == 0 || (m < asked && n >= expect) {
			break
		}
	}
	if err := unix.Close(fd); err != nil {
		return n, &os.PathError{Op: "close", Path: name, Err: err}
	}
	return n, nil
}
