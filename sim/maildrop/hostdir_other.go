//go:build !linux

package maildrop

import "github.com/hack-pad/hackpadfs"

// hostDirReads: directories are listed through hackpadfs here.
const hostDirReads = false

func readHostDir(p string, keep func(fd int)) ([]hackpadfs.DirEntry, error) {
	panic("maildrop: readHostDir without hostDirReads")
}
