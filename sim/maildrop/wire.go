package maildrop

import (
	"bytes"
	"io"
	"sync"

	"github.com/hack-pad/hackpadfs"
)

// The wire form of a message is what RFC 1939 §3 puts between the status
// line and the terminating "." of a multi-line response, before
// dot-stuffing: every line ends in CRLF, the last one included. A line
// that already ends in CRLF is sent as it is; a line that ends in a bare
// LF (the Unix convention in Maildir files) gets a CR; a last line without
// a line break gets CRLF. A CR anywhere else is data and stays. An empty
// file is an empty message. Sizes (LIST, STAT) count exactly these octets
// (RFC 1939 §5 LIST: "the exact size of the message in octets").

// wireBufSize is the read size of the wire transform: large enough that the
// per-read overhead disappears behind bytes.IndexByte and copy.
const wireBufSize = 64 << 10

// wireBufs holds wireBufSize buffers for wire readers and size counts: a
// session that retrieves many messages reuses a few buffers instead of
// allocating (and clearing) new ones for every message.
var wireBufs = sync.Pool{New: func() any {
	b := make([]byte, wireBufSize)
	return &b
}}

// noByte marks "nothing read yet" in the last-byte trackers below.
const noByte = -1

// wireCounter computes the raw and the wire size of a byte stream fed to it
// in pieces of any length.
type wireCounter struct {
	raw  int64 // octets seen
	bare int64 // LFs not preceded by CR: each costs one CR on the wire
	last int   // the last octet seen, or noByte
}

func newWireCounter() wireCounter { return wireCounter{last: noByte} }

// add accounts for the next piece of the stream.
func (c *wireCounter) add(p []byte) {
	if len(p) == 0 {
		return
	}
	c.raw += int64(len(p))
	if bytes.IndexByte(p, '\r') < 0 {
		// No CR (the Unix convention of Maildir files): every LF is
		// bare but one that follows a CR ending the previous piece,
		// and both scans are quick (vectorised natively, eight octets
		// at a time under js/wasm).
		bare := int64(countLF(p))
		if p[0] == '\n' && c.last == '\r' {
			bare--
		}
		c.bare += bare
		c.last = int(p[len(p)-1])
		return
	}
	for i := 0; ; {
		j := bytes.IndexByte(p[i:], '\n')
		if j < 0 {
			break
		}
		k := i + j
		prev := c.last
		if k > 0 {
			prev = int(p[k-1])
		}
		if prev != '\r' {
			c.bare++
		}
		i = k + 1
	}
	c.last = int(p[len(p)-1])
}

// wire returns the wire size of everything added so far.
func (c *wireCounter) wire() int64 {
	n := c.raw + c.bare
	if c.last != noByte && c.last != '\n' {
		n += 2 // the last line gets its CRLF
	}
	return n
}

// countingReader feeds everything read through it to a wireCounter, so that
// Deliver learns both sizes while it copies the message into tmp/.
type countingReader struct {
	r io.Reader
	c wireCounter
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.c.add(p[:n])
	return n, err
}

// wireSize reads r to the end and returns its raw and wire sizes.
func wireSize(r io.Reader) (raw, wire int64, err error) {
	c := newWireCounter()
	bufp := wireBufs.Get().(*[]byte)
	defer wireBufs.Put(bufp)
	buf := *bufp
	for {
		n, err := r.Read(buf)
		c.add(buf[:n])
		if err == io.EOF {
			return c.raw, c.wire(), nil
		}
		if err != nil {
			return c.raw, c.wire(), err
		}
	}
}

// wireReader streams the wire form of the message read from src. It
// holds one buffer, never the whole message: a 10 MB RETR costs 64 KB.
type wireReader struct {
	src    io.ReadCloser
	bufp   *[]byte // from wireBufs, returned at Close
	buf    []byte
	r, w   int   // unread raw octets are buf[r:w]
	last   int   // the last raw octet consumed, or noByte
	pendLF bool  // a CR was emitted for a bare LF; its LF is still owed
	srcErr error // sticky error (io.EOF included) from src
	done   bool  // the final CRLF, if any, has been decided
	wired  bool  // buf[r:w] is in wire form already (a loaded message)
	closed bool
}

func newWireReader(src io.ReadCloser) *wireReader {
	bufp := wireBufs.Get().(*[]byte)
	return &wireReader{src: src, bufp: bufp, buf: *bufp, last: noByte}
}

// newLoadedWireReader returns a wire reader for a whole raw message that
// already lies in (*bufp)[off:off+n], a buffer from wireBufs: it makes
// the wire form as it is read, from that buffer.
func newLoadedWireReader(bufp *[]byte, off, n int) *wireReader {
	return &wireReader{src: readFileDone{}, bufp: bufp, buf: *bufp, r: off, w: off + n, last: noByte, srcErr: io.EOF}
}

// newWiredReader returns a wire reader for a message whose wire form
// already lies in (*bufp)[:wire] (see toWireInPlace): WriteTo sends it
// with one write.
func newWiredReader(bufp *[]byte, wire int) *wireReader {
	return &wireReader{src: readFileDone{}, bufp: bufp, buf: *bufp, w: wire, last: noByte, srcErr: io.EOF, done: true, wired: true}
}

// toWireInPlace turns the raw message in buf[off:off+n] into its wire
// form of wire octets in buf[:wire], a line at a time from the start. The
// writes stay behind the reads as long as the CRs added so far fit in the
// room before the message: off >= wire-n suffices for a message whose
// wire form really is wire octets. It reports false, with buf in an
// unknown state, if the wire form is not wire octets: the transform is
// also the check of the wire size.
func toWireInPlace(buf []byte, off, n, wire int) bool {
	if n > wire || wire > len(buf) || off+n > len(buf) {
		return false
	}
	src := buf[off : off+n]
	d := 0 // octets of wire form written
	for s := 0; s < n; {
		j := bytes.IndexByte(src[s:], '\n')
		if j < 0 {
			// The last line had no line break: end it.
			if d+(n-s)+2 > wire {
				return false
			}
			d += copy(buf[d:], src[s:])
			buf[d], buf[d+1] = '\r', '\n'
			d += 2
			break
		}
		k := s + j
		if k > 0 && src[k-1] == '\r' {
			if d+(k+1-s) > wire {
				return false
			}
			d += copy(buf[d:], src[s:k+1])
		} else {
			// A bare LF: one more octet, which must not reach what
			// is still to read.
			if d-s+1 > off || d+(k-s)+2 > wire {
				return false
			}
			d += copy(buf[d:], src[s:k])
			buf[d], buf[d+1] = '\r', '\n'
			d += 2
		}
		s = k + 1
	}
	return d == wire
}

// readFileDone is the source of a loaded wire reader: a file already read
// to its end and closed.
type readFileDone struct{}

func (readFileDone) Read([]byte) (int, error) { return 0, io.EOF }
func (readFileDone) Close() error             { return nil }

// Read implements io.Reader.
func (w *wireReader) Read(p []byte) (int, error) {
	if w.closed {
		return 0, hackpadfs.ErrClosed
	}
	n := 0
	for n < len(p) {
		if w.pendLF {
			p[n] = '\n'
			n++
			w.pendLF = false
			continue
		}
		if w.r == w.w {
			if w.srcErr != nil {
				if w.srcErr == io.EOF && !w.done {
					w.done = true
					if w.last != noByte && w.last != '\n' {
						// The last line had no line break: end it.
						p[n] = '\r'
						n++
						w.pendLF = true
						continue
					}
				}
				if n > 0 {
					return n, nil
				}
				return 0, w.srcErr
			}
			m, err := w.src.Read(w.buf)
			w.r, w.w = 0, m
			if err != nil {
				w.srcErr = err
			}
			continue
		}
		n += w.transform(p[n:])
	}
	return n, nil
}

// transform moves raw octets from the buffer into dst, inserting a CR
// before every bare LF, and returns the octets written. It copies runs of
// lines that need no change in one go, so CRLF input costs one copy per
// buffer and LF input one copy per line.
func (w *wireReader) transform(dst []byte) int {
	src := w.buf[w.r:w.w]
	if len(src) > len(dst) {
		src = src[:len(dst)] // each raw octet makes at least one wire octet
	}
	d, s := 0, 0
	for s < len(src) {
		bare := nextBareLF(src, s, w.last)
		end := len(src)
		if bare >= 0 {
			end = bare
		}
		c := copy(dst[d:], src[s:end])
		d += c
		s += c
		if s < end || bare < 0 {
			break // dst is full, or the buffer is used up
		}
		// src[s] is a bare LF: send CRLF.
		if d == len(dst) {
			break
		}
		dst[d] = '\r'
		d++
		s++
		if d == len(dst) {
			w.pendLF = true
			break
		}
		dst[d] = '\n'
		d++
	}
	if s > 0 {
		w.last = int(src[s-1])
	}
	w.r += s
	return d
}

// nextBareLF returns the index of the first LF at or after from in src
// that no CR precedes, or -1. last is the octet before src[0] (or noByte).
func nextBareLF(src []byte, from, last int) int {
	for j := from; ; {
		i := bytes.IndexByte(src[j:], '\n')
		if i < 0 {
			return -1
		}
		k := j + i
		prev := last
		if k > 0 {
			prev = int(src[k-1])
		}
		if prev != '\r' {
			return k
		}
		j = k + 1
	}
}

// WriteTo implements io.WriterTo, so that io.Copy (RETR to a connection)
// writes the message from the reader's own buffer: runs of lines that need
// no change in one write each, a CRLF for each bare LF, no copy in between.
func (w *wireReader) WriteTo(dst io.Writer) (int64, error) {
	if w.closed {
		return 0, hackpadfs.ErrClosed
	}
	var total int64
	write := func(p []byte) error {
		n, err := dst.Write(p)
		total += int64(n)
		if err == nil && n < len(p) {
			err = io.ErrShortWrite
		}
		return err
	}
	if w.pendLF {
		if err := write(crlf[1:]); err != nil {
			return total, err
		}
		w.pendLF = false
	}
	for {
		if w.r == w.w {
			if w.srcErr == nil {
				m, err := w.src.Read(w.buf)
				w.r, w.w = 0, m
				w.srcErr = err
				continue
			}
			if w.srcErr != io.EOF {
				return total, w.srcErr
			}
			if !w.done {
				w.done = true
				if w.last != noByte && w.last != '\n' {
					// The last line had no line break: end it.
					if err := write(crlf); err != nil {
						return total, err
					}
				}
			}
			return total, nil
		}
		src := w.buf[w.r:w.w]
		if w.wired {
			err := write(src)
			w.r += len(src)
			if err != nil {
				return total, err
			}
			continue
		}
		bare := nextBareLF(src, 0, w.last)
		if bare < 0 {
			if err := write(src); err != nil {
				return total, err
			}
			w.last = int(src[len(src)-1])
			w.r = w.w
			continue
		}
		if bare > 0 {
			if err := write(src[:bare]); err != nil {
				return total, err
			}
		}
		if err := write(crlf); err != nil {
			return total, err
		}
		w.last = '\n'
		w.r += bare + 1
	}
}

// crlf ends a line on the wire; lf is its second octet.
var crlf, lf = []byte("\r\n"), []byte("\n")

// Close closes the message file. It is safe to call more than once.
func (w *wireReader) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.buf = nil
	if w.bufp != nil {
		wireBufs.Put(w.bufp)
		w.bufp = nil
	}
	return w.src.Close()
}
