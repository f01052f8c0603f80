package wire

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
)

// WritePcapLinks writes several links, each one TCP connection, to w as
// one libpcap file with their frames merged in time order (frames with the
// same timestamp keep the order of links, then of segments). A simulation
// with a terminal session and a mail client's session exports both.
// Give each link its own client port so that Wireshark keeps the streams
// apart.
func WritePcapLinks(w io.Writer, links ...*Link) error {
	type record struct {
		usec  int64
		frame []byte // record header and frame
	}
	var records []record
	var header []byte
	for i, l := range links {
		var buf bytes.Buffer
		if err := l.WritePcap(&buf); err != nil {
			return fmt.Errorf("wire: pcap of link %d: %w", i, err)
		}
		b := buf.Bytes()
		if header == nil {
			header = b[:24]
		}
		for b = b[24:]; len(b) >= 16; {
			n := 16 + int(binary.LittleEndian.Uint32(b[8:]))
			sec, usec := binary.LittleEndian.Uint32(b[0:]), binary.LittleEndian.Uint32(b[4:])
			records = append(records, record{int64(sec)*1e6 + int64(usec), b[:n]})
			b = b[n:]
		}
	}
	if header == nil {
		// No links: an empty but valid capture.
		var empty bytes.Buffer
		if err := WritePcap(&empty, Config{}, nil); err != nil {
			return err
		}
		header = empty.Bytes()[:24]
	}
	sort.SliceStable(records, func(i, j int) bool { return records[i].usec < records[j].usec })
	bw := bufio.NewWriter(w)
	bw.Write(header)
	for _, r := range records {
		bw.Write(r.frame)
	}
	return bw.Flush()
}
