package capture

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"sort"
	"time"

	"pop3lab/sim/wire"
)

// pcapng block types and codes (draft-ietf-opsawg-pcapng §4, §10).
const (
	blockSHB = 0x0a0d0d0a // Section Header Block
	blockIDB = 0x00000001 // Interface Description Block
	blockPB  = 0x00000002 // Packet Block (obsolete)
	blockSPB = 0x00000003 // Simple Packet Block
	blockEPB = 0x00000006 // Enhanced Packet Block
	blockDSB = 0x0000000a // Decryption Secrets Block

	byteOrderMagic = 0x1a2b3c4d

	// SecretsTLSKeyLog is the DSB secrets type of an NSS key log
	// ("TLSK", draft-ietf-opsawg-pcapng §4.7).
	SecretsTLSKeyLog = 0x544c534b

	optEndOfOpt = 0
	optComment  = 1
	optUserAppl = 4 // shb_userappl
	optTSResol  = 9 // if_tsresol

	linkTypeEthernet = 1
)

// commentPrefix begins the packet comments WritePcapng writes for the
// attacker's frames; Import reads the origin back from them.
const commentPrefix = "pop3lab: "

// A Conn is one TCP connection: its endpoints and the segments that
// crossed it, as a Link records them.
type Conn struct {
	Config   wire.Config
	Segments []wire.Segment
}

// LinkConn returns a link's connection as it stands.
func LinkConn(l *wire.Link) Conn {
	return Conn{Config: l.Config(), Segments: l.Segments()}
}

// WritePcapng writes conns to w as one pcapng section: one Ethernet
// interface, a Decryption Secrets Block with keyLog (the NSS key log
// lines crypto/tls writes to Config.KeyLogWriter; left out when empty),
// then every frame of every connection as drawn by wire.DrawFrames,
// merged in time order (frames with the same time keep the order of
// conns, then of frames).
func WritePcapng(w io.Writer, keyLog []byte, conns ...Conn) error {
	type frame struct {
		t       time.Time
		data    []byte
		comment string
	}
	var frames []frame
	for _, c := range conns {
		err := wire.DrawFrames(c.Config, c.Segments, func(f wire.Frame) error {
			fr := frame{t: f.Time, data: bytes.Clone(f.Data)}
			if f.Carries {
				fr.comment = originComment(c.Segments[f.Segment].Origin)
			}
			frames = append(frames, fr)
			return nil
		})
		if err != nil {
			return err
		}
	}
	sort.SliceStable(frames, func(i, j int) bool { return frames[i].t.Before(frames[j].t) })

	bw := bufio.NewWriter(w)
	var opts []byte
	opts = option(opts, optUserAppl, []byte("pop3lab"))
	opts = option(opts, optEndOfOpt, nil)
	shb := binary.LittleEndian.AppendUint32(nil, byteOrderMagic)
	shb = binary.LittleEndian.AppendUint16(shb, 1) // major version
	shb = binary.LittleEndian.AppendUint16(shb, 0) // minor version
	shb = binary.LittleEndian.AppendUint64(shb, ^uint64(0))
	writeBlock(bw, blockSHB, append(shb, opts...))

	idb := binary.LittleEndian.AppendUint16(nil, linkTypeEthernet)
	idb = binary.LittleEndian.AppendUint16(idb, 0) // reserved
	idb = binary.LittleEndian.AppendUint32(idb, 0) // snap length: no limit
	idb = option(idb, optTSResol, []byte{6})       // microseconds
	idb = option(idb, optEndOfOpt, nil)
	writeBlock(bw, blockIDB, idb)

	if len(keyLog) > 0 {
		dsb := binary.LittleEndian.AppendUint32(nil, SecretsTLSKeyLog)
		dsb = binary.LittleEndian.AppendUint32(dsb, uint32(len(keyLog)))
		dsb = append(dsb, pad(keyLog)...)
		writeBlock(bw, blockDSB, dsb)
	}

	for _, f := range frames {
		us := uint64(f.t.UnixMicro())
		epb := binary.LittleEndian.AppendUint32(nil, 0) // interface 0
		epb = binary.LittleEndian.AppendUint32(epb, uint32(us>>32))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(us))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(len(f.data)))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(len(f.data)))
		epb = append(epb, pad(f.data)...)
		if f.comment != "" {
			epb = option(epb, optComment, []byte(f.comment))
			epb = option(epb, optEndOfOpt, nil)
		}
		writeBlock(bw, blockEPB, epb)
	}
	return bw.Flush()
}

// originComment is the packet comment for a frame the attacker made.
func originComment(o wire.Origin) string {
	switch o {
	case wire.Injected:
		return commentPrefix + "injected by the attacker"
	case wire.Rewritten:
		return commentPrefix + "rewritten by the attacker"
	}
	return ""
}

// writeBlock writes one block: type, total length, body, total length.
func writeBlock(w *bufio.Writer, typ uint32, body []byte) {
	n := uint32(12 + len(body))
	var h [8]byte
	binary.LittleEndian.PutUint32(h[0:], typ)
	binary.LittleEndian.PutUint32(h[4:], n)
	w.Write(h[:])
	w.Write(body)
	w.Write(h[4:8])
}

// option appends an option: code, length, value padded to 32 bits.
func option(b []byte, code uint16, value []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(value)))
	return append(b, pad(value)...)
}

// pad returns b followed by zero bytes up to a multiple of 4.
func pad(b []byte) []byte {
	if len(b)%4 == 0 {
		return b
	}
	return append(bytes.Clone(b), make([]byte, 4-len(b)%4)...)
}
