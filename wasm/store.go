//go:build js && wasm

package main

import (
	"context"
	"errors"
	"io/fs"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/indexeddb"
)

// Files in the browser store.
const (
	sessionFile  = "session.json"
	progressFile = "progress.json"
)

// store is the browser's IndexedDB, through hackpadfs.
type store struct{ fs hackpadfs.FS }

// openStore opens the IndexedDB file system. Without it (a private window
// that refuses storage) the page still works and says it cannot save.
func openStore() (*store, string) {
	fsys, err := indexeddb.NewFS(context.Background(), "pop3lab", indexeddb.Options{})
	if err != nil {
		return nil, "This browser refuses to store data for the page, so your session will not survive a reload."
	}
	return &store{fs: fsys}, ""
}

func (s *store) read(name string) ([]byte, error) { return hackpadfs.ReadFile(s.fs, name) }

func (s *store) write(name string, b []byte) error {
	return hackpadfs.WriteFullFile(s.fs, name, b, 0o600)
}

func (s *store) remove(name string) { _ = hackpadfs.Remove(s.fs, name) }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
