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
		name  string
		lines int
	}{{"small", 10}, {"larger than a wire buffer", 2 * wireBufSize / 20}} {
		original := "Subject: x\n\n" + strings.Repeat("0123456789abcdefghi\n", size.lines)
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
					writeFile(t, fsys, "alice/cur/"+msg.Name, ed.edit(original))
					r, err := m.Open(1)
					if ed.wantErr {
						if !errors.Is(err, ErrGone) {
							t.Fatalf("Open: %v, want ErrGone", err)
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
