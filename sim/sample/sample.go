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
	const head = `From: Finance Team <finance@pop3lab.example>
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

`
	// The attachment is random octets, and base64 of random octets is
	// random base64 digits: the digits come straight from a fast
	// generator (splitmix64, ten 6-bit digits from each draw), 76 to a
	// line (57 octets), into one allocation of the final size. The message
	// is built at every page start; under js/wasm this takes a third of
	// the time of drawing octets from ChaCha8 and encoding them.
	const lineOctets, lineDigits, tail = 57, 76, "\n--b2_pop3lab--\n"
	digits := base64.StdEncoding.EncodedLen(LargeAttachmentSize)
	lines := (LargeAttachmentSize + lineOctets - 1) / lineOctets
	out := make([]byte, len(head)+digits+lines+len(tail))
	at := copy(out, head)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	state := uint64(0x7133_7265_706f_7274) // "q3report"
	next := func() uint64 {
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		return z ^ z>>31
	}
	for digits > 0 {
		n := min(lineDigits, digits)
		line := out[at : at+n]
		for len(line) >= 10 {
			d := line[:10:10]
			z := next()
			d[0], d[1], d[2], d[3], d[4] = alphabet[z&63], alphabet[z>>6&63], alphabet[z>>12&63], alphabet[z>>18&63], alphabet[z>>24&63]
			d[5], d[6], d[7], d[8], d[9] = alphabet[z>>30&63], alphabet[z>>36&63], alphabet[z>>42&63], alphabet[z>>48&63], alphabet[z>>54&63]
			line = line[10:]
		}
		for i, z := 0, next(); i < len(line); i, z = i+1, z>>6 {
			line[i] = alphabet[z&63]
		}
		at += n
		out[at] = '\n'
		at++
		digits -= n
	}
	copy(out[at:], tail)
	return out
}
