package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// ErrNotCapture is wrapped by the errors of files that are not pcap or
// pcapng captures at all.
var ErrNotCapture = errors.New("not a pcap or pcapng capture")

// maxBlock bounds a block or packet, so that a damaged length cannot ask
// for gigabytes.
const maxBlock = 1 << 24

// A Packet is one captured frame.
type Packet struct {
	// Time is when it was captured.
	Time time.Time
	// LinkType says how Data begins: 1 Ethernet, 0 BSD loopback, 101 or
	// 228 raw IPv4, 113 or 276 Linux cooked (the tcpdump LINKTYPE_ list).
	LinkType int
	// Data is the frame as captured (perhaps cut at the snap length).
	Data []byte
	// Comment is the packet's pcapng comment, if any.
	Comment string
}

// A File is what a capture file holds.
type File struct {
	Packets []Packet
	// KeyLog is the TLS key log of the file's Decryption Secrets Blocks.
	KeyLog []byte
}

// Parse reads a pcap or pcapng file.
func Parse(b []byte) (*File, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: the file is %d bytes long", ErrNotCapture, len(b))
	}
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		return parsePcap(b)
	case blockSHB:
		return parsePcapng(b)
	}
	return nil, ErrNotCapture
}

// parsePcap reads the classic libpcap format
// (https://www.tcpdump.org/manpages/pcap-savefile.5.txt).
func parsePcap(b []byte) (*File, error) {
	if len(b) < 24 {
		return nil, errors.New("damaged pcap: the file header is cut short")
	}
	var order binary.ByteOrder = binary.LittleEndian
	magic := order.Uint32(b)
	if magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 {
		order = binary.BigEndian
		magic = order.Uint32(b)
	}
	nano := magic == 0xa1b23c4d
	link := int(order.Uint32(b[20:]) & 0x0fffffff)
	f := &File{}
	for off := 24; off < len(b); {
		if len(b)-off < 16 {
			return nil, fmt.Errorf("damaged pcap: packet %d's header is cut short", len(f.Packets)+1)
		}
		sec, frac := int64(order.Uint32(b[off:])), int64(order.Uint32(b[off+4:]))
		n := int(order.Uint32(b[off+8:]))
		if n > maxBlock || n > len(b)-off-16 {
			return nil, fmt.Errorf("damaged pcap: packet %d claims %d bytes, more than the file holds", len(f.Packets)+1, n)
		}
		if !nano {
			frac *= 1000
		}
		f.Packets = append(f.Packets, Packet{Time: time.Unix(sec, frac).UTC(), LinkType: link, Data: b[off+16 : off+16+n]})
		off += 16 + n
	}
	return f, nil
}

// An iface is what an Interface Description Block says.
type iface struct {
	link  int
	units int64 // timestamp units per second
}

// parsePcapng reads pcapng (draft-ietf-opsawg-pcapng).
func parsePcapng(b []byte) (*File, error) {
	f := &File{}
	var order binary.ByteOrder = binary.LittleEndian
	var ifaces []iface
	for off := 0; off < len(b); {
		if len(b)-off < 12 {
			return nil, fmt.Errorf("damaged pcapng: the block at offset %d is cut short", off)
		}
		typ := order.Uint32(b[off:])
		if typ == blockSHB {
			// The byte-order magic says how to read this section.
			if len(b)-off < 28 {
				return nil, fmt.Errorf("damaged pcapng: the section header at offset %d is cut short", off)
			}
			switch binary.LittleEndian.Uint32(b[off+8:]) {
			case byteOrderMagic:
				order = binary.LittleEndian
			case 0x4d3c2b1a:
				order = binary.BigEndian
			default:
				return nil, fmt.Errorf("damaged pcapng: bad byte-order magic at offset %d", off)
			}
			ifaces = nil
		}
		n := int(order.Uint32(b[off+4:]))
		if n < 12 || n%4 != 0 || n > maxBlock || n > len(b)-off || order.Uint32(b[off+n-4:]) != uint32(n) {
			return nil, fmt.Errorf("damaged pcapng: the block at offset %d has a bad length", off)
		}
		body := b[off+8 : off+n-4]
		switch typ {
		case blockIDB:
			if len(body) < 8 {
				return nil, fmt.Errorf("damaged pcapng: interface block at offset %d is cut short", off)
			}
			ifc := iface{link: int(order.Uint16(body)), units: 1e6}
			for code, val := range options(order, body[8:]) {
				if code == optTSResol && len(val) == 1 {
					if val[0]&0x80 != 0 {
						ifc.units = 1 << min(val[0]&0x7f, 62)
					} else {
						ifc.units = pow10(int(val[0]))
					}
				}
			}
			ifaces = append(ifaces, ifc)
		case blockEPB, blockPB:
			if len(body) < 20 {
				return nil, fmt.Errorf("damaged pcapng: packet block at offset %d is cut short", off)
			}
			id := int(order.Uint32(body))
			if typ == blockPB {
				id = int(order.Uint16(body))
			}
			if id >= len(ifaces) {
				return nil, fmt.Errorf("damaged pcapng: packet at offset %d names interface %d, which was not described", off, id)
			}
			ts := uint64(order.Uint32(body[4:]))<<32 | uint64(order.Uint32(body[8:]))
			capLen := int(order.Uint32(body[12:]))
			if capLen > len(body)-20 {
				return nil, fmt.Errorf("damaged pcapng: packet at offset %d claims %d bytes, more than its block", off, capLen)
			}
			p := Packet{Time: stamp(ts, ifaces[id].units), LinkType: ifaces[id].link, Data: body[20 : 20+capLen]}
			for code, val := range options(order, body[20+(capLen+3)&^3:]) {
				if code == optComment {
					p.Comment = string(val)
				}
			}
			f.Packets = append(f.Packets, p)
		case blockSPB:
			if len(body) < 4 || len(ifaces) == 0 {
				return nil, fmt.Errorf("damaged pcapng: simple packet block at offset %d", off)
			}
			orig := int(order.Uint32(body))
			data := body[4:]
			if orig < len(data) {
				data = data[:orig]
			}
			f.Packets = append(f.Packets, Packet{LinkType: ifaces[0].link, Data: data})
		case blockDSB:
			if len(body) < 8 {
				return nil, fmt.Errorf("damaged pcapng: secrets block at offset %d is cut short", off)
			}
			m := int(order.Uint32(body[4:]))
			if m > len(body)-8 {
				return nil, fmt.Errorf("damaged pcapng: secrets block at offset %d claims %d bytes", off, m)
			}
			if order.Uint32(body) == SecretsTLSKeyLog {
				f.KeyLog = append(f.KeyLog, body[8:8+m]...)
			}
		}
		off += n
	}
	return f, nil
}

// options yields the options of a block's option area, stopping at
// opt_endofopt or at the first one that does not fit.
func options(order binary.ByteOrder, b []byte) func(yield func(uint16, []byte) bool) {
	return func(yield func(uint16, []byte) bool) {
		for len(b) >= 4 {
			code, n := order.Uint16(b), int(order.Uint16(b[2:]))
			if code == optEndOfOpt || 4+n > len(b) {
				return
			}
			if !yield(code, b[4:4+n]) {
				return
			}
			b = b[min(len(b), 4+(n+3)&^3):]
		}
	}
}

func pow10(n int) int64 {
	v := int64(1)
	for range min(n, 18) {
		v *= 10
	}
	return v
}

// stamp converts a timestamp of units per second to a time.
func stamp(ts uint64, units int64) time.Time {
	if units <= 0 {
		units = 1e6
	}
	sec := int64(ts / uint64(units))
	frac := int64(ts % uint64(units))
	return time.Unix(sec, frac*1e9/units).UTC()
}
