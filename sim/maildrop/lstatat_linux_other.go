//go:build linux && !amd64 && !arm64

package maildrop

import "syscall"

// lstatAt looks up name in the directory dir without following a link.
func lstatAt(dirfd int, dir, name string, st *syscall.Stat_t) error {
	return syscall.Lstat(dir+"/"+name, st)
}
