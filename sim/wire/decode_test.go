package wire

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// units renders units one per line for comparison.
func units(us []Unit) string {
	var b strings.Builder
	for _, u := range us {
		fmt.Fprintf(&b, "%v %v\n", u.Dir, u)
	}
	return b.String()
}

// feed decodes stream in pieces of at most size bytes (all at once when
// size is 0).
func feed(d *Decoder, dir Dir, stream []byte, size int) []Unit {
	if size == 0 {
		size = len(stream)
	}
	var out []Unit
	for len(stream) > 0 {
		n := min(size, len(stream))
		out = append(out, d.Decode(dir, stream[:n])...)
		stream = stream[n:]
	}
	return out
}

func TestDecoder(t *testing.T) {
	// A TLS record header and payload: type, version, 16-bit length.
	record := func(typ byte, version uint16, n int) string {
		return string([]byte{typ, byte(version >> 8), byte(version), byte(n >> 8), byte(n)}) + strings.Repeat("\xaa", n)
	}
	tests := []struct {
		name   string
		dir    Dir
		stream string
		want   string
		tls    bool // the stream ends in TLS mode
	}{
		{
			name:   "POP3 commands",
			dir:    ClientToServer,
			stream: "USER alice\r\nPASS tans taaf\r\nSTAT\r\n",
			want:   "C->S USER alice\nC->S PASS tans taaf\nC->S STAT\n",
		},
		{
			name:   "multi-line response, a bare LF, an empty line and an unfinished one",
			dir:    ServerToClient,
			stream: "+OK 2 messages\r\n1 120\n\r\n.\r\n+OK",
			want:   "S->C +OK 2 messages\nS->C 1 120\nS->C \nS->C .\n",
		},
		{
			name:   "implicit TLS from the first byte (port 995, RFC 8314)",
			dir:    ClientToServer,
			stream: record(22, 0x0301, 300) + record(20, 0x0303, 1) + record(23, 0x0303, 53),
			want: "C->S TLS handshake record, TLS 1.0 (0x0301), 300 bytes\n" +
				"C->S TLS change_cipher_spec record, TLS 1.2 (0x0303), 1 bytes\n" +
				"C->S TLS application_data record, TLS 1.2 (0x0303), 53 bytes\n",
			tls: true,
		},
		{
			name:   "STLS then TLS (RFC 2595 §4)",
			dir:    ClientToServer,
			stream: "CAPA\r\nSTLS\r\n" + record(22, 0x0301, 2000) + record(21, 0x0303, 2),
			want: "C->S CAPA\nC->S STLS\n" +
				"C->S TLS handshake record, TLS 1.0 (0x0301), 2000 bytes\n" +
				"C->S TLS alert record, TLS 1.2 (0x0303), 2 bytes\n",
			tls: true,
		},
		{
			name:   "+OK then TLS, an incomplete record held back",
			dir:    ServerToClient,
			stream: "+OK Begin TLS\r\n" + record(22, 0x0303, 90) + record(23, 0x0303, 40)[:30],
			want:   "S->C +OK Begin TLS\nS->C TLS handshake record, TLS 1.2 (0x0303), 90 bytes\n",
			tls:    true,
		},
		{
			name:   "control bytes that are not a record header stay plaintext",
			dir:    ClientToServer,
			stream: "\x16\x02\x01 x\r\n\x17\x03\x05\r\nNOOP\r\n",
			want:   "C->S \x16\x02\x01 x\nC->S \x17\x03\x05\nC->S NOOP\n",
		},
		{
			name:   "a record header in the middle of a line is not TLS",
			dir:    ClientToServer,
			stream: "PASS \x16\x03\x01\x00\x05\r\nQUIT\r\n",
			want:   "C->S PASS \x16\x03\x01\x00\x05\nC->S QUIT\n",
		},
		{
			name:   "an empty record, version 0x0304",
			dir:    ServerToClient,
			stream: record(23, 0x0304, 0),
			want:   "S->C TLS application_data record, TLS 1.3 (0x0304), 0 bytes\n",
			tls:    true,
		},
	}
	for _, tt := range tests {
		// Whole, and split at every byte: lines and records that
		// straddle segments come out the same.
		for _, size := range []int{0, 1, 2, 7} {
			t.Run(fmt.Sprintf("%s/pieces of %d", tt.name, size), func(t *testing.T) {
				var d Decoder
				got := feed(&d, tt.dir, []byte(tt.stream), size)
				if units(got) != tt.want {
					t.Errorf("units:\n%q\nwant:\n%q", units(got), tt.want)
				}
				if d.IsTLS(tt.dir) != tt.tls {
					t.Errorf("IsTLS = %v, want %v", d.IsTLS(tt.dir), tt.tls)
				}
				if d.IsTLS(tt.dir.reverse()) || d.Pending(tt.dir.reverse()) != 0 {
					t.Errorf("the other direction was touched")
				}
			})
		}
	}
}

func TestDecoderKeepsDirectionsApart(t *testing.T) {
	var d Decoder
	var got []Unit
	got = append(got, d.Decode(ClientToServer, []byte("US"))...)
	got = append(got, d.Decode(ServerToClient, []byte("+OK rea"))...)
	got = append(got, d.Decode(ClientToServer, []byte("ER a\r\n"))...)
	got = append(got, d.Decode(ServerToClient, []byte("dy\r\n"))...)
	if want := "C->S USER a\nS->C +OK ready\n"; units(got) != want {
		t.Errorf("units %q, want %q", units(got), want)
	}
	if got := d.Decode(Dir(5), []byte("x\r\n")); got != nil {
		t.Errorf("invalid direction decoded %v", got)
	}
}

func TestContentTypeString(t *testing.T) {
	for typ, want := range map[ContentType]string{20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data", 24: "unknown(24)"} {
		if got := typ.String(); got != want {
			t.Errorf("ContentType(%d) = %q, want %q", typ, got, want)
		}
	}
}

// TestDecoderRealTLS decodes what a tap sees of real crypto/tls sessions
// carried over the link, implicit (port 995) and after STLS (port 110).
func TestDecoderRealTLS(t *testing.T) {
	for _, stls := range []bool{false, true} {
		t.Run(fmt.Sprintf("STLS %v", stls), func(t *testing.T) {
			l := tlsSession(t, Config{}, stls)
			var d Decoder
			var got [2][]Unit
			var wire [2][]byte
			for _, seg := range l.Segments() {
				got[seg.Dir] = append(got[seg.Dir], d.Decode(seg.Dir, seg.Payload)...)
				wire[seg.Dir] = append(wire[seg.Dir], seg.Payload...)
			}
			var wantLines [2][]string
			if stls {
				wantLines = [2][]string{{"CAPA", "STLS"}, {"+OK POP3 server ready", "+OK Capability list follows", "USER", "STLS", ".", "+OK Begin TLS negotiation"}}
			}
			for dir := range 2 {
				us := got[dir]
				var lines []string
				var recordBytes int
				var types []ContentType
				for _, u := range us {
					if !u.TLS {
						if len(types) > 0 {
							t.Fatalf("%v: line %q after TLS began", Dir(dir), u.Line)
						}
						lines = append(lines, u.Line)
						recordBytes += len(u.Line) + 2
						continue
					}
					types = append(types, u.Type)
					recordBytes += tlsHeaderLen + u.Length
					// RFC 8446 §5.1: every record says 0x0303,
					// except that a ClientHello may say 0x0301.
					wantVersion := uint16(0x0303)
					if dir == int(ClientToServer) && len(types) == 1 {
						wantVersion = 0x0301
					}
					if u.Version != wantVersion {
						t.Errorf("%v record %d: version %#04x, want %#04x", Dir(dir), len(types), u.Version, wantVersion)
					}
				}
				if fmt.Sprint(lines) != fmt.Sprint(wantLines[dir]) {
					t.Errorf("%v lines %q, want %q", Dir(dir), lines, wantLines[dir])
				}
				// Every byte on the wire is accounted for by a line or a
				// whole record.
				if recordBytes != len(wire[dir]) || d.Pending(Dir(dir)) != 0 || !d.IsTLS(Dir(dir)) {
					t.Errorf("%v: units cover %d of %d bytes, %d pending, TLS %v", Dir(dir), recordBytes, len(wire[dir]), d.Pending(Dir(dir)), d.IsTLS(Dir(dir)))
				}
				// TLS 1.3 (RFC 8446 §5, Appendix D.4): a hello in the
				// clear, the compatibility change_cipher_spec, then
				// everything encrypted as application_data, the
				// close_notify alert included.
				if len(types) < 3 || types[0] != Handshake || types[1] != ChangeCipherSpec {
					t.Fatalf("%v record types %v, want handshake, change_cipher_spec, application_data...", Dir(dir), types)
				}
				for _, typ := range types[2:] {
					if typ != ApplicationData {
						t.Errorf("%v record types %v, want application_data after the first two", Dir(dir), types)
						break
					}
				}
			}
			// The eavesdropper sees no credentials.
			for _, secret := range []string{"alice", "tanstaaf", "maildrop"} {
				for dir := range 2 {
					if bytes.Contains(wire[dir], []byte(secret)) {
						t.Errorf("%q crossed in clear %v", secret, Dir(dir))
					}
				}
			}
		})
	}
}

// FuzzDecoderPieces: a stream decodes to the same units, with the same
// bytes left pending, whatever the pieces it arrives in.
func FuzzDecoderPieces(f *testing.F) {
	f.Add([]byte("+OK POP3 ready\r\nSTLS\r\n\x16\x03\x01\x00\x05hello\x17\x03\x03\x00\x02hi\x17\x03"), uint8(3))
	f.Add([]byte("USER alice\r\nPASS wonderland\r\nRETR 1\r\n+OK 5 octets\r\nhello\r\n.\r\nno end"), uint8(1))
	f.Add([]byte("\x16\x03\x03\x01\x00"+strings.Repeat("x", 300)), uint8(7))
	f.Fuzz(func(t *testing.T, stream []byte, size uint8) {
		var whole, pieces Decoder
		want := units(feed(&whole, ClientToServer, stream, 0))
		got := units(feed(&pieces, ClientToServer, stream, int(size)%64+1))
		if got != want {
			t.Fatalf("in pieces of %d:\n%s\nwhole:\n%s", int(size)%64+1, got, want)
		}
		if p, w := pieces.Pending(ClientToServer), whole.Pending(ClientToServer); p != w {
			t.Fatalf("pending %d in pieces, %d whole", p, w)
		}
		if pieces.IsTLS(ClientToServer) != whole.IsTLS(ClientToServer) {
			t.Fatal("the pieces and the whole disagree about TLS")
		}
	})
}
