package maildrop_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/maildrop"
)

// A whole POP3 session against an in-memory Maildir: deliver, log in
// (Open), STAT, LIST/UIDL (Messages), RETR (Open), DELE (Delete), QUIT
// (Commit). A fixed clock and random source make the names, and so the
// unique-ids, the same on every run, as the simulator needs for replay.
func Example() {
	fsys, err := mem.NewFS()
	if err != nil {
		panic(err)
	}
	store := maildrop.NewStore(fsys, "mail", maildrop.Options{
		Now:      func() time.Time { return time.Unix(1700000000, 0) },
		Rand:     bytes.NewReader(make([]byte, 64)),
		Hostname: "lab.example",
	})
	store.Deliver("alice", strings.NewReader("Subject: one\n\nfirst\n"))
	store.Deliver("alice", strings.NewReader("Subject: two\r\n\r\n.second"))

	m, err := store.Open("alice")
	if err != nil {
		panic(err)
	}
	count, size := m.Stat()
	fmt.Printf("+OK %d %d\n", count, size)
	for _, msg := range m.Messages() {
		fmt.Println(msg.Number, msg.Size, msg.UID)
	}
	rc, _ := m.Open(2)
	wire, _ := io.ReadAll(rc) // the wire form: CRLF line ends, not dot-stuffed
	rc.Close()
	fmt.Printf("%q\n", wire)
	m.Delete(1)
	if err := m.Commit(); err != nil {
		panic(err)
	}

	m, _ = store.Open("alice")
	defer m.Close()
	fmt.Println(len(m.Messages()), "message left:", m.Messages()[0].Name)
	// Output:
	// +OK 2 48
	// 1 23 1700000000.M000000P0Q1.lab.example
	// 2 25 1700000000.M000001P0Q2.lab.example
	// "Subject: two\r\n\r\n.second\r\n"
	// 1 message left: 1700000000.M000001P0Q2.lab.example,S=23,W=25:2,
}

// Locking: a second session for the same maildrop is refused at once, so
// the server can answer "-ERR [IN-USE]" (RFC 2449 §8.1.1).
func ExampleStore_Open_locked() {
	fsys, _ := mem.NewFS()
	store := maildrop.NewStore(fsys, "", maildrop.Options{})
	first, _ := store.Open("bob")
	_, err := store.Open("bob")
	fmt.Println(err)
	first.Close() // the connection dropped: nothing is deleted
	second, err := store.Open("bob")
	fmt.Println(err)
	second.Close()
	// Output:
	// maildrop bob: maildrop is locked by another session
	// <nil>
}
