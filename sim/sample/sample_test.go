package sample

import (
	"bytes"
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
