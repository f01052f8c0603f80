package maildrop

import (
	"syscall"
	"unsafe"
)

// atSymlinkNofollow is AT_SYMLINK_NOFOLLOW of fstatat(2) on Linux.
const atSymlinkNofollow = 0x100

// lstatAt looks up name in the open directory dirfd (whose path is dir)
// without following a link: fstatat(2), so the kernel walks one name,
// not the whole path. The syscall package does not export it on amd64.
func lstatAt(dirfd int, dir, name string, st *syscall.Stat_t) error {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	_, _, e := syscall.Syscall6(syscall.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(st)), atSymlinkNofollow, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
