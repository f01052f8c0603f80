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
// A run of lines that needs neither change (CRLF text, the wire form of a
// message) goes out in one write, so that a message costs one copy into a
// buffered writer instead of one call per line; the small writes for a
// stuffed "." or a CRLF still want a buffered writer underneath.
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

// Write dot-stuffs p and writes it. It returns len(p) on success; on an
// error, the octets of p whose stuffed form was written in full.
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
		// The run is p[:end]: whole lines that end in CRLF and are not
		// followed by a line beginning with ".", sent unchanged.
		end := 0
		bare := false
		for {
			i := bytes.IndexByte(p[end:], '\n')
			if i < 0 {
				// The run reaches the end of p within a line.
				if _, err := d.w.Write(p); err != nil {
					return total - len(p), err
				}
				d.lastCR = p[len(p)-1] == '\r'
				return total, nil
			}
			k := end + i
			if (k == 0 && !d.lastCR) || (k > 0 && p[k-1] != '\r') {
				bare = true
				end = k
				break
			}
			end = k + 1
			if end == len(p) || p[end] == '.' {
				break
			}
		}
		if end > 0 {
			if _, err := d.w.Write(p[:end]); err != nil {
				return total - len(p), err
			}
		}
		if bare {
			// A bare LF: send it as CRLF.
			if _, err := d.w.Write(crlf); err != nil {
				return total - len(p), err
			}
			end++
		}
		p = p[end:]
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

// ErrUnstuffed is returned by a strict DotReader for a body line that
// begins with "." but is neither the terminating "." nor stuffed with a
// second "." (RFC 1939 §3): the reader cannot know what the line was.
var ErrUnstuffed = errors.New(`body line begins with "." but is not byte-stuffed ("..") nor the terminating "."`)

// LineError is a line that a strict DotReader rejects.
type LineError struct {
	// Err is ErrBareLF, ErrUnstuffed, ErrLineTooLong, or
	// io.ErrUnexpectedEOF for a body cut off by the end of the stream.
	Err error
	// Line is the offending line as received without its CRLF (a bare LF
	// stays): the start of a line that is too long, what arrived of a
	// line cut off, nil when the stream ended between lines.
	Line []byte
}

// Error implements error.
func (e *LineError) Error() string { return "pop3: " + e.Err.Error() }

// Unwrap returns Err.
func (e *LineError) Unwrap() error { return e.Err }

// maxQuoted bounds LineError.Line for a line longer than the buffer.
const maxQuoted = MaxResponseLine

// DotReader reads the body of a multi-line response (RFC 1939 §3): it
// returns the lines exactly as sent, line endings included, with the
// byte-stuffed "." removed, and reports io.EOF after the terminating line,
// which it consumes. A stream that ends before the terminating line gives
// io.ErrUnexpectedEOF.
//
// By default it is lenient, as a server may be: a bare LF ends a line and a
// line beginning with a single "." loses the dot. Strict makes it what a
// client should be: such lines, lines over Limit and a body cut off by the
// end of the stream give a *LineError, and the reader stops there.
type DotReader struct {
	// Strict rejects bare LF line endings, unstuffed lines beginning with
	// ".", and lines over Limit, with a *LineError. Of a line longer than
	// the bufio.Reader's buffer, the parts before the error have already
	// been returned.
	Strict bool
	// Limit is the longest line a strict reader accepts, CRLF included;
	// zero means no limit.
	Limit int
	// Wire, when set, receives the body exactly as it was read: stuffed,
	// with its terminating line.
	Wire io.Writer

	r         *bufio.Reader
	pending   []byte
	lineStart bool
	lineLen   int    // octets of the current line read so far
	head      []byte // the start of a line longer than the buffer (strict)
	lastCR    bool   // the previous part of the line ended in CR
	done      bool
	err       error
}

// NewDotReader returns a lenient DotReader on r. It reads r only up to and
// including the terminating line, so r can be used for the next response
// afterwards.
func NewDotReader(r *bufio.Reader) *DotReader {
	return &DotReader{r: r, lineStart: true}
}

// NewStrictDotReader returns a strict DotReader on r that accepts lines of
// at most limit octets (zero: any length).
func NewStrictDotReader(r *bufio.Reader, limit int) *DotReader {
	return &DotReader{r: r, lineStart: true, Strict: true, Limit: limit}
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
		if err := d.next(); err != nil {
			d.err = err
			if len(d.pending) == 0 {
				return 0, err
			}
		}
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// next reads the next line, or part of a long one, into pending; at the
// start of a line, every whole line after it that is already buffered and
// needs no change too (see run).
func (d *DotReader) next() error {
	if d.lineStart {
		if run := d.run(); len(run) > 0 {
			if d.Wire != nil {
				if _, err := d.Wire.Write(run); err != nil {
					return err
				}
			}
			d.r.Discard(len(run))
			d.lastCR = false
			d.pending = run
			return nil
		}
	}
	line, err := d.r.ReadSlice('\n')
	if d.Wire != nil && len(line) > 0 {
		if _, werr := d.Wire.Write(line); werr != nil {
			return werr
		}
	}
	start := d.lineStart
	if start {
		d.lineLen = 0
	}
	d.lineLen += len(line)
	switch {
	case err == bufio.ErrBufferFull:
		// A long line: this is only a part of it.
		d.lineStart = false
	case err != nil:
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if d.Strict {
			return &LineError{Err: err, Line: d.quote(start, line)}
		}
		d.pending = line
		d.lineStart = false
		return err
	default:
		d.lineStart = true
		if d.Strict && !(len(line) >= 2 && line[len(line)-2] == '\r' || len(line) == 1 && d.lastCR) {
			return &LineError{Err: ErrBareLF, Line: d.quote(start, line)}
		}
	}
	if d.Strict && d.Limit > 0 && d.lineLen > d.Limit {
		return &LineError{Err: ErrLineTooLong, Line: d.quote(start, line)}
	}
	if start && line[0] == '.' {
		if err == nil && (bytes.Equal(line, terminator) || (!d.Strict && bytes.Equal(line, bareLFTerm))) {
			d.done = true
			return nil
		}
		if d.Strict && line[1] != '.' {
			return &LineError{Err: ErrUnstuffed, Line: d.quote(start, bytes.TrimSuffix(line, crlf))}
		}
		line = line[1:]
	}
	if d.Strict && err == bufio.ErrBufferFull {
		if start {
			d.head = d.head[:0]
		}
		if room := maxQuoted - len(d.head); room > 0 {
			d.head = append(d.head, line[:min(room, len(line))]...)
		}
	}
	d.lastCR = line[len(line)-1] == '\r'
	d.pending = line
	return nil
}

// run returns the whole lines at the start of what the reader has
// buffered (filling it first if it is empty) that come out unchanged: none
// begins with "." (stuffed, or the terminating line) and, for a strict
// reader, each ends in CRLF and is within Limit. The slice is valid until
// the next read. A body then costs one pass per buffer instead of one call
// per line; every other line takes the line-at-a-time path, which checks
// and reports it.
func (d *DotReader) run() []byte {
	if d.r.Buffered() == 0 {
		// An error comes back from the ReadSlice that follows.
		if _, err := d.r.Peek(1); err != nil {
			return nil
		}
	}
	buf, _ := d.r.Peek(d.r.Buffered())
	n := 0
	for n < len(buf) && buf[n] != '.' {
		i := bytes.IndexByte(buf[n:], '\n')
		if i < 0 {
			break
		}
		end := n + i + 1
		if d.Strict && (i == 0 || buf[end-2] != '\r' || d.Limit > 0 && end-n > d.Limit) {
			break
		}
		n = end
	}
	return buf[:n]
}

// quote returns the offending line for a LineError: the part just read,
// after the start kept of a line longer than the buffer.
func (d *DotReader) quote(start bool, part []byte) []byte {
	var q []byte
	if !start {
		q = append(q, d.head...)
	}
	q = append(q, part...)
	if len(q) == 0 {
		return nil
	}
	return q[:min(len(q), maxQuoted)]
}
