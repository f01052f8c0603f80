package maildrop

// Reading from the host's own file system. When the Store's file system is
// hackpadfs os (`pop3lab pop3 --data DIR`), a message smaller than one wire
// buffer is read with three system calls: open (by its name in the
// session's open cur/ or new/), read, close (host_unix.go). os.Open would
// add four fcntl and an epoll_ctl that fails for a regular file, because
// it prepares every file for the network poller: more than the read of a
// 10 KB message costs. On Linux the Maildir's directories are listed
// likewise (hostdir_linux.go).
// Elsewhere (mem, indexeddb, js/wasm) files and directories are read
// through hackpadfs.

// hostDir returns the host path of the Maildir dir when the file system
// is the host's and this system has the direct read, else "".
func (s *Store) hostDir(dir string) string {
	if !hostReads {
		return ""
	}
	return s.hostPath(dir)
}

// hostPath returns the host path of p when the file system is the host's,
// else "".
func (s *Store) hostPath(p string) string {
	op, ok := s.fsys.(osPather)
	if !ok {
		return ""
	}
	hp, err := op.ToOSPath(p)
	if err != nil {
		return ""
	}
	return hp
}
