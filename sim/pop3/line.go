package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrLineTooLong is returned by LineReader.ReadLine when a line exceeds the
// reader's limit. The whole overlong line has been consumed, so the next
// call reads the line after it and the session can go on.
var ErrLineTooLong = errors.New("line too long")

// ErrBareLF is returned by a strict reader for a line that ends in a bare
// LF: RFC 1939 §3 ends every line with CRLF.
var ErrBareLF = errors.New("line ends in a bare LF, not CRLF")

// LineReader reads CRLF-terminated lines with a length limit. By default it
// tolerates a bare LF as the terminator, as a server should of its
// clients; Strict makes it what a client should be of a server.
type LineReader struct {
	// R is the buffered source. Callers may use it directly between lines,
	// for example to wrap it in a DotReader.
	R *bufio.Reader
	// Limit is the longest line accepted, counting the CRLF. Zero means
	// MaxCommandLine.
	Limit int
	// Strict rejects a line that ends in a bare LF (ErrBareLF), and does
	// not skip the rest of a line that is too long: a strict reader is
	// for a caller that gives up on the first bad line.
	Strict bool
}

// NewLineReader returns a LineReader on r with the RFC 2449 command limit.
func NewLineReader(r io.Reader) *LineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 4096)
	}
	return &LineReader{R: br}
}

// ReadLine returns the next line without its CR LF or LF. The slice is valid
// until the next read. A final line cut off by EOF without a line ending is
// returned with io.ErrUnexpectedEOF; an end of the stream between lines is
// io.EOF. A line over the limit gives ErrLineTooLong: by default with no
// line, the whole line consumed so that the next call reads the line after
// it; in strict mode with the octets read so far, the rest left unread.
// In strict mode a line ending in a bare LF is returned, LF included, with
// ErrBareLF.
func (lr *LineReader) ReadLine() ([]byte, error) {
	limit := lr.Limit
	if limit <= 0 {
		limit = MaxCommandLine
	}
	var acc []byte
	for {
		chunk, err := lr.R.ReadSlice('\n')
		if err == nil {
			if acc != nil {
				acc = append(acc, chunk...)
				chunk = acc
			}
			// The CRLF counts towards the limit; a bare LF counts as
			// one octet, so the same line is accepted either way.
			content := trimEOL(chunk)
			if len(content)+2 > limit {
				if lr.Strict {
					return content, ErrLineTooLong
				}
				return nil, ErrLineTooLong
			}
			if lr.Strict && len(content)+1 == len(chunk) {
				return chunk, ErrBareLF
			}
			return content, nil
		}
		if err == bufio.ErrBufferFull {
			if len(acc)+len(chunk) > limit {
				if lr.Strict {
					return append(acc, chunk...), ErrLineTooLong
				}
				// Too long already: discard up to the line end.
				if derr := lr.discardLine(); derr != nil {
					return nil, derr
				}
				return nil, ErrLineTooLong
			}
			acc = append(acc, chunk...)
			continue
		}
		if err == io.EOF && (len(chunk) > 0 || len(acc) > 0) {
			return append(acc, chunk...), io.ErrUnexpectedEOF
		}
		return nil, err
	}
}

func (lr *LineReader) discardLine() error {
	for {
		_, err := lr.R.ReadSlice('\n')
		if err == nil {
			return nil
		}
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}

func trimEOL(b []byte) []byte {
	b = b[:len(b)-1] // the LF
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}

// Indicator is the status indicator a response line begins with
// (RFC 1939 §3; the SASL continuation of RFC 5034 §4).
type Indicator int

// The indicators. The zero value marks a line that is no response.
const (
	NoIndicator Indicator = iota
	// IndicatorOK: "+OK", the command succeeded.
	IndicatorOK
	// IndicatorERR: "-ERR", the command failed.
	IndicatorERR
	// IndicatorContinue: "+", a SASL challenge; the client answers it.
	IndicatorContinue
)

// String returns the indicator as it is sent ("+OK", "-ERR", "+"), or ""
// for NoIndicator.
func (i Indicator) String() string {
	switch i {
	case IndicatorOK:
		return OK
	case IndicatorERR:
		return ERR
	case IndicatorContinue:
		return Continue
	}
	return ""
}

// StatusIndicator returns IndicatorOK for ok, else IndicatorERR.
func StatusIndicator(ok bool) Indicator {
	if ok {
		return IndicatorOK
	}
	return IndicatorERR
}

// Status is a parsed response status line.
type Status struct {
	// OK is true for +OK, false for -ERR.
	OK bool
	// Code is the response code without brackets ("IN-USE"), or "".
	Code string
	// Text is the human-readable rest of the line after the code.
	Text string
}

// ParseStatus parses a status line without its line ending. It accepts
// exactly "+OK" or "-ERR", optionally followed by a space and text; a
// bracketed response code at the start of the text is split off
// (RFC 2449 §8).
func ParseStatus(line []byte) (Status, error) {
	var st Status
	var rest []byte
	switch {
	case bytes.HasPrefix(line, []byte(OK)):
		st.OK, rest = true, line[len(OK):]
	case bytes.HasPrefix(line, []byte(ERR)):
		rest = line[len(ERR):]
	default:
		return Status{}, fmt.Errorf("pop3: status line %q does not start with +OK or -ERR", truncate(line, 40))
	}
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return Status{}, fmt.Errorf("pop3: status line %q: no space after the status indicator", truncate(line, 40))
		}
		rest = rest[1:]
	}
	if len(rest) > 0 && rest[0] == '[' {
		if end := bytes.IndexByte(rest, ']'); end > 0 {
			st.Code = string(rest[1:end])
			rest = bytes.TrimPrefix(rest[end+1:], []byte(" "))
		}
	}
	st.Text = string(rest)
	return st, nil
}

// FormatStatus returns a status line with its CRLF. A non-empty code is put
// in brackets before the text. Text that would make the line longer than
// MaxResponseLine is cut short, and CR or LF in it become spaces, so that
// the line is always one valid response line.
func FormatStatus(ok bool, code, text string) []byte {
	ind := ERR
	if ok {
		ind = OK
	}
	b := make([]byte, 0, len(ind)+len(code)+len(text)+6)
	b = append(b, ind...)
	if code != "" {
		b = append(b, " ["...)
		b = append(b, code...)
		b = append(b, ']')
	}
	if text != "" {
		b = append(b, ' ')
		for i := 0; i < len(text) && len(b) < MaxResponseLine-2; i++ {
			c := text[i]
			if c == '\r' || c == '\n' {
				c = ' '
			}
			b = append(b, c)
		}
	}
	return append(b, '\r', '\n')
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
