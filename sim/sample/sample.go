// Package sample is the built-in sample account: the user, password and
// maildrop that `pop3lab pop3` serves without --data and that the
// simulator starts with.
package sample

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/hack-pad/hackpadfs"

	"pop3lab/sim/maildrop"
)

// The sample account.
const (
	User     = "alice"
	Password = "wonderland"
)

// LargeAttachmentSize is the size of the attachment in the large sample
// message, before base64.
const LargeAttachmentSize = 1536 * 1024

//go:embed messages/*.eml
var messageFiles embed.FS

var (
	messagesOnce sync.Once
	messages     [][]byte
)

// Messages returns the sample messages in delivery order: a welcome note,
// a phishing example, one with lines that start with dots, an HTML
// newsletter holding script, and a large report with an attachment. They
// are built once per process (the simulator makes many simulations, and
// the large one takes a while to generate); callers must not modify them.
func Messages() [][]byte {
	messagesOnce.Do(func() { messages = buildMessages() })
	return append([][]byte(nil), messages...)
}

func buildMessages() [][]byte {
	names, err := fs.Glob(messageFiles, "messages/*.eml")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	sort.Strings(names)
	var msgs [][]byte
	for _, n := range names {
		b, err := messageFiles.ReadFile(n)
		if err != nil {
			panic(err) // embedded at build time
		}
		msgs = append(msgs, b)
	}
	return append(msgs, largeReport())
}

// epoch is the default delivery time of the first sample message.
var epoch = time.Date(2026, 11, 23, 8, 12, 5, 0, time.UTC)

// Populate delivers the sample messages into user's maildrop on fsys at
// root. Names, and so UIDs, are the same on every run: the deliveries use
// a fixed clock, from 2026-11-23 08:12:05 UTC, and a fixed seed.
func Populate(fsys hackpadfs.FS, root, user string) error {
	return PopulateAt(fsys, root, user, epoch)
}

// PopulateAt is Populate with the first delivery at start; the others
// follow seven hours apart.
func PopulateAt(fsys hackpadfs.FS, root, user string, start time.Time) error {
	n := 0
	store := maildrop.NewStore(fsys, root, maildrop.Options{
		Now:      func() time.Time { n++; return start.Add(time.Duration(n) * 7 * time.Hour) },
		Rand:     rand.NewChaCha8([32]byte{'p', 'o', 'p', '3', 'l', 'a', 'b'}),
		Hostname: "mx.pop3lab.example",
	})
	for i, m := range Messages() {
		if _, err := store.Deliver(user, bytes.NewReader(m)); err != nil {
			return fmt.Errorf("sample message %d: %w", i+1, err)
		}
	}
	return nil
}

// largeReport builds a message with a base64 attachment of
// LargeAttachmentSize octets: big enough to cross the wire as many TCP
// segments.
func largeReport() []byte {
	var b bytes.Buffer
	b.WriteString(`From: Finance Team <finance@pop3lab.example>
To: alice@pop3lab.example
Subject: Q3 report (large attachment)
Date: Thu, 26 Nov 2026 07:45:00 +0000
Message-ID: <q3report.20261126074500@pop3lab.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b2_pop3lab"

--b2_pop3lab
Content-Type: text/plain; charset=utf-8

Alice, the Q3 report is attached. Downloaded over POP3 it now lives on
your laptop: keep the disk encrypted and the backups safe.

--b2_pop3lab
Content-Type: application/octet-stream; name="q3-report.bin"
Content-Disposition: attachment; filename="q3-report.bin"
Content-Transfer-Encoding: base64

`)
	r := rand.NewChaCha8([32]byte{'q', '3'})
	raw := make([]byte, LargeAttachmentSize)
	r.Read(raw)
	// The base64 goes straight into the message, 76 characters a line
	// (57 octets of the attachment): one allocation of the final size and
	// no copy, since the message is built at every page start.
	const lineOctets, tail = 57, "\n--b2_pop3lab--\n"
	enc := base64.StdEncoding
	lines := (len(raw) + lineOctets - 1) / lineOctets
	out := make([]byte, 0, b.Len()+enc.EncodedLen(len(raw))+lines+len(tail))
	out = append(out, b.Bytes()...)
	for len(raw) > 0 {
		n := min(lineOctets, len(raw))
		out = append(enc.AppendEncode(out, raw[:n]), '\n')
		raw = raw[n:]
	}
	return append(out, tail...)
}
