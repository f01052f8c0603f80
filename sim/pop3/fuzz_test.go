package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzParseCommand: any bytes give a command or one of the documented
// errors, never a panic, and a parsed keyword is 3-4 upper-case letters.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"STAT", "retr 1", "PASS a b", "TOP 1 99999999", "", "\x00\xff", "AUTH PLAIN =", "USER\talice"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCommand(line)
		if err != nil {
			if err != ErrEmptyCommand && err != ErrBadKeyword && err != ErrBadCharacter {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		if len(c.Name) < 3 || len(c.Name) > 4 || strings.ToUpper(c.Name) != c.Name {
			t.Fatalf("bad keyword %q", c.Name)
		}
	})
}

// FuzzLineReader: the reader never returns a line over the limit, never
// panics, and always makes progress.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("STAT\r\nQUIT\n"), 32)
	f.Add([]byte(strings.Repeat("x", 600)+"\r\nNOOP\r\n"), 255)
	f.Fuzz(func(t *testing.T, input []byte, limit int) {
		limit = 3 + abs(limit)%600
		lr := &LineReader{R: bufio.NewReaderSize(bytes.NewReader(input), 16), Limit: limit}
		for i := 0; i <= len(input); i++ {
			line, err := lr.ReadLine()
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err == ErrLineTooLong {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(line)+2 > limit {
				t.Fatalf("line of %d octets over limit %d", len(line), limit)
			}
		}
		t.Fatal("reader did not reach the end")
	})
}

// FuzzDotRoundTrip: DotReader(DotWriter(x)) == x with line endings made
// CRLF and a final CRLF added.
func FuzzDotRoundTrip(f *testing.F) {
	f.Add([]byte(".\r\n..x\n.y"))
	f.Add([]byte(""))
	f.Add([]byte("\r\r\n."))
	f.Fuzz(func(t *testing.T, body []byte) {
		var buf bytes.Buffer
		dw := NewDotWriter(&buf)
		dw.Write(body)
		dw.Close()
		got, err := io.ReadAll(NewDotReader(bufio.NewReader(&buf)))
		if err != nil {
			t.Fatal(err)
		}
		if want := wireForm(body); !bytes.Equal(got, want) {
			t.Fatalf("round trip of %q = %q, want %q", body, got, want)
		}
		if buf.Len() != 0 {
			t.Fatalf("%d octets left after the terminator", buf.Len())
		}
	})
}

// FuzzDotWriter: however the body is cut into writes, DotWriter sends
// exactly what the octet-by-octet reference of RFC 1939 §3 sends.
func FuzzDotWriter(f *testing.F) {
	f.Add([]byte(".\r\n..x\n.y"), []byte{3, 1})
	f.Add([]byte("a\r\nb\r\n.c\r\n"), []byte{4})
	f.Add([]byte("a\r"), []byte{1})
	f.Add([]byte("\n\n.\r\r\n."), []byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, body, cuts []byte) {
		var buf bytes.Buffer
		dw := NewDotWriter(&buf)
		rest := body
		for _, c := range cuts {
			n := min(int(c), len(rest))
			if w, err := dw.Write(rest[:n]); err != nil || w != n {
				t.Fatalf("Write = %d, %v", w, err)
			}
			rest = rest[n:]
		}
		if w, err := dw.Write(rest); err != nil || w != len(rest) {
			t.Fatalf("Write = %d, %v", w, err)
		}
		if err := dw.Close(); err != nil {
			t.Fatal(err)
		}
		if want := stuffedForm(body); !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("DotWriter(%q cut at %v) = %q, want %q", body, cuts, buf.Bytes(), want)
		}
	})
}

// stuffedForm is the reference multi-line body, one octet at a time: a
// "." that begins a line gets another in front, an LF without a CR before
// it gets one, an unterminated last line gets its line end, then the
// terminating line.
func stuffedForm(body []byte) []byte {
	var out []byte
	lineStart, prev := true, byte(0)
	for _, c := range body {
		if lineStart && c == '.' {
			out = append(out, '.')
		}
		lineStart = c == '\n'
		if c == '\n' && prev != '\r' {
			out = append(out, '\r')
		}
		out = append(out, c)
		prev = c
	}
	switch {
	case lineStart:
	case prev == '\r':
		out = append(out, '\n')
	default:
		out = append(out, '\r', '\n')
	}
	return append(out, ".\r\n"...)
}

// wireForm is the reference line-ending normalisation: LF or CRLF ends a
// line and becomes CRLF; an unterminated last line gets CRLF.
func wireForm(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b...)
			if b[len(b)-1] == '\r' {
				return append(out, '\n')
			}
			return append(out, '\r', '\n')
		}
		line := b[:i]
		out = append(out, bytes.TrimSuffix(line, []byte("\r"))...)
		out = append(out, '\r', '\n')
		b = b[i+1:]
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// FuzzStrictDotReader: on any input the strict reader gives the lenient
// reader's body or a documented *LineError, never a panic; what it accepts
// is exactly what DotWriter would send again (so nothing is guessed); and
// it accepts everything DotWriter writes.
func FuzzStrictDotReader(f *testing.F) {
	f.Add([]byte("..a\r\n.\r\n"), 0)
	f.Add([]byte(".x\r\n.\r\n"), 0)
	f.Add([]byte("a\nb\r\n.\n"), 0)
	f.Add([]byte(strings.Repeat("y", 40)+"\r\n.\r\n"), 20)
	f.Add([]byte("abc\r"), 0)
	f.Fuzz(func(t *testing.T, input []byte, limit int) {
		limit = abs(limit) % 100
		var wire bytes.Buffer
		dr := NewStrictDotReader(bufio.NewReaderSize(bytes.NewReader(input), 16), limit)
		dr.Wire = &wire
		got, err := io.ReadAll(dr)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			switch le.Err {
			case ErrBareLF, ErrUnstuffed, ErrLineTooLong, io.ErrUnexpectedEOF:
			default:
				t.Fatalf("undocumented error %v", le.Err)
			}
			if len(le.Line) > maxQuoted {
				t.Fatalf("Line of %d octets", len(le.Line))
			}
			return
		}
		if !bytes.HasPrefix(input, wire.Bytes()) {
			t.Fatalf("Wire %q is not what was read of %q", wire.Bytes(), input)
		}
		lenient, lerr := io.ReadAll(NewDotReader(bufio.NewReader(bytes.NewReader(wire.Bytes()))))
		if lerr != nil || !bytes.Equal(lenient, got) {
			t.Fatalf("strict %q, lenient %q (%v)", got, lenient, lerr)
		}
		var again bytes.Buffer
		dw := NewDotWriter(&again)
		dw.Write(got)
		dw.Close()
		if !bytes.Equal(again.Bytes(), wire.Bytes()) {
			t.Fatalf("accepted %q, which DotWriter sends as %q", wire.Bytes(), again.Bytes())
		}
		// Everything DotWriter writes is accepted (with no limit).
		var sent bytes.Buffer
		dw = NewDotWriter(&sent)
		dw.Write(input)
		dw.Close()
		back, err := io.ReadAll(NewStrictDotReader(bufio.NewReaderSize(&sent, 16), 0))
		if err != nil || !bytes.Equal(back, wireForm(input)) {
			t.Fatalf("DotWriter(%q) read strictly = %q, %v; want %q", input, back, err, wireForm(input))
		}
	})
}

// FuzzDotReaderChunks: a DotReader gives the same body, the same Wire
// copy and the same error whether the stream arrives in large chunks (many
// whole lines buffered at once, read as runs) or one octet at a time (a
// line at a time), strict or lenient.
func FuzzDotReaderChunks(f *testing.F) {
	f.Add([]byte("a\r\nb\r\n..c\r\nd\r\n.\r\n"), 0, true)
	f.Add([]byte("a\r\nb\nc\r\n.\r\n"), 0, true)
	f.Add([]byte("a\nb\n.x\n.\n"), 0, false)
	f.Add([]byte("abc\r\n"+strings.Repeat("y", 40)+"\r\n.\r\n"), 20, true)
	f.Add([]byte("a\r\n\nb\r\n.\r\n"), 0, true)
	f.Fuzz(func(t *testing.T, input []byte, limit int, strict bool) {
		limit = abs(limit) % 100
		read := func(r io.Reader) ([]byte, []byte, error) {
			dr := NewDotReader(bufio.NewReaderSize(r, 64))
			dr.Strict, dr.Limit = strict, limit
			var wire bytes.Buffer
			dr.Wire = &wire
			got, err := io.ReadAll(dr)
			return got, wire.Bytes(), err
		}
		got, wire, err := read(bytes.NewReader(input))
		lgot, lwire, lerr := read(iotest.OneByteReader(bytes.NewReader(input)))
		if !bytes.Equal(got, lgot) || !bytes.Equal(wire, lwire) {
			t.Fatalf("in chunks %q (wire %q), octet by octet %q (wire %q)", got, wire, lgot, lwire)
		}
		var le, lle *LineError
		if errors.As(err, &le) != errors.As(lerr, &lle) || le == nil && err != lerr {
			t.Fatalf("in chunks: %v, octet by octet: %v", err, lerr)
		}
		if le != nil && (le.Err != lle.Err || !bytes.Equal(le.Line, lle.Line)) {
			t.Fatalf("in chunks: %v %q, octet by octet: %v %q", le.Err, le.Line, lle.Err, lle.Line)
		}
	})
}

// FuzzStrictLineReader: a strict reader never returns a line holding a
// LF or over the limit, and every bad line comes with a documented error.
func FuzzStrictLineReader(f *testing.F) {
	f.Add([]byte("+OK\r\n-ERR x\n"), 32)
	f.Add([]byte(strings.Repeat("x", 600)+"\r\n"), 512)
	f.Fuzz(func(t *testing.T, input []byte, limit int) {
		limit = 3 + abs(limit)%600
		lr := &LineReader{R: bufio.NewReaderSize(bytes.NewReader(input), 16), Limit: limit, Strict: true}
		for i := 0; i <= len(input); i++ {
			line, err := lr.ReadLine()
			switch err {
			case nil:
				if bytes.IndexByte(line, '\n') >= 0 || len(line)+2 > limit {
					t.Fatalf("accepted line %q (limit %d)", line, limit)
				}
				continue
			case io.EOF, io.ErrUnexpectedEOF, ErrBareLF, ErrLineTooLong:
				return
			}
			t.Fatalf("undocumented error %v", err)
		}
		t.Fatal("reader did not reach the end")
	})
}
