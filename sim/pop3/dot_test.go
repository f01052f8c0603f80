package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
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
		{"CRLF lines in one write", []string{"a\r\nb\r\nc\r\n"}, "a\r\nb\r\nc\r\n.\r\n"},
		{"dot after a run of CRLF lines", []string{"a\r\nb\r\n.c\r\nd\r\n"}, "a\r\nb\r\n..c\r\nd\r\n.\r\n"},
		{"bare LF inside CRLF lines", []string{"a\r\nb\nc\r\n"}, "a\r\nb\r\nc\r\n.\r\n"},
		{"dot after a bare LF", []string{"a\n.b\n"}, "a\r\n..b\r\n.\r\n"},
		{"a lone dot line", []string{".\n"}, "..\r\n.\r\n"},
		{"a line of dots", []string{"...\r\n"}, "....\r\n.\r\n"},
		{"terminator inside the text", []string{"x\r\n.\r\ny"}, "x\r\n..\r\ny\r\n.\r\n"},
		{"empty lines", []string{"\n\r\n\n"}, "\r\n\r\n\r\n.\r\n"},
		{"LF alone at the start", []string{"\n.a"}, "\r\n..a\r\n.\r\n"},
		{"CR, then LF and a dot", []string{"a\r", "\n", ".b"}, "a\r\n..b\r\n.\r\n"},
		{"LF at the start of a write after a line end", []string{"a\r\n", "\nb"}, "a\r\n\r\nb\r\n.\r\n"},
		{"CRLFs split between CR and LF", []string{"\r", "\n\r", "\n"}, "\r\n\r\n.\r\n"},
		{"empty write", []string{"", "a"}, "a\r\n.\r\n"},
		{"CR then CR LF", []string{"a\r\r\n"}, "a\r\r\n.\r\n"},
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

// TestDotWriterRuns: lines that need no change go out in one write, so a
// message costs one copy into the buffered writer, not one per line; a
// stuffed dot or a bare LF splits the run there.
func TestDotWriterRuns(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"CRLF lines", "a\r\nb\r\nc\r\n", []string{"a\r\nb\r\nc\r\n"}},
		{"unterminated last line", "a\r\nb", []string{"a\r\nb"}},
		{"dot-stuffing (RFC 1939 §3)", "a\r\n.b\r\nc\r\n", []string{"a\r\n", ".", ".b\r\nc\r\n"}},
		{"bare LF", "a\r\nb\nc\r\n", []string{"a\r\nb", "\r\n", "c\r\n"}},
		{"bare LF first", "\nb\r\n", []string{"\r\n", "b\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w recordingWriter
			n, err := NewDotWriter(&w).Write([]byte(tt.input))
			if err != nil || n != len(tt.input) {
				t.Fatalf("Write = %d, %v", n, err)
			}
			if !slices.Equal(w.writes, tt.want) {
				t.Fatalf("writes %q, want %q", w.writes, tt.want)
			}
		})
	}
}

// recordingWriter keeps every write it gets.
type recordingWriter struct{ writes []string }

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

// TestDotWriterWriteError: a failed write is reported, with the octets of
// the input sent in full before it.
func TestDotWriterWriteError(t *testing.T) {
	tests := []struct {
		name  string
		input string
		okays int // writes that succeed before the failing one
		want  int
	}{
		{"first run", "a\r\nb\r\n", 0, 0},
		{"stuffed dot", "a\r\n.b\r\n", 1, 3},
		{"after the stuffed dot", "a\r\n.b\r\n", 2, 3},
		{"CRLF for a bare LF", "a\nb\n", 1, 0},
		{"after a bare LF", "a\nb\n", 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &failingWriter{okays: tt.okays}
			n, err := NewDotWriter(w).Write([]byte(tt.input))
			if err != errWriteFailed || n != tt.want {
				t.Fatalf("Write = %d, %v; want %d, %v", n, err, tt.want, errWriteFailed)
			}
		})
	}
}

var errWriteFailed = errors.New("write failed")

// failingWriter accepts okays writes, then fails.
type failingWriter struct{ okays int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.okays == 0 {
		return 0, errWriteFailed
	}
	w.okays--
	return len(p), nil
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

// BenchmarkDotWriter: a 10 MB body of CRLF lines, every other one to be
// stuffed, and the same without dots (the usual message).
func BenchmarkDotWriter(b *testing.B) {
	for _, bc := range []struct{ name, line string }{
		{"stuffed", strings.Repeat("a", 74) + "\r\n" + "." + strings.Repeat("b", 73) + "\r\n"},
		{"plain", strings.Repeat("a", 74) + "\r\n" + strings.Repeat("b", 74) + "\r\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			msg := []byte(strings.Repeat(bc.line, 10<<20/len(bc.line)))
			w := bufio.NewWriterSize(io.Discard, 32*1024)
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				dw := NewDotWriter(w)
				dw.Write(msg)
				dw.Close()
			}
		})
	}
}

// BenchmarkStrictDotReader: a client reading a 10 MB body of CRLF lines,
// every tenth one stuffed, through a 4 KB buffer as sim/client does.
func BenchmarkStrictDotReader(b *testing.B) {
	line := strings.Repeat("a", 74) + "\r\n"
	var body strings.Builder
	for i := 0; body.Len() < 10<<20; i++ {
		if i%10 == 0 {
			body.WriteString("..") // a line that begins with "."
		}
		body.WriteString(line)
	}
	body.WriteString(".\r\n")
	wire := []byte(body.String())
	src := bytes.NewReader(wire)
	br := bufio.NewReaderSize(src, 4096)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		src.Reset(wire)
		br.Reset(src)
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{NewStrictDotReader(br, 1000)}, buf); err != nil {
			b.Fatal(err)
		}
	}
}
