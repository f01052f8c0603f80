package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A capturedFrame is one frame of a pcap file, decoded by the test's own
// parser.
type capturedFrame struct {
	time             time.Time
	srcMAC, dstMAC   [6]byte
	ipID             uint16
	ipFlags          uint16
	ttl              uint8
	src, dst         [4]byte
	srcPort, dstPort uint16
	seq, ack         uint32
	flags            byte
	window           uint16
	options          []byte
	payload          []byte
	ipSumOK, tcpSum  bool
}

// flagNames spells TCP flags as Wireshark does.
func flagNames(f byte) string {
	var names []string
	for _, n := range []struct {
		bit  byte
		name string
	}{{flagFIN, "FIN"}, {flagSYN, "SYN"}, {flagPSH, "PSH"}, {flagACK, "ACK"}} {
		if f&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// onesSum is the test's own Internet checksum: the folded one's-complement
// sum of 16-bit words (RFC 1071). A header whose checksum is right sums to
// 0xffff.
func onesSum(parts ...[]byte) uint16 {
	var all []byte
	for _, p := range parts {
		all = append(all, p...)
	}
	if len(all)%2 == 1 {
		all = append(all, 0)
	}
	var s uint64
	for i := 0; i < len(all); i += 2 {
		s += uint64(all[i])<<8 | uint64(all[i+1])
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// parsePcap reads a classic pcap file of Ethernet/IPv4/TCP frames, checking
// the file header and every length field.
func parsePcap(t *testing.T, b []byte) []capturedFrame {
	t.Helper()
	le := binary.LittleEndian
	be := binary.BigEndian
	if len(b) < 24 {
		t.Fatalf("pcap of %d bytes", len(b))
	}
	if got := fmt.Sprintf("%08x %d.%d %d %d %d %d", le.Uint32(b), le.Uint16(b[4:]), le.Uint16(b[6:]), le.Uint32(b[8:]), le.Uint32(b[12:]), le.Uint32(b[16:]), le.Uint32(b[20:])); got != "a1b2c3d4 2.4 0 0 65535 1" {
		t.Fatalf("pcap header %q, want magic a1b2c3d4, version 2.4, zone 0, sigfigs 0, snaplen 65535, linktype 1", got)
	}
	b = b[24:]
	var frames []capturedFrame
	for len(b) > 0 {
		if len(b) < 16 {
			t.Fatalf("truncated record header")
		}
		sec, usec, incl, orig := le.Uint32(b), le.Uint32(b[4:]), int(le.Uint32(b[8:])), int(le.Uint32(b[12:]))
		if incl != orig || len(b) < 16+incl || usec >= 1e6 {
			t.Fatalf("frame %d: record header %d %d %d %d", len(frames), sec, usec, incl, orig)
		}
		fr := b[16 : 16+incl]
		b = b[16+incl:]
		var f capturedFrame
		f.time = time.Unix(int64(sec), int64(usec)*1000).UTC()
		copy(f.dstMAC[:], fr[0:6])
		copy(f.srcMAC[:], fr[6:12])
		if be.Uint16(fr[12:]) != 0x0800 {
			t.Fatalf("frame %d: ethertype %04x", len(frames), be.Uint16(fr[12:]))
		}
		ip := fr[14:]
		if ip[0] != 0x45 || int(be.Uint16(ip[2:])) != len(ip) || ip[9] != 6 {
			t.Fatalf("frame %d: IPv4 header % x (frame %d bytes)", len(frames), ip[:20], len(fr))
		}
		f.ipID, f.ipFlags, f.ttl = be.Uint16(ip[4:]), be.Uint16(ip[6:]), ip[8]
		copy(f.src[:], ip[12:16])
		copy(f.dst[:], ip[16:20])
		f.ipSumOK = onesSum(ip[:20]) == 0xffff
		tcp := ip[20:]
		off := int(tcp[12]>>4) * 4
		f.srcPort, f.dstPort = be.Uint16(tcp), be.Uint16(tcp[2:])
		f.seq, f.ack, f.flags, f.window = be.Uint32(tcp[4:]), be.Uint32(tcp[8:]), tcp[13], be.Uint16(tcp[14:])
		f.options, f.payload = tcp[20:off], tcp[off:]
		pseudo := append(append(append([]byte{}, ip[12:20]...), 0, 6), byte(len(tcp)>>8), byte(len(tcp)))
		f.tcpSum = onesSum(pseudo, tcp) == 0xffff
		frames = append(frames, f)
	}
	return frames
}

func TestChecksumRFC1071(t *testing.T) {
	// The IPv4 header of a UDP datagram from 192.168.0.1 to
	// 192.168.0.199, with its checksum field zeroed; the right checksum
	// is 0xb861.
	hdr := []byte{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7}
	if got := checksum(0, hdr); got != 0xb861 {
		t.Errorf("checksum = %#04x, want 0xb861", got)
	}
	// Odd length: the last byte is padded with zero.
	if got := checksum(0, []byte{0x01}); got != 0xfeff {
		t.Errorf("checksum(01) = %#04x, want 0xfeff", got)
	}
}

func TestPcapPlainSession(t *testing.T) {
	clock := newFakeClock(time.Millisecond)
	cfg := Config{Clock: clock.Now, ClientISN: 1000, ServerISN: 0xfffff000}
	l := plainSession(t, cfg)
	var buf bytes.Buffer
	if err := l.WritePcap(&buf); err != nil {
		t.Fatal(err)
	}
	frames := parsePcap(t, buf.Bytes())
	segs := l.Segments()

	// Frame by frame: what TCP would put on the wire.
	var got []string
	for _, f := range frames {
		got = append(got, fmt.Sprintf("%d>%d %s seq=%d ack=%d len=%d", f.srcPort, f.dstPort, flagNames(f.flags), f.seq, f.ack, len(f.payload)))
	}
	c, s := "49152>110", "110>49152"
	want := []string{
		c + " SYN seq=1000 ack=0 len=0",
		s + " SYN,ACK seq=4294963200 ack=1001 len=0",
		c + " ACK seq=1001 ack=4294963201 len=0",
		s + " PSH,ACK seq=4294963201 ack=1001 len=57", // greeting
		c + " ACK seq=1001 ack=4294963258 len=0",
		c + " PSH,ACK seq=1001 ack=4294963258 len=12", // USER
		s + " ACK seq=4294963258 ack=1013 len=0",
		s + " PSH,ACK seq=4294963258 ack=1013 len=5",
		c + " ACK seq=1013 ack=4294963263 len=0",
		c + " PSH,ACK seq=1013 ack=4294963263 len=15", // PASS
		s + " ACK seq=4294963263 ack=1028 len=0",
		s + " PSH,ACK seq=4294963263 ack=1028 len=31",
		c + " ACK seq=1028 ack=4294963294 len=0",
		c + " PSH,ACK seq=1028 ack=4294963294 len=6", // STAT
		s + " ACK seq=4294963294 ack=1034 len=0",
		s + " PSH,ACK seq=4294963294 ack=1034 len=12",
		c + " ACK seq=1034 ack=4294963306 len=0",
		c + " PSH,ACK seq=1034 ack=4294963306 len=8", // RETR 1
		s + " ACK seq=4294963306 ack=1042 len=0",
		s + " PSH,ACK seq=4294963306 ack=1042 len=1460", // 17 + 4000 + 3 bytes in three segments
		c + " ACK seq=1042 ack=4294964766 len=0",
		s + " PSH,ACK seq=4294964766 ack=1042 len=1460",
		c + " ACK seq=1042 ack=4294966226 len=0",
		s + " PSH,ACK seq=4294966226 ack=1042 len=1100",
		c + " ACK seq=1042 ack=30 len=0",     // the server's numbers wrap
		c + " PSH,ACK seq=1042 ack=30 len=8", // DELE 1
		s + " ACK seq=30 ack=1050 len=0",
		s + " PSH,ACK seq=30 ack=1050 len=23",
		c + " ACK seq=1050 ack=53 len=0",
		c + " PSH,ACK seq=1050 ack=53 len=6", // QUIT
		s + " ACK seq=53 ack=1056 len=0",
		s + " PSH,ACK seq=53 ack=1056 len=9",
		c + " ACK seq=1056 ack=62 len=0",
		s + " FIN,ACK seq=62 ack=1056 len=0",
		c + " ACK seq=1056 ack=63 len=0",
		c + " FIN,ACK seq=1056 ack=63 len=0",
		s + " ACK seq=63 ack=1057 len=0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("frames:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var ids [2][]uint16
	var streams [2][]byte
	for i, f := range frames {
		if !f.ipSumOK || !f.tcpSum {
			t.Errorf("frame %d: IPv4 checksum ok %v, TCP checksum ok %v", i, f.ipSumOK, f.tcpSum)
		}
		if f.ttl != 64 || f.ipFlags != 0x4000 || f.window != 65535 {
			t.Errorf("frame %d: TTL %d, flags %#x, window %d", i, f.ttl, f.ipFlags, f.window)
		}
		d := ClientToServer
		if f.srcPort == 110 {
			d = ServerToClient
		}
		wantSrc, wantDst := [4]byte{192, 0, 2, 10}, [4]byte{192, 0, 2, 25}
		if d == ServerToClient {
			wantSrc, wantDst = wantDst, wantSrc
		}
		if f.src != wantSrc || f.dst != wantDst || f.srcMAC[0] != 0x02 || f.dstMAC[0] != 0x02 || f.srcMAC == f.dstMAC {
			t.Errorf("frame %d: %v > %v, MAC % x > % x", i, f.src, f.dst, f.srcMAC, f.dstMAC)
		}
		if f.flags&flagSYN != 0 {
			if !bytes.Equal(f.options, []byte{2, 4, 0x05, 0xb4}) { // MSS 1460
				t.Errorf("frame %d: SYN options % x, want MSS 1460", i, f.options)
			}
		} else if len(f.options) != 0 {
			t.Errorf("frame %d: options % x", i, f.options)
		}
		ids[d] = append(ids[d], f.ipID)
		streams[d] = append(streams[d], f.payload...)
	}
	for d, list := range ids {
		for i, id := range list {
			if id != uint16(i+1) {
				t.Fatalf("%v IPv4 IDs %v, want 1, 2, 3...", Dir(d), list)
			}
		}
	}
	var wantC, wantS string
	for _, ex := range plainExchange() {
		wantC += ex[0]
		wantS += ex[1]
	}
	if string(streams[0]) != wantC || string(streams[1]) != wantS {
		t.Errorf("payloads do not add up to the dialogue")
	}

	// Timestamps: each segment's frames carry its virtual time, to the
	// microsecond.
	fi := 0
	for _, seg := range segs {
		n := 2
		if seg.Kind == SYN {
			n = 3
		}
		for range n {
			if !frames[fi].time.Equal(seg.Time) {
				t.Errorf("frame %d at %v, want %v (segment %v)", fi, frames[fi].time, seg.Time, seg)
			}
			fi++
		}
	}
}

func TestPcapRejects(t *testing.T) {
	tests := []struct {
		name string
		segs []Segment
		want string
	}{
		{"oversized segment", []Segment{{Index: 4, Payload: make([]byte, 1461)}}, "wire: pcap: segment 4 holds 1461 bytes, more than the MSS 1460"},
		{"bad direction", []Segment{{Index: 2, Dir: 7}}, "wire: pcap: segment 2 has an invalid direction"},
		{"bad kind", []Segment{{Index: 3, Kind: 9}}, "wire: pcap: segment 3 has unknown kind Kind(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WritePcap(&bytes.Buffer{}, Config{}, tt.segs)
			if err == nil || err.Error() != tt.want {
				t.Errorf("WritePcap error %v, want %q", err, tt.want)
			}
		})
	}
}
