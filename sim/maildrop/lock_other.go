//go:build !unix

package maildrop

// flockFile is a no-op where flock(2) does not exist: only the Store's
// in-memory lock holds (see lock.go and the README).
func flockFile(p string, perm uint32) (release func(), err error) {
	return func() {}, nil
}
