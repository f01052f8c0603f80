package maildrop

import "syscall"

// atSymlinkNofollow is AT_SYMLINK_NOFOLLOW of fstatat(2) on Linux.
const atSymlinkNofollow = 0x100

// lstatAt looks up name in the open directory dirfd (whose path is dir)
// without following a link: fstatat(2), so the kernel walks one name,
// not the whole path.
func lstatAt(dirfd int, dir, name string, st *syscall.Stat_t) error {
	return syscall.Fstatat(dirfd, name, st, atSymlinkNofollow)
}
