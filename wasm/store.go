//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"syscall/js"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/indexeddb"
)

// Files in the browser store.
const (
	sessionFile  = "session.json"
	progressFile = "progress.json"
	// keptFile holds a saved sandbox too long to replay, until the
	// learner downloads it or saves over it.
	keptFile = "session-kept.json"
)

// store is the browser's IndexedDB, through hackpadfs. Writes may go
// through one writer goroutine, so that the UI's work queue never waits
// for IndexedDB.
type store struct {
	fs     hackpadfs.FS
	writes chan pendingWrite
}

type pendingWrite struct {
	name string
	data []byte
	done func(error)
}

// dbName is the IndexedDB database of the page.
const dbName = "pop3lab"

// openStore opens the IndexedDB file system. A database that cannot be
// opened (damaged, or left by something else) is deleted and made afresh,
// with one sentence to say so; without IndexedDB at all (a private window
// that refuses storage) the page still works and says it cannot save.
func openStore() (*store, string) {
	fsys, err := indexeddb.NewFS(context.Background(), dbName, indexeddb.Options{})
	if err == nil {
		if _, err = hackpadfs.Stat(fsys, "."); err == nil {
			return newStore(fsys), ""
		}
	}
	if !deleteDatabase(dbName) {
		return nil, "This browser refuses to store data for the page, so your session will not survive a reload."
	}
	fsys, err = indexeddb.NewFS(context.Background(), dbName, indexeddb.Options{})
	if err != nil {
		return nil, "This browser refuses to store data for the page, so your session will not survive a reload."
	}
	return newStore(fsys), "The data this page saved in your browser could not be read, so it was replaced with a fresh store."
}

// probeStore asks the browser whether the page's database exists
// (indexedDB.databases()) and returns a function that waits for the
// answer, until deadline at most. The function reports false only when
// the browser answered that there is no such database, so no saved
// session to wait for; true when there is one or the browser cannot tell
// (no databases(), an error, no answer in time). The question goes out
// at once: the browser answers it while the program builds the sample.
func probeStore(deadline time.Time) (exists func() bool) {
	unknown := func() bool { return true }
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() || idb.Get("databases").Type() != js.TypeFunction {
		return unknown
	}
	answer := make(chan bool, 1) // one of the two callbacks sends, once
	var onList, onErr js.Func
	onList = jsFunc(func(args []js.Value) any {
		exists := true // until the whole list says otherwise: an answer that cannot be read counts as "it exists"
		defer func() { answer <- exists }()
		if len(args) > 0 && args[0].InstanceOf(js.Global().Get("Array")) {
			listed := false
			for i := 0; !listed && i < args[0].Length(); i++ {
				listed = args[0].Index(i).Get("name").Equal(js.ValueOf(dbName))
			}
			exists = listed
		}
		return nil
	})
	onErr = jsFunc(func([]js.Value) any { answer <- true; return nil })
	asked := func() (ok bool) {
		defer func() {
			if recover() != nil {
				ok = false // databases() threw (a page without storage access)
			}
		}()
		idb.Call("databases").Call("then", onList, onErr)
		return true
	}()
	if !asked {
		onList.Release()
		onErr.Release()
		return unknown
	}
	return func() bool {
		select {
		case found := <-answer:
			onList.Release()
			onErr.Release()
			return found
		case <-time.After(time.Until(deadline)):
			return true // the callbacks stay: the promise may still settle
		}
	}
}

// deleteDatabase deletes an IndexedDB database and waits for the result.
// It runs on the main goroutine, never in an event callback.
func deleteDatabase(name string) bool {
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		return false
	}
	done := make(chan bool, 1)
	req := idb.Call("deleteDatabase", name)
	var onOK, onErr js.Func
	onOK = jsFunc(func([]js.Value) any { done <- true; return nil })
	onErr = jsFunc(func([]js.Value) any { done <- false; return nil })
	defer onOK.Release()
	defer onErr.Release()
	req.Set("onsuccess", onOK)
	req.Set("onerror", onErr)
	req.Set("onblocked", onErr)
	return <-done
}

func newStore(fsys hackpadfs.FS) *store {
	s := &store{fs: fsys, writes: make(chan pendingWrite, 16)}
	spawn(s.writer)
	return s
}

// writer performs queued writes in order.
func (s *store) writer() {
	for w := range s.writes {
		err := s.write(w.name, w.data)
		if w.done != nil {
			w.done(err)
		}
	}
}

// writeLater queues a write. done, if not nil, is called with the result
// on the writer goroutine: it must hand any work to the app's queue.
func (s *store) writeLater(name string, data []byte, done func(error)) {
	s.writes <- pendingWrite{name, data, done}
}

func (s *store) read(name string) ([]byte, error) { return hackpadfs.ReadFile(s.fs, name) }

func (s *store) write(name string, b []byte) error {
	return hackpadfs.WriteFullFile(s.fs, name, b, 0o600)
}

func (s *store) remove(name string) { _ = hackpadfs.Remove(s.fs, name) }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// journalKey is the localStorage entry that holds the newest sandbox.
// IndexedDB writes finish after the page may be gone (a reload right after
// QUIT); localStorage.setItem is synchronous, so the action a learner just
// took is kept before the answer is even painted. IndexedDB stays the
// store of record; the journal is never older than it.
const journalKey = "pop3lab-session"

// journalWrite stores b in the journal at once. It fails (never panics)
// when the browser refuses storage or the quota is full.
func journalWrite(b []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the browser refused to store the session (%v)", r)
		}
	}()
	ls := js.Global().Get("localStorage")
	if !ls.Truthy() {
		return errors.New("this browser has no localStorage")
	}
	ls.Call("setItem", journalKey, string(b))
	return nil
}

// journalRead returns the journal, if there is one.
func journalRead() (b []byte, ok bool) {
	defer func() {
		if recover() != nil {
			b, ok = nil, false
		}
	}()
	ls := js.Global().Get("localStorage")
	if !ls.Truthy() {
		return nil, false
	}
	v := ls.Call("getItem", journalKey)
	if v.Type() != js.TypeString {
		return nil, false
	}
	return []byte(v.String()), true
}

// journalClear removes the journal.
func journalClear() {
	defer func() { _ = recover() }()
	if ls := js.Global().Get("localStorage"); ls.Truthy() {
		ls.Call("removeItem", journalKey)
	}
}
