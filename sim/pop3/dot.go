package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

var (
	crlf       = []byte("\r\n")
	terminator = []byte(".\r\n")
	bareLFTerm = []byte(".\n")
)

// ErrDotWriterClosed is returned by a write to a closed DotWriter.
var ErrDotWriterClosed = errors.New("pop3: write to a closed multi-line body")

// DotWriter writes the body of a multi-line response (RFC 1939 §3). Lines
// that begin with "." get one more "." in front; bare LF line endings are
// sent as CRLF. Close ends an unterminated last line with CRLF and writes
// the terminating ".\r\n"; it does not close the underlying writer.
//
// DotWriter makes several small writes per line: give it a buffered
// writer.
type DotWriter struct {
	w         io.Writer
	lineStart bool // the next byte begins a line
	lastCR    bool // the last byte written was a CR not yet followed by LF
	closed    bool
}

// NewDotWriter returns a DotWriter that writes to w.
func NewDotWriter(w io.Writer) *DotWriter {
	return &DotWriter{w: w, lineStart: true}
}

// Write dot-stuffs p and writes it. It returns len(p) on success.
func (d *DotWriter) Write(p []byte) (int, error) {
	if d.closed {
		return 0, ErrDotWriterClosed
	}
	total := len(p)
	for len(p) > 0 {
		if d.lineStart && p[0] == '.' {
			if _, err := d.w.Write(terminator[:1]); err != nil {
				return total - len(p), err
			}
		}
		d.lineStart = false
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if _, err := d.w.Write(p); err != nil {
				return total - len(p), err
			}
			d.lastCR = p[len(p)-1] == '\r'
			return total, nil
		}
		hasCR := (i > 0 && p[i-1] == '\r') || (i == 0 && d.lastCR)
		if hasCR {
			if _, err := d.w.Write(p[:i+1]); err != nil {
				return total - len(p), err
			}
		} else {
			if _, err := d.w.Write(p[:i]); err != nil {
				return total - len(p), err
			}
			if _, err := d.w.Write(crlf); err != nil {
				return total - len(p), err
			}
		}
		p = p[i+1:]
		d.lineStart, d.lastCR = true, false
	}
	return total, nil
}

// Close finishes the body: it ends an open last line and writes the
// terminating line. Calling Close twice is an error.
func (d *DotWriter) Close() error {
	if d.closed {
		return ErrDotWriterClosed
	}
	d.closed = true
	if !d.lineStart {
		end := crlf
		if d.lastCR {
			end = crlf[1:]
		}
		if _, err := d.w.Write(end); err != nil {
			return err
		}
	}
	_, err := d.w.Write(terminator)
	return err
}

// DotReader reads the body of a multi-line response (RFC 1939 §3): it
// returns the lines exactly as sent, line endings included, with the
// byte-stuffed "." removed, and reports io.EOF after the terminating line,
// which it consumes. A stream that ends before the terminating line gives
// io.ErrUnexpectedEOF.
type DotReader struct {
	r         *bufio.Reader
	pending   []byte
	lineStart bool
	done      bool
	err       error
}

// NewDotReader returns a DotReader on r. It reads r only up to and including
// the terminating line, so r can be used for the next response afterwards.
func NewDotReader(r *bufio.Reader) *DotReader {
	return &DotReader{r: r, lineStart: true}
}

// Read implements io.Reader.
func (d *DotReader) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.done {
			return 0, io.EOF
		}
		if d.err != nil {
			return 0, d.err
		}
		line, err := d.r.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			// A long line: this is only its first part.
			if d.lineStart && line[0] == '.' {
				line = line[1:]
			}
			d.lineStart = false
		case err != nil:
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			d.err = err
			if len(line) == 0 {
				return 0, err
			}
			d.lineStart = false
		default:
			if d.lineStart && line[0] == '.' {
				if bytes.Equal(line, terminator) || bytes.Equal(line, bareLFTerm) {
					d.done = true
					return 0, io.EOF
				}
				line = line[1:]
			}
			d.lineStart = true
		}
		d.pending = line
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}
