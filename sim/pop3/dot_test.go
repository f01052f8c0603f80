package pop3

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDotWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"empty", nil, ".\r\n"},
		{"one line", []string{"hello\r\n"}, "hello\r\n.\r\n"},
		{"bare LF becomes CRLF", []string{"a\nb\n"}, "a\r\nb\r\n.\r\n"},
		{"no final newline", []string{"a\r\nb"}, "a\r\nb\r\n.\r\n"},
		{"dots stuffed (RFC 1939 §3)", []string{".\r\n..x\r\n.y\r\nz.\r\n"}, "..\r\n...x\r\n..y\r\nz.\r\n.\r\n"},
		{"CRLF split across writes", []string{"a\r", "\n.b\r\n"}, "a\r\n..b\r\n.\r\n"},
		{"dot at start of a later write", []string{"a\r\n", ".b", "c\r\n"}, "a\r\n..bc\r\n.\r\n"},
		{"dot mid-line across writes", []string{"a", ".b\r\n"}, "a.b\r\n.\r\n"},
		{"trailing CR", []string{"a\r"}, "a\r\n.\r\n"},
		{"lone CR inside", []string{"a\rb\r\n"}, "a\rb\r\n.\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			dw := NewDotWriter(&buf)
			for _, w := range tt.writes {
				n, err := dw.Write([]byte(w))
				if err != nil || n != len(w) {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if err := dw.Close(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Fatalf("got %q, want %q", buf.String(), tt.want)
			}
			if _, err := dw.Write([]byte("x")); err != ErrDotWriterClosed {
				t.Fatalf("write after Close: %v", err)
			}
		})
	}
}

func TestDotReader(t *testing.T) {
	tests := []struct {
		name, input, want, rest string
		err                     error
	}{
		{"empty body", ".\r\nNEXT", "", "NEXT", nil},
		{"unstuff", "..\r\n...x\r\n..y\r\nz.\r\n.\r\n", ".\r\n..x\r\n.y\r\nz.\r\n", "", nil},
		{"bare LF lines", "a\n..b\n.\n+OK", "a\n.b\n", "+OK", nil},
		{"single dot stripped (RFC 1939 §3)", ".a\r\n.\r\n", "a\r\n", "", nil},
		{"cut off", "a\r\nb", "a\r\nb", "", io.ErrUnexpectedEOF},
		{"long line", strings.Repeat("x", 5000) + "\r\n.\r\n", strings.Repeat("x", 5000) + "\r\n", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(tt.input)), 16)
			got, err := io.ReadAll(NewDotReader(br))
			if err != tt.err {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			rest, _ := io.ReadAll(br)
			if string(rest) != tt.rest {
				t.Fatalf("left %q, want %q", rest, tt.rest)
			}
		})
	}
}

// TestDotRoundTrip: what DotWriter stuffs, DotReader restores, for CRLF text.
func TestDotRoundTrip(t *testing.T) {
	body := "Subject: x\r\n\r\n.\r\n..\r\n.hidden\r\nend\r\n"
	var buf bytes.Buffer
	dw := NewDotWriter(&buf)
	io.WriteString(dw, body)
	dw.Close()
	got, err := io.ReadAll(NewDotReader(bufio.NewReader(&buf)))
	if err != nil || string(got) != body {
		t.Fatalf("round trip = %q, %v", got, err)
	}
}

func BenchmarkDotWriter(b *testing.B) {
	line := strings.Repeat("a", 74) + "\r\n" + "." + strings.Repeat("b", 73) + "\r\n"
	msg := []byte(strings.Repeat(line, 10<<20/len(line)))
	w := bufio.NewWriterSize(io.Discard, 32*1024)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		dw := NewDotWriter(w)
		dw.Write(msg)
		dw.Close()
	}
}
