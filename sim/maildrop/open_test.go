package maildrop

import (
	"errors"
	"strings"
	"testing"

	"github.com/hack-pad/hackpadfs"
)

// TestOpenChecksWhatItSends edits a message file behind the session's back,
// small (read in one pass, checked in the buffer it is sent from) and
// larger than one wire buffer (checked by a counting pass first): every
// edit that makes LIST's size wrong fails RETR with ErrGone before a byte
// is sent, and an untouched message arrives whole.
func TestOpenChecksWhatItSends(t *testing.T) {
	for _, size := range []struct {
		name string
		body string
	}{
		{"small", strings.Repeat("0123456789abcdefghi\n", 10)},
		{"larger than a wire buffer", strings.Repeat("0123456789abcdefghi\n", 2*wireBufSize/20)},
		// Smaller than a wire buffer, but not its wire form.
		{"short lines, wire form larger than a wire buffer", strings.Repeat("i\n0\n", wireBufSize/5)},
	} {
		original := "Subject: x\n\n" + size.body
		edits := []struct {
			name    string
			edit    func(string) string
			wantErr bool
		}{
			{"untouched", func(s string) string { return s }, false},
			{"grown", func(s string) string { return s + "more\n" }, true},
			{"shrunk", func(s string) string { return s[:len(s)-5] }, true},
			// Same size, one LF fewer: the wire size differs by one.
			{"same size, other line ends", func(s string) string { return strings.Replace(s, "i\n0", "i\r0", 1) }, true},
		}
		for _, ed := range edits {
			t.Run(size.name+"/"+ed.name, func(t *testing.T) {
				forEachBackend(t, func(t *testing.T, fsys hackpadfs.FS) {
					s := newTestStore(fsys)
					mustDeliver(t, s, "alice", original)
					m := mustOpen(t, s, "alice")
					defer m.Close()
					msg := m.Messages()[0]
					edited := ed.edit(original)
					writeFile(t, fsys, "alice/cur/"+msg.Name, edited)
					r, err := m.Open(1)
					if ed.wantErr {
						if !errors.Is(err, ErrGone) {
							t.Fatalf("Open: %v, want ErrGone", err)
						}
						// The next session lists the edited message
						// with its real size.
						m.Close()
						next := mustOpen(t, s, "alice")
						defer next.Close()
						if got, want := next.Messages()[0].Size, int64(len(refWire([]byte(edited)))); got != want {
							t.Fatalf("next session lists %d octets, want %d", got, want)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					r.Close()
					if got := body(t, m, 1); got != strings.ReplaceAll(original, "\n", "\r\n") || int64(len(got)) != msg.Size {
						t.Errorf("body of %d octets, listed %d", len(got), msg.Size)
					}
				})
			})
		}
	}
}
