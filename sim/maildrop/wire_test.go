package maildrop

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hack-pad/hackpadfs"
)

// refWire is the wire form by the letter of its definition, line by line:
// the oracle the streaming transform is checked against. A line that ends
// in LF loses exactly one CR before the LF and gets CRLF; a last line
// without LF keeps all its octets and gets CRLF.
func refWire(in []byte) []byte {
	var out []byte
	for len(in) > 0 {
		i := bytes.IndexByte(in, '\n')
		var line []byte
		if i < 0 {
			line, in = in, nil
		} else {
			line, in = in[:i], in[i+1:]
			line = bytes.TrimSuffix(line, []byte("\r"))
		}
		out = append(out, line...)
		out = append(out, '\r', '\n')
	}
	return out
}

// wireCases are the wire-form rules of RFC 1939 §3 (CRLF line endings)
// and the size rule of RFC 1939 §5 LIST (exact octets as sent).
var wireCases = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"LF only", "Subject: a\n\nbody\n", "Subject: a\r\n\r\nbody\r\n"},
	{"CRLF", "Subject: a\r\n\r\nbody\r\n", "Subject: a\r\n\r\nbody\r\n"},
	{"mixed", "a\r\nb\nc\r\n\nd\n", "a\r\nb\r\nc\r\n\r\nd\r\n"},
	{"no final newline", "a\nlast", "a\r\nlast\r\n"},
	{"single line no newline", "x", "x\r\n"},
	{"only LF", "\n", "\r\n"},
	{"only CRLF", "\r\n", "\r\n"},
	{"blank lines LF", "\n\n\n", "\r\n\r\n\r\n"},
	{"lone CR inside a line", "a\rb\nc\r d\r\n", "a\rb\r\nc\r d\r\n"},
	{"lone CR at end of file", "a\r", "a\r\r\n"},
	{"only CR", "\r", "\r\r\n"},
	{"two CRs before LF strips one", "a\r\r\nb\n", "a\r\r\nb\r\n"},
	{"CR CR LF at end", "\r\r\n", "\r\r\n"},
	{"dot lines are not stuffed", ".\n..\n.x\r\n.", ".\r\n..\r\n.x\r\n.\r\n"},
	{"NUL and 8-bit octets pass", "\x00\xff\n\xe9", "\x00\xff\r\n\xe9\r\n"},
}

func TestWireFormTable(t *testing.T) {
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(refWire([]byte(tc.in))); got != tc.want {
				t.Fatalf("oracle: got %q, want %q", got, tc.want)
			}
			got, err := io.ReadAll(newWireReader(io.NopCloser(strings.NewReader(tc.in))))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("wireReader: got %q, want %q", got, tc.want)
			}
			raw, wire, err := wireSize(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if raw != int64(len(tc.in)) || wire != int64(len(tc.want)) {
				t.Errorf("wireSize = (%d, %d), want (%d, %d)", raw, wire, len(tc.in), len(tc.want))
			}
		})
	}
}

// TestWireReaderChunking feeds the transform through every combination of
// small source reads and small destination buffers, so that CR, LF and
// the inserted CRLF fall on every possible boundary.
func TestWireReaderChunking(t *testing.T) {
	for _, tc := range wireCases {
		for _, oneByte := range []bool{false, true} {
			for _, outSize := range []int{1, 2, 3, 5, 64, 1 << 16} {
				var src io.Reader = strings.NewReader(tc.in)
				if oneByte {
					src = iotest.OneByteReader(src)
				}
				wr := newWireReader(io.NopCloser(src))
				var got []byte
				buf := make([]byte, outSize)
				for {
					n, err := wr.Read(buf)
					got = append(got, buf[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if string(got) != tc.want {
					t.Errorf("%s oneByte=%v out=%d: got %q, want %q", tc.name, oneByte, outSize, got, tc.want)
				}
			}
		}
	}
}

// randomMessage makes n octets heavy in CR and LF, so that every boundary
// case occurs many times.
func randomMessage(r *rand.Rand, n int) []byte {
	alphabet := []byte("ab.\r\n\r\n\n \x00")
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return b
}

func TestWireReaderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		in := randomMessage(r, r.IntN(3000))
		want := refWire(in)
		var src io.Reader = bytes.NewReader(in)
		if i%2 == 1 {
			src = iotest.HalfReader(src)
		}
		got, err := io.ReadAll(iotest.DataErrReader(newWireReader(io.NopCloser(src))))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d: transform differs from the oracle\nin   %q\ngot  %q\nwant %q", i, in, got, want)
		}
		c := newWireCounter()
		for p := in; len(p) > 0; {
			k := min(len(p), 1+r.IntN(7))
			c.add(p[:k])
			p = p[k:]
		}
		if c.raw != int64(len(in)) || c.wire() != int64(len(want)) {
			t.Fatalf("case %d: counter (%d, %d), want (%d, %d)", i, c.raw, c.wire(), len(in), len(want))
		}
	}
}

// TestWireReaderIsIOTestClean runs the standard reader conformance checks.
func TestWireReaderIsIOTestClean(t *testing.T) {
	in := []byte("From: a\nTo: b\r\n\r\n.dot\nlast")
	if err := iotest.TestReader(newWireReader(io.NopCloser(bytes.NewReader(in))), refWire(in)); err != nil {
		t.Fatal(err)
	}
}

// tenMegabytes is a 10 MB message of 72-octet lines with LF endings, the
// common shape of a large Maildir message.
func tenMegabytes(crlf bool) []byte {
	line := strings.Repeat("0123456789", 7) + "x"
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	var b bytes.Buffer
	b.WriteString("Subject: big\n\n")
	for b.Len() < 10<<20 {
		b.WriteString(line + eol)
	}
	return b.Bytes()
}

func TestWireReaderTenMegabytes(t *testing.T) {
	for _, crlf := range []bool{false, true} {
		in := tenMegabytes(crlf)
		want := refWire(in)
		var got bytes.Buffer
		n, err := io.Copy(&got, newWireReader(io.NopCloser(bytes.NewReader(in))))
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(want)) || !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("crlf=%v: copied %d octets, want %d; equal=%v", crlf, n, len(want), bytes.Equal(got.Bytes(), want))
		}
		_, wire, _ := wireSize(bytes.NewReader(in))
		if wire != int64(len(want)) {
			t.Fatalf("crlf=%v: wireSize %d, want %d", crlf, wire, len(want))
		}
	}
}

type errAfterReader struct{ data []byte }

var errSource = errors.New("source failed")

func (r *errAfterReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errSource
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// A failing source must surface as an error, never as a clean end with a
// CRLF made up for the last line.
func TestWireReaderSourceError(t *testing.T) {
	got, err := io.ReadAll(newWireReader(io.NopCloser(&errAfterReader{data: []byte("a\nb")})))
	if !errors.Is(err, errSource) {
		t.Fatalf("err = %v, want errSource", err)
	}
	if string(got) != "a\r\nb" {
		t.Fatalf("got %q before the error, want %q", got, "a\r\nb")
	}
	var sink bytes.Buffer
	if _, err := newWireReader(io.NopCloser(&errAfterReader{data: []byte("x")})).WriteTo(&sink); !errors.Is(err, errSource) {
		t.Fatalf("WriteTo err = %v, want errSource", err)
	}
}

func TestWireReaderClose(t *testing.T) {
	wr := newWireReader(io.NopCloser(strings.NewReader("a\n")))
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := wr.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := wr.Read(make([]byte, 4)); !errors.Is(err, hackpadfs.ErrClosed) {
		t.Fatalf("Read after Close: %v, want hackpadfs.ErrClosed", err)
	}
}

// FuzzWireReader checks the transform and the counter against the oracle.
func FuzzWireReader(f *testing.F) {
	for _, tc := range wireCases {
		f.Add([]byte(tc.in), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, out uint8) {
		want := refWire(in)
		wr := newWireReader(io.NopCloser(iotest.OneByteReader(bytes.NewReader(in))))
		buf := make([]byte, int(out)%9+1)
		var got []byte
		for {
			n, err := wr.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
		_, wire, _ := wireSize(bytes.NewReader(in))
		if wire != int64(len(want)) {
			t.Fatalf("wireSize %d, want %d", wire, len(want))
		}
	})
}

// TestWireReaderWriteTo checks that WriteTo sends exactly what Read gives,
// also after some Reads of every size have left the reader mid-line or
// owing the LF of a CRLF, and from a reader whose buffer already holds the
// whole message (newLoadedWireReader, the one-pass Open).
func TestWireReaderWriteTo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		in := randomMessage(r, r.IntN(3000))
		if i < len(wireCases) {
			in = []byte(wireCases[i].in)
		}
		want := refWire(in)
		var src io.Reader = bytes.NewReader(in)
		if i%2 == 1 {
			src = iotest.HalfReader(src)
		}
		wr := newWireReader(io.NopCloser(src))
		var got bytes.Buffer
		if first := r.IntN(5); first > 0 { // Read a few octets first
			p := make([]byte, first)
			n, _ := io.ReadFull(wr, p)
			got.Write(p[:n])
		}
		if _, err := wr.WriteTo(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("case %d: WriteTo differs from the oracle\nin   %q\ngot  %q\nwant %q", i, in, got.Bytes(), want)
		}
		if n, err := wr.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Fatalf("case %d: Read after WriteTo = %d, %v; want 0, EOF", i, n, err)
		}
		wr.Close()

		// As Open loads a message: at the end of the buffer, then made
		// wire form in place or, in the other half of the cases, as it
		// is read.
		bufp := wireBufs.Get().(*[]byte)
		off := len(*bufp) - len(in) - 1
		copy((*bufp)[off:], in)
		loaded := newLoadedWireReader(bufp, off, len(in))
		if i%2 == 0 {
			if !toWireInPlace(*bufp, off, len(in), len(want)) {
				t.Fatalf("case %d: toWireInPlace failed", i)
			}
			loaded = newWiredReader(bufp, len(want))
		}
		got.Reset()
		if _, err := io.Copy(&got, loaded); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("case %d: loaded reader differs from the oracle\nin   %q\ngot  %q\nwant %q", i, in, got.Bytes(), want)
		}
		loaded.Close()
	}
}

// TestWireCounterPieces feeds random messages to the size counter in
// random pieces, with and without CRs, and with a CR that ends one piece
// before the LF that begins the next: the sizes match the reference
// transform of the whole message.
func TestWireCounterPieces(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, alphabet := range []string{"ab\n", "ab\r\n", "\r\n", "\n"} {
		for i := 0; i < 2000; i++ {
			in := make([]byte, r.IntN(40))
			for j := range in {
				in[j] = alphabet[r.IntN(len(alphabet))]
			}
			c := newWireCounter()
			for rest := in; len(rest) > 0; {
				k := 1 + r.IntN(len(rest))
				c.add(rest[:k])
				rest = rest[k:]
			}
			if want := int64(len(refWire(in))); c.wire() != want || c.raw != int64(len(in)) {
				t.Fatalf("%q: wire %d raw %d, want %d and %d", in, c.wire(), c.raw, want, len(in))
			}
		}
	}
	// The piece boundary that matters, explicitly.
	c := newWireCounter()
	c.add([]byte("a\r"))
	c.add([]byte("\nb\n"))
	if c.wire() != int64(len("a\r\nb\r\n")) {
		t.Fatalf("CR at the end of a piece, LF at the start of the next: wire %d, want 6", c.wire())
	}
}

// TestToWireInPlace: the in-place transform of a message loaded at the
// end of a buffer gives the reference wire form, in a buffer just large
// enough and in larger ones, and refuses a wire size that does not match
// (so that Open fails the message) without writing over what it has still
// to read or past the buffer.
func TestToWireInPlace(t *testing.T) {
	for _, in := range []string{"", "a", "a\n", "\n", "\n\n", "a\r\nb\nc", "a\r", "\r", ".\n..\r\n", "\r\n\r\n", "x\r\r\n\n", "ab\ncd\nef"} {
		want := refWire([]byte(in))
		for _, delta := range []int{0, -1, 1, 2} {
			size := len(want) + delta
			if size < 0 {
				continue
			}
			for _, room := range []int{0, 1, 3} {
				// The room before the message is what the listed
				// size says it needs, and room more.
				off := max(size-len(in), 0) + room
				buf := make([]byte, off+len(in)+room)
				copy(buf[off:], in)
				ok := toWireInPlace(buf, off, len(in), size)
				if ok != (delta == 0) {
					t.Errorf("%q with wire size %d (want %d), %d octets before it: ok = %v", in, size, len(want), off, ok)
				}
				if ok && string(buf[:size]) != string(want) {
					t.Errorf("%q: %q, want %q", in, buf[:size], want)
				}
			}
		}
	}
}

// TestToWireInPlaceRoom: with less room before the message than its CRs
// need, the transform refuses instead of writing over what it has still
// to read.
func TestToWireInPlaceRoom(t *testing.T) {
	in := "a\nb\nc\n"
	want := refWire([]byte(in))
	for off := 0; off < len(want)-len(in); off++ {
		buf := make([]byte, off+len(in))
		copy(buf[off:], in)
		if toWireInPlace(buf, off, len(in), len(want)) {
			t.Errorf("%d octets of room for %d CRs: ok", off, len(want)-len(in))
		}
	}
}
