package wire

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// libpcap file format constants (the classic format, as written by
// tcpdump: https://www.tcpdump.org/manpages/pcap-savefile.5.txt).
const (
	pcapMagic        = 0xa1b2c3d4 // microsecond timestamps
	pcapVersionMajor = 2
	pcapVersionMinor = 4
	pcapSnapLen      = 65535
	linkTypeEthernet = 1
)

// Frame layout.
const (
	ethHeaderLen  = 14
	ipHeaderLen   = 20
	tcpHeaderLen  = 20
	etherTypeIPv4 = 0x0800
	ipProtoTCP    = 6
	ipTTL         = 64     // RFC 1700's default TTL, what Linux sends
	ipFlagDF      = 0x4000 // don't fragment (RFC 791 §3.1)
	tcpWindow     = 65535  // no window scaling: every segment is acked at once
)

// TCP header flags (RFC 9293 §3.1).
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagPSH = 0x08
	flagACK = 0x10
)

// Made-up Ethernet addresses: the locally administered bit (0x02) is set, so
// they can belong to no real card (IEEE 802 §8.2).
var (
	clientMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}
	serverMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x19}
)

// WritePcap writes segs, as recorded by a Link made with cfg, to w as a
// classic libpcap file of Ethernet II, IPv4 and TCP frames that Wireshark
// and tcpdump read: port 110 is dissected as POP, port 995 as TLS. The
// frames are those DrawFrames draws, stamped in microseconds.
func WritePcap(w io.Writer, cfg Config, segs []Segment) error {
	bw := bufio.NewWriter(w)
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagic)
	binary.LittleEndian.PutUint16(h[4:], pcapVersionMajor)
	binary.LittleEndian.PutUint16(h[6:], pcapVersionMinor)
	// thiszone and sigfigs stay 0.
	binary.LittleEndian.PutUint32(h[16:], pcapSnapLen)
	binary.LittleEndian.PutUint32(h[20:], linkTypeEthernet)
	bw.Write(h[:])
	err := DrawFrames(cfg, segs, func(f Frame) error {
		// Record header: seconds, microseconds, captured and original
		// length.
		var r [16]byte
		us := f.Time.UnixMicro()
		binary.LittleEndian.PutUint32(r[0:], uint32(us/1e6))
		binary.LittleEndian.PutUint32(r[4:], uint32(us%1e6))
		binary.LittleEndian.PutUint32(r[8:], uint32(len(f.Data)))
		binary.LittleEndian.PutUint32(r[12:], uint32(len(f.Data)))
		bw.Write(r[:])
		_, err := bw.Write(f.Data)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// A Frame is one Ethernet II frame of a TCP conversation drawn by
// DrawFrames.
type Frame struct {
	// Time is the segment's virtual time.
	Time time.Time
	// Data is the frame, from the Ethernet header on. It is reused after
	// the callback returns.
	Data []byte
	// Segment is the position in segs of the segment the frame stands for
	// or acknowledges.
	Segment int
	// Carries is true for the frame that carries the segment itself
	// (the SYN, the data, the FIN), false for the peer's answers.
	Carries bool
}

// DrawFrames draws segs, as recorded by a Link made with cfg, as the
// Ethernet II, IPv4 and TCP frames a capture of the connection would hold,
// and calls emit for each in order; it stops at emit's first error.
//
// The TCP conversation is drawn in full: a SYN segment becomes the
// three-way handshake (with the MSS option), each Data segment a PSH|ACK
// frame followed by the peer's pure ACK, each FIN segment a FIN|ACK frame
// followed by the peer's ACK. Sequence numbers come from the segments, ack
// numbers from what the peer has received, and the IPv4 and TCP checksums
// are computed (RFC 791 §3.1, RFC 9293 §3.1). Segments are drawn as they
// are: each must fit the MSS, as a Link's do.
func DrawFrames(cfg Config, segs []Segment, emit func(Frame) error) error {
	cfg, err := cfg.normalize()
	if err != nil {
		return err
	}
	pw := &pcapWriter{cfg: cfg, ipID: [2]uint16{1, 1}, emit: emit}
	// next[d] is the next sequence number that direction d will send:
	// what the other side acknowledges.
	next := [2]uint32{cfg.ClientISN + 1, cfg.ServerISN + 1}
	for i, s := range segs {
		if !s.Dir.valid() {
			return fmt.Errorf("wire: pcap: segment %d has an invalid direction", s.Index)
		}
		if len(s.Payload) > cfg.MSS {
			return fmt.Errorf("wire: pcap: segment %d holds %d bytes, more than the MSS %d", s.Index, len(s.Payload), cfg.MSS)
		}
		pw.seg = i
		d, peer := s.Dir, s.Dir.reverse()
		switch s.Kind {
		case SYN:
			// RFC 9293 §3.5: SYN, SYN|ACK, ACK; each SYN carries the
			// MSS option (kind 2, length 4).
			mss := []byte{2, 4, byte(cfg.MSS >> 8), byte(cfg.MSS)}
			pw.frame(s.Time, true, d, s.Seq, 0, flagSYN, mss, nil)
			pw.frame(s.Time, false, peer, next[peer]-1, s.Seq+1, flagSYN|flagACK, mss, nil)
			next[d] = s.Seq + 1
			pw.frame(s.Time, false, d, next[d], next[peer], flagACK, nil, nil)
		case Data:
			pw.frame(s.Time, true, d, s.Seq, next[peer], flagPSH|flagACK, nil, s.Payload)
			next[d] = s.Seq + uint32(len(s.Payload))
			pw.frame(s.Time, false, peer, next[peer], next[d], flagACK, nil, nil)
		case FIN:
			pw.frame(s.Time, true, d, s.Seq, next[peer], flagFIN|flagACK, nil, nil)
			next[d] = s.Seq + 1
			pw.frame(s.Time, false, peer, next[peer], next[d], flagACK, nil, nil)
		default:
			return fmt.Errorf("wire: pcap: segment %d has unknown kind %v", s.Index, s.Kind)
		}
		if pw.err != nil {
			return pw.err
		}
	}
	return pw.err
}

// A pcapWriter draws frames, remembering the first error.
type pcapWriter struct {
	cfg  Config
	ipID [2]uint16 // next IPv4 identification, by sending direction
	seg  int       // the segment being drawn
	emit func(Frame) error
	buf  []byte
	err  error
}

// frame draws one Ethernet/IPv4/TCP frame sent by the side that writes in
// direction from.
func (pw *pcapWriter) frame(t time.Time, carries bool, from Dir, seq, ack uint32, flags byte, opts, payload []byte) {
	if pw.err != nil {
		return
	}
	src, dst := pw.cfg.Client, pw.cfg.Server
	srcMAC, dstMAC := clientMAC, serverMAC
	if from == ServerToClient {
		src, dst = dst, src
		srcMAC, dstMAC = dstMAC, srcMAC
	}
	tcpLen := tcpHeaderLen + len(opts) + len(payload)
	ipLen := ipHeaderLen + tcpLen
	frameLen := ethHeaderLen + ipLen
	if cap(pw.buf) < frameLen {
		pw.buf = make([]byte, frameLen)
	}
	eth := pw.buf[:frameLen]
	clear(eth)

	copy(eth[0:6], dstMAC[:])
	copy(eth[6:12], srcMAC[:])
	binary.BigEndian.PutUint16(eth[12:], etherTypeIPv4)

	// IPv4 header (RFC 791 §3.1).
	ip := eth[ethHeaderLen:]
	ip[0] = 4<<4 | ipHeaderLen/4
	binary.BigEndian.PutUint16(ip[2:], uint16(ipLen))
	binary.BigEndian.PutUint16(ip[4:], pw.ipID[from])
	pw.ipID[from]++
	binary.BigEndian.PutUint16(ip[6:], ipFlagDF)
	ip[8] = ipTTL
	ip[9] = ipProtoTCP
	srcIP, dstIP := src.Addr().As4(), dst.Addr().As4()
	copy(ip[12:16], srcIP[:])
	copy(ip[16:20], dstIP[:])
	binary.BigEndian.PutUint16(ip[10:], checksum(0, ip[:ipHeaderLen]))

	// TCP header (RFC 9293 §3.1).
	tcp := ip[ipHeaderLen:]
	binary.BigEndian.PutUint16(tcp[0:], src.Port())
	binary.BigEndian.PutUint16(tcp[2:], dst.Port())
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12] = byte((tcpHeaderLen + len(opts)) / 4 << 4)
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], tcpWindow)
	copy(tcp[tcpHeaderLen:], opts)
	copy(tcp[tcpHeaderLen+len(opts):], payload)
	// The checksum covers a pseudo-header of addresses, protocol and TCP
	// length, then the segment (RFC 9293 §3.1).
	var pseudo [12]byte
	copy(pseudo[0:4], srcIP[:])
	copy(pseudo[4:8], dstIP[:])
	pseudo[9] = ipProtoTCP
	binary.BigEndian.PutUint16(pseudo[10:], uint16(tcpLen))
	binary.BigEndian.PutUint16(tcp[16:], checksum(sum(0, pseudo[:]), tcp[:tcpLen]))

	pw.err = pw.emit(Frame{Time: t, Data: eth, Segment: pw.seg, Carries: carries})
}

// sum adds b, as big-endian 16-bit words padded with a zero byte, to the
// one's-complement accumulator acc (RFC 1071).
func sum(acc uint32, b []byte) uint32 {
	for len(b) >= 2 {
		acc += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint32(b[0]) << 8
	}
	return acc
}

// checksum returns the Internet checksum of b on top of acc: the one's
// complement of the folded one's-complement sum (RFC 1071).
func checksum(acc uint32, b []byte) uint16 {
	acc = sum(acc, b)
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return ^uint16(acc)
}
