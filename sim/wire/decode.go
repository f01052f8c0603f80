package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// ContentType is the type byte of a TLS record (RFC 8446 §5.1).
type ContentType uint8

// TLS record content types (RFC 8446 §5.1).
const (
	ChangeCipherSpec ContentType = 20
	Alert            ContentType = 21
	Handshake        ContentType = 22
	ApplicationData  ContentType = 23
)

// String returns the RFC name: "change_cipher_spec", "alert", "handshake" or
// "application_data".
func (t ContentType) String() string {
	switch t {
	case ChangeCipherSpec:
		return "change_cipher_spec"
	case Alert:
		return "alert"
	case Handshake:
		return "handshake"
	case ApplicationData:
		return "application_data"
	}
	return fmt.Sprintf("unknown(%d)", uint8(t))
}

// tlsHeaderLen is the size of a TLS record header: type, version, length
// (RFC 8446 §5.1).
const tlsHeaderLen = 5

// A Unit is one thing a Decoder recognised in a stream: a POP3 line while
// the stream is plaintext, or a TLS record once TLS has started.
type Unit struct {
	// Dir is the direction of the stream the unit was found in.
	Dir Dir
	// TLS tells a TLS record from a POP3 line.
	TLS bool
	// Line is the POP3 line without its line ending (CRLF, or a bare LF),
	// when TLS is false.
	Line string
	// Type is the record's content type, when TLS is true.
	Type ContentType
	// Version is the record-layer version, when TLS is true: 0x0303 for
	// TLS 1.2 and, frozen there, TLS 1.3 (RFC 8446 §5.1); a ClientHello
	// record often says 0x0301.
	Version uint16
	// Length is the length of the record's payload, when TLS is true; the
	// record takes 5 more bytes on the wire for its header.
	Length int
}

// String describes the unit: the line itself, or
// "TLS handshake record, TLS 1.2 (0x0303), 122 bytes".
func (u Unit) String() string {
	if !u.TLS {
		return u.Line
	}
	return fmt.Sprintf("TLS %v record, %s (0x%04x), %d bytes", u.Type, versionName(u.Version), u.Version, u.Length)
}

// A Decoder splits the two byte streams of a connection into POP3 lines and
// TLS records, as an eavesdropper reading the wire would. Feed it every
// payload in order, as a tap receives them: lines and records split across
// segments come out whole once their last byte has arrived.
//
// A stream is plaintext until a TLS record header (content type 20 to 23,
// version 0x0300 to 0x0304) begins at a line boundary; from there on it is
// TLS. POP3 lines never begin with those control bytes, so this sniffing
// follows a stream through STLS (RFC 2595 §4), where "STLS" and "+OK" are
// the last plaintext lines, and needs nothing for implicit TLS on port 995.
//
// The zero Decoder is ready to use. It is not safe for concurrent use.
type Decoder struct {
	streams [2]stream
}

// A stream is the decoding state of one direction.
type stream struct {
	buf []byte // bytes not yet part of a unit
	tls bool
}

// Decode appends p to the stream of direction dir and returns the units it
// completed, in order. It does not keep p. An unfinished line or record is
// held, however long, until its last byte arrives.
func (d *Decoder) Decode(dir Dir, p []byte) []Unit {
	if !dir.valid() {
		return nil
	}
	s := &d.streams[dir]
	// Units are read from p itself when nothing is held (most segments
	// begin a line or a record): only an unfinished tail is copied.
	buf := p
	if len(s.buf) > 0 {
		s.buf = append(s.buf, p...)
		buf = s.buf
	}
	var units []Unit
	for {
		if !s.tls {
			switch sniff(buf) {
			case sniffMore:
				s.hold(buf)
				return units
			case sniffRecord:
				s.tls = true
				continue
			}
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				s.hold(buf)
				return units
			}
			line := bytes.TrimSuffix(buf[:i], []byte("\r"))
			units = append(units, Unit{Dir: dir, Line: string(line)})
			buf = buf[i+1:]
			continue
		}
		if len(buf) < tlsHeaderLen {
			s.hold(buf)
			return units
		}
		n := int(binary.BigEndian.Uint16(buf[3:5]))
		if len(buf) < tlsHeaderLen+n {
			s.hold(buf)
			return units
		}
		units = append(units, Unit{
			Dir:     dir,
			TLS:     true,
			Type:    ContentType(buf[0]),
			Version: binary.BigEndian.Uint16(buf[1:3]),
			Length:  n,
		})
		buf = buf[tlsHeaderLen+n:]
	}
}

// Pending returns how many bytes of direction dir's stream are buffered
// but not yet part of a complete line or record.
func (d *Decoder) Pending(dir Dir) int {
	if !dir.valid() {
		return 0
	}
	return len(d.streams[dir].buf)
}

// IsTLS reports whether direction dir's stream has switched to TLS.
func (d *Decoder) IsTLS(dir Dir) bool {
	return dir.valid() && d.streams[dir].tls
}

// hold keeps rest, the bytes not yet part of a unit (the end of the held
// buffer or of the segment just decoded), at the front of the stream's
// buffer. The buffer is reused, but one that grew for a long unfinished
// line or record is let go once most of it is spent.
func (s *stream) hold(rest []byte) {
	switch {
	case cap(s.buf) > 2*len(rest)+maxKeptBuffer:
		s.buf = bytes.Clone(rest)
	case len(rest) > cap(s.buf):
		s.buf = append(s.buf[:0], rest...) // rest is the segment's
	default:
		// copy moves the tail to the front when rest is in s.buf.
		s.buf = s.buf[:copy(s.buf[:cap(s.buf)], rest)]
	}
}

// maxKeptBuffer is the most buffer room a stream keeps beyond what it
// holds.
const maxKeptBuffer = 64 << 10

// Results of sniff.
const (
	sniffPlain  = iota // a POP3 line begins here
	sniffRecord        // a TLS record header begins here
	sniffMore          // too few bytes to tell
)

// sniff tells whether buf, which starts at a line boundary, starts with
// a TLS record header: a content type from 20 to 23 and a version 3.0 to
// 3.4 (RFC 8446 §5.1, RFC 5246 §6.2.1).
func sniff(buf []byte) int {
	switch {
	case len(buf) == 0:
		return sniffMore
	case buf[0] < byte(ChangeCipherSpec) || buf[0] > byte(ApplicationData):
		return sniffPlain
	case len(buf) < 2:
		return sniffMore
	case buf[1] != 3:
		return sniffPlain
	case len(buf) < 3:
		return sniffMore
	case buf[2] > 4:
		return sniffPlain
	}
	return sniffRecord
}

// versionName names a TLS record-layer version.
func versionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSL 3.0"
	case 0x0301:
		return "TLS 1.0"
	case 0x0302:
		return "TLS 1.1"
	case 0x0303:
		return "TLS 1.2"
	case 0x0304:
		return "TLS 1.3"
	}
	return "unknown version"
}
