//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package maildrop

// hostReads: no direct reads here; files are read through hackpadfs.
const hostReads = false

// messageDirs is unused without hostReads.
type messageDirs struct{}

func (d *messageDirs) read(maildir, sub, name string, buf []byte, expect int) (int, error) {
	panic("maildrop: messageDirs.read without hostReads")
}

func (d *messageDirs) hold(sub string, fd int) {}

func (d *messageDirs) close() {}
