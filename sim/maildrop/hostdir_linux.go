//go:build linux

package maildrop

import (
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/hack-pad/hackpadfs"
	"golang.org/x/sys/unix"
)

// hostDirReads: readHostDir lists directories with plain system calls.
const hostDirReads = true

// readHostDir lists the directory at the host path p as os.ReadDir does
// (sorted by name, without "." and ".."), with one open, the getdents
// calls and one close, and looks each entry up in the open directory
// without following links (one fstatat(2) with AT_SYMLINK_NOFOLLOW each:
// the scan needs every message's size and time). os.Open would prepare the directory
// for the network poller, five calls more. An entry that vanished before
// its lookup reports that from Info, as an os.ReadDir entry does. A
// symbolic link is not followed (the Maildir's directories are never
// links). With keep, the directory stays open and keep gets it, after a
// listing without error.
func readHostDir(p string, keep func(fd int)) ([]hackpadfs.DirEntry, error) {
	fd, err := openHostDir(p)
	if err != nil {
		return nil, err
	}
	var names []string
	bufp := wireBufs.Get().(*[]byte)
	buf := *bufp
	for {
		var n int
		err = retryEINTR(func() (err error) {
			n, err = unix.ReadDirent(fd, buf)
			return err
		})
		if err != nil || n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	wireBufs.Put(bufp)
	if err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "readdirent", Path: p, Err: err}
	}
	slices.Sort(names)
	des := make([]hackpadfs.DirEntry, len(names))
	infos := make([]hostFileInfo, len(names))
	for i, name := range names {
		info := &infos[i]
		info.name = name
		err := retryEINTR(func() error { return unix.Fstatat(fd, name, &info.st, unix.AT_SYMLINK_NOFOLLOW) })
		if err != nil {
			info.err = &os.PathError{Op: "lstat", Path: p + "/" + name, Err: err}
		}
		des[i] = info
	}
	if keep != nil {
		keep(fd)
	} else {
		unix.Close(fd)
	}
	return des, nil
}

// hostFileInfo is a directory entry and its lstat: fs.DirEntry and
// fs.FileInfo at once.
type hostFileInfo struct {
	name string
	st   unix.Stat_t
	err  error // the lstat failed (the entry vanished): Info returns it
}

func (i *hostFileInfo) Name() string { return i.name }
func (i *hostFileInfo) Size() int64  { return i.st.Size }
func (i *hostFileInfo) IsDir() bool  { return i.Mode().IsDir() }
func (i *hostFileInfo) Sys() any     { return &i.st }

func (i *hostFileInfo) Type() fs.FileMode { return i.Mode().Type() }

func (i *hostFileInfo) Info() (fs.FileInfo, error) {
	if i.err != nil {
		return nil, i.err
	}
	return i, nil
}

func (i *hostFileInfo) ModTime() time.Time { return time.Unix(i.st.Mtim.Unix()) }

// Mode converts the stat mode as os.Lstat does.
func (i *hostFileInfo) Mode() fs.FileMode {
	if i.err != nil {
		return 0
	}
	m := fs.FileMode(i.st.Mode & 0o777)
	switch i.st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if i.st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if i.st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if i.st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
