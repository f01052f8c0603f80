package maildrop

import (
	"bytes"
	"strings"
	"testing"
)

func TestCountLFWords(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"\n", 1},
		{"abc", 0},
		{"a\nb\r\nc\n", 3},
		{strings.Repeat("\n", 17), 17},
		{"\x0a\x0b\x09\x8a\xff\x00\x0a\x8a\x0a", 3}, // LF's neighbours and LF with the high bit set are not LF
		{strings.Repeat("x", 7) + "\n" + strings.Repeat("y", 8) + "\n", 2},
	}
	for _, tt := range tests {
		// Every alignment of the string in the buffer, so that the word
		// loop and the octet tail both see it.
		for shift := range 8 {
			p := []byte(strings.Repeat(".", shift) + tt.in)[shift:]
			if got := countLFWords(p); got != tt.want {
				t.Errorf("countLFWords(%q) at offset %d = %d, want %d", tt.in, shift, got, tt.want)
			}
		}
	}
}

func FuzzCountLFWords(f *testing.F) {
	f.Add([]byte("a\nb\r\n\n\x8a"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := countLFWords(p), bytes.Count(p, lf); got != want {
			t.Fatalf("countLFWords = %d, bytes.Count = %d", got, want)
		}
	})
}

func BenchmarkCountLFWords(b *testing.B) {
	p := bytes.Repeat([]byte("a line of a mail message, 57 octets or so, and its LF.\n"), 40000)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		countLFWords(p)
	}
}
