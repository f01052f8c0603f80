package maildrop

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hack-pad/hackpadfs"
)

// ReadHeader returns what Read returns up to and including the empty line
// that ends the header section (RFC 5322 section 2.1), in wire form.
func TestReadHeader(t *testing.T) {
	long := "X-Pad: " + strings.Repeat("a", 4090) + "\n" // the end straddles ReadHeader's reads
	tests := []struct {
		name, msg, want string
	}{
		{"header and body", "Subject: hi\nFrom: b@example.org\n\nbody\nmore\n", "Subject: hi\r\nFrom: b@example.org\r\n\r\n"},
		{"CRLF stored", "Subject: hi\r\n\r\nbody\r\n", "Subject: hi\r\n\r\n"},
		{"no body", "Subject: hi\n", "Subject: hi\r\n"},
		{"empty line first", "\nbody\n", "\r\n"},
		{"empty message", "", ""},
		{"end across reads", long + "\n" + strings.Repeat("body\n", 3000), strings.ReplaceAll(long, "\n", "\r\n") + "\r\n"},
	}
	forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
		s := NewStore(fsys, "mail", testOptions())
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				uid := mustDeliver(t, s, "alice", tt.msg)
				got, err := s.ReadHeader("alice", uid)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Errorf("ReadHeader = %q, want %q", got, tt.want)
				}
				whole, err := s.Read("alice", uid)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(whole, got) {
					t.Errorf("ReadHeader %q is not the start of Read %q", got, whole)
				}
			})
		}
		if _, err := s.ReadHeader("alice", "no-such-uid"); !errors.Is(err, ErrNoSuchMessage) {
			t.Errorf("ReadHeader of an unknown UID: %v, want ErrNoSuchMessage", err)
		}
	})
}
