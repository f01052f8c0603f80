package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"pop3lab/sim/wire"
)

// Ports that mark a POP3 connection: POP3 (RFC 1939 §3) and POP3S
// (RFC 8314 §7).
const (
	portPOP3  = 110
	portPOP3S = 995
)

// ErrNoPOP3 is returned by Import for a capture without a POP3
// connection.
var ErrNoPOP3 = errors.New("the capture holds no POP3 connection (TCP port 110 or 995)")

// An Imported capture: its POP3 connections and its TLS key log.
type Imported struct {
	// Conns are the POP3 connections, in the order their first packet
	// was captured.
	Conns []Conn
	// KeyLog is the TLS key log the file carried, if any.
	KeyLog []byte
}

// Import reads a pcap or pcapng capture and returns its POP3
// connections, each direction reassembled from its TCP segments in
// sequence order (retransmissions dropped, reordering undone). A file
// that is not a capture, is damaged, holds no POP3 connection or misses
// bytes of one gets a single error and nothing else.
func Import(b []byte) (*Imported, error) {
	f, err := Parse(b)
	if err != nil {
		return nil, err
	}
	var order []flowKey
	flows := map[flowKey]*flow{}
	for i, p := range f.Packets {
		t, ok := decodeTCP(p)
		if !ok {
			continue
		}
		key := keyOf(t.src, t.dst)
		fl := flows[key]
		if fl == nil {
			fl = &flow{first: i}
			flows[key] = fl
			order = append(order, key)
		}
		t.time, t.comment = p.Time, p.Comment
		fl.packets = append(fl.packets, t)
	}
	imp := &Imported{KeyLog: f.KeyLog}
	for _, key := range order {
		fl := flows[key]
		client, server, ok := fl.ends()
		if !ok {
			continue
		}
		c, err := fl.reassemble(client, server)
		if err != nil {
			return nil, fmt.Errorf("connection %v → %v: %w", client, server, err)
		}
		imp.Conns = append(imp.Conns, c)
	}
	if len(imp.Conns) == 0 {
		return nil, ErrNoPOP3
	}
	return imp, nil
}

// A tcpPacket is the part of a captured packet that matters here.
type tcpPacket struct {
	src, dst netip.AddrPort
	seq      uint32
	flags    byte
	mss      int
	payload  []byte
	time     time.Time
	comment  string
}

// TCP flags (RFC 9293 §3.1).
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagACK = 0x10
)

// decodeTCP finds the IPv4 or IPv6 TCP segment in a captured frame.
func decodeTCP(p Packet) (tcpPacket, bool) {
	b := p.Data
	var ethertype uint16
	switch p.LinkType {
	case 1: // Ethernet II, perhaps 802.1Q-tagged
		if len(b) < 14 {
			return tcpPacket{}, false
		}
		ethertype, b = binary.BigEndian.Uint16(b[12:]), b[14:]
		for ethertype == 0x8100 && len(b) >= 4 {
			ethertype, b = binary.BigEndian.Uint16(b[2:]), b[4:]
		}
	case 0, 108: // BSD loopback: a 4-byte address family
		if len(b) < 4 {
			return tcpPacket{}, false
		}
		ethertype, b = 0, b[4:]
	case 101, 228, 229: // raw IP
	case 113: // Linux cooked v1: protocol at 14
		if len(b) < 16 {
			return tcpPacket{}, false
		}
		ethertype, b = binary.BigEndian.Uint16(b[14:]), b[16:]
	case 276: // Linux cooked v2: protocol at 0
		if len(b) < 20 {
			return tcpPacket{}, false
		}
		ethertype, b = binary.BigEndian.Uint16(b), b[20:]
	default:
		return tcpPacket{}, false
	}
	if ethertype != 0 && ethertype != 0x0800 && ethertype != 0x86dd {
		return tcpPacket{}, false
	}
	if len(b) < 1 {
		return tcpPacket{}, false
	}
	var src, dst netip.Addr
	switch b[0] >> 4 {
	case 4: // RFC 791 §3.1
		if len(b) < 20 {
			return tcpPacket{}, false
		}
		ihl, total := int(b[0]&0x0f)*4, int(binary.BigEndian.Uint16(b[2:]))
		frag := binary.BigEndian.Uint16(b[6:])
		if b[9] != 6 || ihl < 20 || total < ihl || frag&0x3fff != 0 {
			return tcpPacket{}, false // not TCP, or a fragment
		}
		if total <= len(b) { // drop Ethernet padding; keep what a snap length cut
			b = b[:total]
		}
		if len(b) < ihl {
			return tcpPacket{}, false
		}
		src, dst = netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
		b = b[ihl:]
	case 6: // RFC 8200 §3; extension headers are not followed
		if len(b) < 40 || b[6] != 6 {
			return tcpPacket{}, false
		}
		if n := 40 + int(binary.BigEndian.Uint16(b[4:])); n <= len(b) {
			b = b[:n]
		}
		src, dst = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
		b = b[40:]
	default:
		return tcpPacket{}, false
	}
	if len(b) < 20 {
		return tcpPacket{}, false
	}
	off := int(b[12]>>4) * 4
	if off < 20 || off > len(b) {
		return tcpPacket{}, false
	}
	t := tcpPacket{
		src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(b[0:])),
		dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(b[2:])),
		seq:     binary.BigEndian.Uint32(b[4:]),
		flags:   b[13],
		payload: b[off:],
	}
	// The MSS option (kind 2, length 4) of a SYN (RFC 9293 §3.7.1).
	for opts := b[20:off]; len(opts) > 0; {
		switch opts[0] {
		case 0:
			opts = nil
			continue
		case 1:
			opts = opts[1:]
			continue
		}
		if len(opts) < 2 || int(opts[1]) < 2 || int(opts[1]) > len(opts) {
			break
		}
		if opts[0] == 2 && opts[1] == 4 {
			t.mss = int(binary.BigEndian.Uint16(opts[2:]))
		}
		opts = opts[opts[1]:]
	}
	return t, true
}

// A flowKey names a TCP connection whatever the direction.
type flowKey struct{ a, b netip.AddrPort }

func keyOf(x, y netip.AddrPort) flowKey {
	if x.Compare(y) > 0 {
		x, y = y, x
	}
	return flowKey{x, y}
}

// A flow is the packets of one connection, in capture order.
type flow struct {
	first   int
	packets []tcpPacket
}

// ends tells the client from the server: the sender of a SYN without
// ACK is the client; without one, the end on a POP3 port is the server.
// ok is false when neither end uses a POP3 port.
func (fl *flow) ends() (client, server netip.AddrPort, ok bool) {
	for _, p := range fl.packets {
		if p.flags&(flagSYN|flagACK) == flagSYN {
			return p.src, p.dst, isPOP3(p.dst.Port()) || isPOP3(p.src.Port())
		}
	}
	p := fl.packets[0]
	switch {
	case isPOP3(p.dst.Port()):
		return p.src, p.dst, true
	case isPOP3(p.src.Port()):
		return p.dst, p.src, true
	}
	return p.src, p.dst, false
}

func isPOP3(port uint16) bool { return port == portPOP3 || port == portPOP3S }

// A stream reassembles one direction.
type stream struct {
	started bool
	isn     uint32 // the sequence number before the first byte
	next    uint32 // the next expected sequence number
	offset  int64
	pending map[uint32]tcpPacket // segments that arrived ahead of a gap
	fin     bool
}

// reassemble turns the flow into segments in the model of a Link.
func (fl *flow) reassemble(client, server netip.AddrPort) (Conn, error) {
	c := Conn{Config: wire.Config{Client: client, Server: server}}
	var st [2]stream
	mss := 0
	emit := func(p tcpPacket, dir wire.Dir, kind wire.Kind, seq uint32, payload []byte) {
		seg := wire.Segment{Index: len(c.Segments), Kind: kind, Dir: dir, Time: p.time, Seq: seq, Offset: st[dir].offset, Payload: payload}
		switch strings.TrimPrefix(p.comment, commentPrefix) {
		case "injected by the attacker":
			seg.Origin = wire.Injected
		case "rewritten by the attacker":
			seg.Origin = wire.Rewritten
		}
		st[dir].offset += int64(len(payload))
		mss = max(mss, len(payload))
		c.Segments = append(c.Segments, seg)
	}
	for _, p := range fl.packets {
		dir := wire.ClientToServer
		if p.src == server {
			dir = wire.ServerToClient
		}
		s := &st[dir]
		if p.flags&flagSYN != 0 {
			if !s.started {
				s.started, s.isn, s.next = true, p.seq, p.seq+1
				if dir == wire.ClientToServer {
					c.Config.ClientISN = p.seq
					emit(p, dir, wire.SYN, p.seq, nil)
				} else {
					c.Config.ServerISN = p.seq
				}
				if p.mss > 0 {
					mss = max(mss, min(p.mss, wire.MaxMSS))
				}
			}
			continue
		}
		if !s.started {
			// The capture began after the handshake.
			s.started, s.isn, s.next = true, p.seq-1, p.seq
			if dir == wire.ClientToServer {
				c.Config.ClientISN = p.seq - 1
			} else {
				c.Config.ServerISN = p.seq - 1
			}
		}
		if len(p.payload) == 0 && p.flags&flagFIN == 0 {
			continue // a pure ACK
		}
		if s.pending == nil {
			s.pending = map[uint32]tcpPacket{}
		}
		if ahead := int32(p.seq - s.next); ahead > 0 {
			s.pending[p.seq] = p
			continue
		}
		s.take(p, dir, emit)
		s.drain(dir, emit)
	}
	for dir, s := range st {
		for seq := range s.pending {
			if int32(seq-s.next) > 0 {
				return Conn{}, fmt.Errorf("the capture misses %d bytes of the %v stream (packets lost while capturing)",
					int64(int32(seq-s.next)), wire.Dir(dir))
			}
		}
	}
	if mss > 0 {
		c.Config.MSS = max(min(mss, wire.MaxMSS), 1)
	}
	return c, nil
}

// drain takes the pending segments that the stream has reached, lowest
// sequence number first.
func (s *stream) drain(dir wire.Dir, emit func(tcpPacket, wire.Dir, wire.Kind, uint32, []byte)) {
	for {
		best, found := uint32(0), false
		for seq := range s.pending {
			if int32(seq-s.next) <= 0 && (!found || int32(seq-best) < 0) {
				best, found = seq, true
			}
		}
		if !found {
			return
		}
		q := s.pending[best]
		delete(s.pending, best)
		s.take(q, dir, emit)
	}
}

// take appends what p adds to the stream at s.next: its new bytes (a
// retransmission adds none) and its FIN.
func (s *stream) take(p tcpPacket, dir wire.Dir, emit func(tcpPacket, wire.Dir, wire.Kind, uint32, []byte)) {
	if s.fin {
		return
	}
	payload := p.payload
	if behind := int(s.next - p.seq); behind > 0 {
		if behind >= len(payload) {
			payload = nil
		} else {
			payload = payload[behind:]
		}
	}
	if len(payload) > 0 {
		emit(p, dir, wire.Data, s.next, payload)
		s.next += uint32(len(payload))
	}
	if p.flags&flagFIN != 0 && p.seq+uint32(len(p.payload)) == s.next {
		emit(p, dir, wire.FIN, s.next, nil)
		s.next++
		s.fin = true
	}
}
