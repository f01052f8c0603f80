package sample

import (
	"bytes"
	"crypto/sha256"
	"fmt"
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
	if got := fmt.Sprintf("%d %x", len(m), sha256.Sum256(m)); got != "2125388 a568d010defc75eca910b0103173acc37a8fc001ad108559f1bb92155d6b8864" {
		t.Errorf("large report: %s", got)
	}
	if cap(m) != len(m) {
		t.Errorf("large report: capacity %d for %d octets", cap(m), len(m))
	}
}

func BenchmarkLargeReport(b *testing.B) {
	for b.Loop() {
		largeReport()
	}
}
