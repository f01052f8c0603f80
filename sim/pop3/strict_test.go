package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestStrictLineReader: a client's reader refuses a bare LF (RFC 1939 §3)
// and keeps the octets of a bad line for the error message.
func TestStrictLineReader(t *testing.T) {
	long := "+OK " + strings.Repeat("x", 600)
	tests := []struct {
		name  string
		input string
		limit int
		lines []string // lines read without error
		err   error
		line  string // the slice returned with err
	}{
		{name: "CRLF lines", input: "+OK a\r\n-ERR b\r\n", lines: []string{"+OK a", "-ERR b"}, err: io.EOF},
		{name: "bare LF", input: "+OK a\r\n+OK hi\n", lines: []string{"+OK a"}, err: ErrBareLF, line: "+OK hi\n"},
		{name: "lone CR is content", input: "+OK a\rb\r\n", lines: []string{"+OK a\rb"}, err: io.EOF},
		{name: "too long in the buffer", input: long + "\r\n", limit: MaxResponseLine, err: ErrLineTooLong, line: long[:528]}, // 33 buffers of 16
		{name: "exactly at the limit", input: "+OK\r\n", limit: 5, lines: []string{"+OK"}, err: io.EOF},
		{name: "one over the limit", input: "+OK!\r\n", limit: 5, err: ErrLineTooLong, line: "+OK!"},
		{name: "cut off", input: "+OK rea", err: io.ErrUnexpectedEOF, line: "+OK rea"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := &LineReader{R: bufio.NewReaderSize(strings.NewReader(tt.input), 16), Limit: tt.limit, Strict: true}
			if tt.limit == 0 {
				lr.Limit = MaxResponseLine
			}
			var got []string
			for {
				line, err := lr.ReadLine()
				if err != nil {
					if err != tt.err {
						t.Fatalf("error %v, want %v", err, tt.err)
					}
					if string(line) != tt.line {
						t.Fatalf("line with the error %q, want %q", line, tt.line)
					}
					break
				}
				got = append(got, string(line))
			}
			if strings.Join(got, "|") != strings.Join(tt.lines, "|") {
				t.Fatalf("lines %q, want %q", got, tt.lines)
			}
		})
	}
}

// TestStrictDotReader: a client's body reader refuses what it cannot
// un-stuff with certainty (RFC 1939 §3) and reports the line.
func TestStrictDotReader(t *testing.T) {
	huge := strings.Repeat("y", 100)
	tests := []struct {
		name  string
		input string
		limit int
		want  string // the body read before the error
		err   error  // nil: the body ends cleanly
		line  string // LineError.Line, "-" for nil
	}{
		{name: "stuffed lines", input: "..a\r\n...\r\n\r\n.\r\nNEXT", want: ".a\r\n..\r\n\r\n"},
		{name: "empty body", input: ".\r\n", want: ""},
		{name: "unstuffed dot line", input: "Subject: x\r\n\r\n.hidden\r\n.\r\n", want: "Subject: x\r\n\r\n", err: ErrUnstuffed, line: ".hidden"},
		{name: "terminator with bare LF", input: "Subject: x\r\n.\n", want: "Subject: x\r\n", err: ErrBareLF, line: ".\n"},
		{name: "bare LF line", input: "a\r\nb\n.\r\n", want: "a\r\n", err: ErrBareLF, line: "b\n"},
		{name: "CRLF split over the buffer", input: strings.Repeat("z", 15) + "\r\n.\r\n", want: strings.Repeat("z", 15) + "\r\n"},
		{name: "long stuffed line", input: ".." + huge + "\r\n.\r\n", want: "." + huge + "\r\n"},
		{name: "long unstuffed line", input: "." + huge + "\r\n.\r\n", err: ErrUnstuffed, line: ("." + huge)[:16]},
		{name: "line over the limit", input: "ab\r\n" + huge + "\r\n.\r\n", limit: 50, want: "ab\r\n" + huge[:48], err: ErrLineTooLong, line: huge[:64]}, // the start, 4 buffers
		{name: "cut off mid-line", input: "Subject: x\r\nhal", want: "Subject: x\r\n", err: io.ErrUnexpectedEOF, line: "hal"},
		{name: "cut off between lines", input: "Subject: x\r\n", want: "Subject: x\r\n", err: io.ErrUnexpectedEOF, line: "-"},
		{name: "lone CR stays", input: "a\rb\r\n.\r\n", want: "a\rb\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.input), 16)
			dr := NewStrictDotReader(br, tt.limit)
			var wire bytes.Buffer
			dr.Wire = &wire
			got, err := io.ReadAll(dr)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !strings.HasPrefix(tt.input, wire.String()) || !strings.HasSuffix(wire.String(), ".\r\n") {
					t.Fatalf("Wire %q is not the body as read from %q", wire.String(), tt.input)
				}
			} else {
				var le *LineError
				if !errors.As(err, &le) || !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want a *LineError for %v", err, tt.err)
				}
				if tt.line == "-" && le.Line != nil || tt.line != "-" && string(le.Line) != tt.line {
					t.Fatalf("Line %q, want %q", le.Line, tt.line)
				}
			}
			if string(got) != tt.want {
				t.Fatalf("body %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLenientDotReaderUnchanged: without Strict, a bare-LF terminator ends
// the body and a lone leading dot is dropped, as before.
func TestLenientDotReaderUnchanged(t *testing.T) {
	got, err := io.ReadAll(NewDotReader(bufio.NewReader(strings.NewReader(".x\nb\r\n.\n"))))
	if err != nil || string(got) != "x\nb\r\n" {
		t.Fatalf("got %q, %v", got, err)
	}
}
