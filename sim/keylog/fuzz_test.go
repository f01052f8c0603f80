package keylog_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"pop3lab/sim/annotate"
	"pop3lab/sim/keylog"
	"pop3lab/sim/wire"
)

// FuzzParseAndDecrypt: a key log and TLS records from a hostile file never
// stop the program: Parse gives an error or a log, and Decrypt gives what
// opens, nothing else.
func FuzzParseAndDecrypt(f *testing.F) {
	secret := strings.Repeat("ab", 32)
	hello := []byte{22, 3, 1, 0, 42, 1, 0, 0, 38, 3, 3}
	hello = append(hello, make([]byte, 32)...)
	f.Add([]byte("CLIENT_TRAFFIC_SECRET_0 "+strings.Repeat("00", 32)+" "+secret+"\n"), append(hello, 23, 3, 3, 0, 17, 1, 2, 3))
	f.Add([]byte("# a comment\n\nSERVER_HANDSHAKE_TRAFFIC_SECRET "+secret+" "+secret), []byte{22, 3, 3, 0, 41, 2, 0, 0, 37, 3, 3})
	f.Add([]byte("CLIENT_RANDOM x y"), []byte{23, 3, 3, 255, 255})
	f.Fuzz(func(t *testing.T, logText, stream []byte) {
		log, err := keylog.Parse(logText)
		if err != nil {
			return
		}
		var recs []annotate.Record
		for i := 0; len(stream) >= 5; i++ {
			n := min(5+int(binary.BigEndian.Uint16(stream[3:5])), len(stream))
			dir := wire.ClientToServer
			if i%2 == 1 {
				dir = wire.ServerToClient
			}
			recs = append(recs, annotate.Record{Index: i, Dir: dir, Kind: annotate.TLSRecord, Bytes: stream[:n]})
			stream = stream[n:]
		}
		for i, data := range log.Decrypt(recs) {
			if i < 0 || i >= len(recs) || len(data) == 0 {
				t.Fatalf("record %d of %d decrypted to %d bytes", i, len(recs), len(data))
			}
		}
	})
}
