package sim

import (
	"bytes"
	"encoding/hex"
	"io"
	"sync"

	"pop3lab/sim/annotate"
	"pop3lab/sim/capture"
	"pop3lab/sim/wire"
)

// Segments returns the segments of connection conn (1, 2, ...) as they
// crossed the wire, SYN first; nil for a connection that does not exist.
// The payloads are shared and must not be modified.
func (s *Simulation) Segments(conn int) []wire.Segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if conn < 1 || conn > len(s.conns) {
		return nil
	}
	return s.conns[conn-1].link.Segments()
}

// WritePcapng writes every connection of the simulation as one pcapng
// file whose Decryption Secrets Block carries the TLS key log of the
// simulation's own connections: Wireshark decrypts the STLS and POP3S
// sessions when it opens the file.
func (s *Simulation) WritePcapng(w io.Writer) error {
	s.mu.Lock()
	conns := make([]capture.Conn, len(s.conns))
	for i, c := range s.conns {
		conns[i] = capture.LinkConn(c.link)
	}
	s.mu.Unlock()
	return capture.WritePcapng(w, s.keyLog.bytes(), conns...)
}

// KeyLog returns the TLS key log (NSS key log format, the lines
// crypto/tls writes to Config.KeyLogWriter) of connection conn, or of all
// connections for 0. Only the simulated clients log keys; a connection
// without TLS has none.
func (s *Simulation) KeyLog(conn int) []byte {
	all := s.keyLog.bytes()
	if conn == 0 {
		return all
	}
	randoms := map[string]bool{}
	for _, r := range annotate.Annotate(s.Segments(conn)) {
		// A ClientHello record: handshake (22), message type 1, the
		// random after 5 bytes of record header, 4 of message header
		// and 2 of version (RFC 8446 §4.1.2).
		if r.Kind == annotate.TLSRecord && r.Dir == wire.ClientToServer && len(r.Bytes) >= 43 && r.Bytes[0] == 22 && r.Bytes[5] == 1 {
			randoms[hex.EncodeToString(r.Bytes[11:43])] = true
		}
	}
	var out []byte
	for _, line := range bytes.SplitAfter(all, []byte("\n")) {
		if f := bytes.Fields(line); len(f) == 3 && randoms[string(f[1])] {
			out = append(out, line...)
		}
	}
	return out
}

// A keyLog collects the key log lines of the simulation's TLS clients.
type keyLog struct {
	mu sync.Mutex
	b  []byte
}

// Write appends one key log line; crypto/tls calls it during handshakes,
// from the connections' goroutines.
func (k *keyLog) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.b = append(k.b, p...)
	return len(p), nil
}

func (k *keyLog) bytes() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return bytes.Clone(k.b)
}
