// Package keylog reads the application data of TLS 1.3 connections with
// an NSS key log, the secrets crypto/tls writes to Config.KeyLogWriter and
// a pcapng Decryption Secrets Block carries: what Wireshark does when it
// opens such a file. It is for captures of the simulator's own sessions
// (RFC 8446 §7: a traffic secret gives that direction's keys; nothing is
// derived from anything else).
package keylog

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"

	"pop3lab/sim/annotate"
	"pop3lab/sim/wire"
)

// The key log labels of TLS 1.3's traffic secrets (the NSS key log
// format).
const (
	clientHandshake = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	serverHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	clientTraffic   = "CLIENT_TRAFFIC_SECRET_0"
	serverTraffic   = "SERVER_TRAFFIC_SECRET_0"
)

// A Log holds the secrets of a key log, by client random.
type Log struct {
	secrets map[[32]byte]map[string][]byte
}

// Parse reads an NSS key log: lines "LABEL CLIENT_RANDOM SECRET" in hex,
// comments starting with #. A malformed line is an error naming it.
func Parse(b []byte) (*Log, error) {
	l := &Log{secrets: map[[32]byte]map[string][]byte{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("key log line %d: want LABEL CLIENT_RANDOM SECRET", n)
		}
		cr, err1 := hex.DecodeString(f[1])
		secret, err2 := hex.DecodeString(f[2])
		if err1 != nil || err2 != nil || len(cr) != 32 || len(secret) == 0 {
			return nil, fmt.Errorf("key log line %d: the client random and the secret must be hex, the random 32 bytes", n)
		}
		key := [32]byte(cr)
		if l.secrets[key] == nil {
			l.secrets[key] = map[string][]byte{}
		}
		l.secrets[key][f[0]] = secret
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("key log: %w", err)
	}
	return l, nil
}

// Decrypt returns the application data each TLS record of one connection
// carried, by the record's Index, for the records the log's secrets open:
// TLS 1.3 with TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 or
// TLS_CHACHA20_POLY1305_SHA256 (RFC 8446 §B.4). A connection the log has
// no secrets for, or a record that does not open, ends what is returned
// for that direction; nothing is guessed.
func (l *Log) Decrypt(recs []annotate.Record) map[int][]byte {
	out := map[int][]byte{}
	var random [32]byte
	var haveRandom bool
	var suite uint16
	var dirs [2]*direction
	for _, r := range recs {
		if r.Kind != annotate.TLSRecord || len(r.Bytes) < 5 || (r.Dir != wire.ClientToServer && r.Dir != wire.ServerToClient) {
			continue
		}
		typ, body := r.Bytes[0], r.Bytes[5:]
		switch {
		case typ == 22 && r.Dir == wire.ClientToServer && !haveRandom:
			// ClientHello (RFC 8446 §4.1.2): type, length, version, random.
			if len(body) >= 38 && body[0] == 1 {
				random, haveRandom = [32]byte(body[6:38]), true
			}
		case typ == 22 && r.Dir == wire.ServerToClient && suite == 0:
			// ServerHello: type, length, version, random, session id,
			// cipher suite.
			if len(body) >= 39 && body[0] == 2 {
				sid := int(body[38])
				if len(body) >= 41+sid {
					suite = binary.BigEndian.Uint16(body[39+sid:])
				}
			}
		case typ == 23:
			if !haveRandom || suite == 0 {
				continue
			}
			d := dirs[r.Dir]
			if d == nil {
				hs, app := serverHandshake, serverTraffic
				if r.Dir == wire.ClientToServer {
					hs, app = clientHandshake, clientTraffic
				}
				s := l.secrets[random]
				d = &direction{}
				d.hs, d.app = newKeys(suite, s[hs]), newKeys(suite, s[app])
				d.cur = d.hs
				dirs[r.Dir] = d
			}
			if data, ok := d.open(r.Bytes); ok && len(data) > 0 {
				out[r.Index] = data
			}
		}
	}
	return out
}

// direction decrypts one direction's records: with the handshake keys
// until its Finished, then with the application keys.
type direction struct {
	hs, app, cur *keys
	failed       bool
}

// open decrypts a record and returns its application data; ok is false
// once a record does not open.
func (d *direction) open(rec []byte) (data []byte, ok bool) {
	if d.failed || d.cur == nil {
		return nil, false
	}
	plain, err := d.cur.open(rec)
	if err != nil {
		d.failed = true
		return nil, false
	}
	// TLSInnerPlaintext (RFC 8446 §5.2): content, type, zero padding.
	end := len(plain)
	for end > 0 && plain[end-1] == 0 {
		end--
	}
	if end == 0 {
		d.failed = true
		return nil, false
	}
	typ, content := plain[end-1], plain[:end-1]
	switch typ {
	case 23: // application_data
		return content, true
	case 22: // handshake: the Finished ends the handshake keys
		if d.cur == d.hs && finished(content) {
			d.cur = d.app
		}
	}
	return nil, true
}

// finished reports whether a run of handshake messages holds a Finished
// (type 20, RFC 8446 §4.4.4).
func finished(msgs []byte) bool {
	for len(msgs) >= 4 {
		n := int(msgs[1])<<16 | int(msgs[2])<<8 | int(msgs[3])
		if msgs[0] == 20 {
			return true
		}
		if len(msgs) < 4+n {
			return false
		}
		msgs = msgs[4+n:]
	}
	return false
}

// keys are one direction's traffic keys and its record sequence number.
type keys struct {
	aead cipher.AEAD
	iv   []byte
	seq  uint64
}

// newKeys derives the key and IV from a traffic secret (RFC 8446 §7.3);
// nil when the secret or the suite is missing.
func newKeys(suite uint16, secret []byte) *keys {
	if len(secret) == 0 {
		return nil
	}
	var h func() hash.Hash
	var keyLen int
	switch suite {
	case 0x1301: // TLS_AES_128_GCM_SHA256
		h, keyLen = sha256.New, 16
	case 0x1302: // TLS_AES_256_GCM_SHA384
		h, keyLen = sha512.New384, 32
	case 0x1303: // TLS_CHACHA20_POLY1305_SHA256
		h, keyLen = sha256.New, chacha20poly1305.KeySize
	default:
		return nil
	}
	key, err1 := expandLabel(h, secret, "key", keyLen)
	iv, err2 := expandLabel(h, secret, "iv", 12)
	if err1 != nil || err2 != nil {
		return nil
	}
	var aead cipher.AEAD
	var err error
	if suite == 0x1303 {
		aead, err = chacha20poly1305.New(key)
	} else {
		var block cipher.Block
		if block, err = aes.NewCipher(key); err == nil {
			aead, err = cipher.NewGCM(block)
		}
	}
	if err != nil {
		return nil
	}
	return &keys{aead: aead, iv: iv}
}

// expandLabel is HKDF-Expand-Label with an empty context (RFC 8446 §7.1).
func expandLabel(h func() hash.Hash, secret []byte, label string, length int) ([]byte, error) {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = binary.BigEndian.AppendUint16(info, uint16(length))
	info = append(info, byte(len(full)))
	info = append(info, full...)
	info = append(info, 0) // no context
	return hkdf.Expand(h, secret, string(info), length)
}

// open decrypts one record (header and ciphertext), the header being the
// additional data and the nonce the IV XOR the sequence number (RFC 8446
// §5.2, §5.3).
func (k *keys) open(rec []byte) ([]byte, error) {
	nonce := bytes.Clone(k.iv)
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], k.seq)
	for i := range seq {
		nonce[len(nonce)-8+i] ^= seq[i]
	}
	plain, err := k.aead.Open(nil, nonce, rec[5:], rec[:5])
	if err != nil {
		return nil, err
	}
	k.seq++
	return plain, nil
}
