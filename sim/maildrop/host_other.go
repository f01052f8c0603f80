//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package maildrop

// hostReads: no direct reads here; files are read through hackpadfs.
const hostReads = false

func readHostFile(p string, buf []byte, expect int) (int, error) {
	panic("maildrop: readHostFile without hostReads")
}
