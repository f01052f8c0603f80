package sample

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"testing"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/maildrop"
)

func populated(t *testing.T) []maildrop.Message {
	t.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	if err := Populate(fsys, "mail", User); err != nil {
		t.Fatal(err)
	}
	m, err := maildrop.NewStore(fsys, "mail", maildrop.Options{}).Open(User)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	return m.Messages()
}

// TestPopulateIsStable: the sample UIDs are the same on every run, so a
// mail client's UID memory stays valid across restarts of `pop3lab pop3`.
func TestPopulateIsStable(t *testing.T) {
	a, b := populated(t), populated(t)
	if len(a) != 5 {
		t.Fatalf("%d sample messages, want 5", len(a))
	}
	if !slices.Equal(a, b) {
		t.Fatalf("two populations differ:\n%v\n%v", a, b)
	}
	if a[4].Size < LargeAttachmentSize {
		t.Fatalf("large message is %d octets", a[4].Size)
	}
}

func TestMessagesCoverTheLessons(t *testing.T) {
	msgs := Messages()
	checks := []struct {
		what string
		ok   func([]byte) bool
	}{
		{"a phishing example with a failed SPF check", func(m []byte) bool { return bytes.Contains(m, []byte("spf=fail")) }},
		{"a line that is a single dot", func(m []byte) bool { return bytes.Contains(m, []byte("\n.\n")) }},
		{"lines starting with dots", func(m []byte) bool { return bytes.Contains(m, []byte("\n.bashrc\n")) }},
		{"HTML with script", func(m []byte) bool { return bytes.Contains(m, []byte("<script>")) }},
	}
	for _, c := range checks {
		if !slices.ContainsFunc(msgs, c.ok) {
			t.Errorf("no sample message has %s", c.what)
		}
	}
}

// TestLargeReportBytes: the large sample is the same octets on every
// build (its size is in the lessons, its UIDL in saved sessions), made
// in one allocation of its final size.
func TestLargeReportBytes(t *testing.T) {
	m := largeReport()
	if got := fmt.Sprintf("%d %x", len(m), sha256.Sum256(m)); got != "2125388 b7ebde3ddae91faa6daa1cb9c230bb7a525c09bd81cbe829e5052605435f52c4" {
		t.Errorf("large report: %s", got)
	}
	if cap(m) != len(m) {
		t.Errorf("large report: capacity %d for %d octets", cap(m), len(m))
	}
	for i, line := range bytes.Split(m, []byte("\n")) {
		if len(line) > 76 {
			t.Fatalf("line %d has %d characters; MIME allows 76", i+1, len(line))
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	var attachment []byte
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() != "" {
			if attachment, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, p)); err != nil {
				t.Fatalf("attachment: %v", err)
			}
		}
	}
	if len(attachment) != LargeAttachmentSize {
		t.Errorf("attachment: %d octets, want %d", len(attachment), LargeAttachmentSize)
	}
}

func BenchmarkLargeReport(b *testing.B) {
	for b.Loop() {
		largeReport()
	}
}
