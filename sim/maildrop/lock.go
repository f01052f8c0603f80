package maildrop

import "path"

// Locking. A session holds its maildrop exclusively (RFC 1939 §8). The
// Store keeps the lock in memory, which excludes the sessions of one
// process. On a file system that is the host's own (hackpadfs os) it also
// takes an flock(2) on the maildrop's lock file, which excludes every
// other process and Store on the same directory: two `pop3lab pop3` on one
// --data cannot both grant a maildrop. Where flock does not exist (not
// Unix; js/wasm, where the file systems belong to one page) only the
// in-memory lock holds.

// lockName is the lock file in the Maildir. Like the deletion journal it
// is not in cur/ or new/, so it is never taken for a message; Maildir
// readers ignore such files.
const lockName = "pop3lab-lock"

// osPather is a file system whose paths are host paths: hackpadfs os.
type osPather interface {
	ToOSPath(fsPath string) (string, error)
}

// processLock takes the cross-process lock of the Maildir dir, if the file
// system has one. It returns the function that releases it. ErrLocked
// means another process holds it.
func (s *Store) processLock(dir string) (release func(), err error) {
	op, ok := s.fsys.(osPather)
	if !ok {
		return func() {}, nil
	}
	p, err := op.ToOSPath(path.Join(dir, lockName))
	if err != nil {
		return nil, err
	}
	return flockFile(p, uint32(filePerm))
}
