package annotate

import (
	"bytes"
	"encoding/hex"
	"fmt"

	"pop3lab/sim/wire"
)

// tlsState is what an eavesdropper knows of a connection's TLS handshake.
type tlsState struct {
	version         uint16  // the version the ServerHello chose; 0 before it
	ccs             [2]bool // the direction has sent change_cipher_spec
	clientEncrypted bool    // TLS 1.3: the client has sent its encrypted Finished
	serverName      string  // from the ClientHello's server_name
}

// Content types and handshake types used below (RFC 8446 §5.1, §4).
const (
	typeChangeCipherSpec = 20
	typeAlert            = 21
	typeHandshake        = 22
	typeApplicationData  = 23

	hsClientHello = 1
	hsServerHello = 2

	tls12 = 0x0303
	tls13 = 0x0304
)

// AEADOverhead is what TLS 1.3 adds to each encrypted record's plaintext:
// a 16-byte AEAD tag and the inner content-type byte (RFC 8446 §5.2;
// every TLS 1.3 suite but CCM_8 has a 16-byte tag).
const AEADOverhead = 16 + 1

// helloRetryRandom is the ServerHello random of a HelloRetryRequest
// (RFC 8446 §4.1.3).
var helloRetryRandom, _ = hex.DecodeString("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

var contentTypes = map[byte]string{20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}

// record annotates one whole TLS record.
func (t *tlsState) record(dir wire.Dir, b []byte) Span {
	typ := b[0]
	root := Span{End: len(b), Label: "TLS record: " + codeName(contentTypes, typ), Ref: "RFC 8446 §5.1"}
	f := newFields(b, 0, len(b))
	f.group(5, Span{Label: "record header", Note: "always in the clear: type, version and length", Ref: "RFC 8446 §5.1"}, func(h *fields) {
		note := ""
		if typ == typeApplicationData && t.version == tls13 {
			note = "in TLS 1.3 every encrypted record says application_data here; the real type is hidden inside"
		}
		h.leaf(1, "content type", codeName(contentTypes, typ), note)
		v, _ := h.uint(2)
		h.add(2, Span{Label: "legacy record version", Value: versionName(uint16(v)),
			Note: "frozen at TLS 1.2 (0x0303) even in TLS 1.3, so that old middleboxes pass the record; a first ClientHello may say 0x0301"})
		n, _ := h.uint(2)
		h.leaf(2, "length", bytesCount(n), "the payload that follows")
	})
	payload := Span{Label: "payload"}
	f.group(len(b)-5, payload, func(p *fields) {
		switch typ {
		case typeHandshake:
			t.handshake(dir, p)
		case typeChangeCipherSpec:
			t.changeCipherSpec(dir, p)
		case typeAlert:
			t.alert(dir, p)
		case typeApplicationData:
			t.applicationData(dir, p)
		}
	})
	return Span{Start: root.Start, End: root.End, Label: root.Label, Ref: root.Ref, Note: root.Note, Children: f.done()}
}

func (t *tlsState) handshake(dir wire.Dir, p *fields) {
	if t.ccs[dir] && t.version != tls13 {
		p.leaf(p.left(), "encrypted handshake message", "",
			"the Finished message, encrypted with the keys just agreed: it proves both sides saw the same handshake")
		return
	}
	for p.left() > 0 && !p.short {
		typ := p.peek(1)[0]
		n, _ := newFields(p.b, p.pos+1, p.end).uint(3)
		name := codeName(handshakeTypes, typ)
		p.group(4+n, Span{Label: "handshake message: " + handshakeTypes[typ], Ref: "RFC 8446 §4"}, func(m *fields) {
			m.leaf(1, "handshake type", name, "")
			m.leaf(3, "length", bytesCount(n), "")
			m.group(n, Span{Label: "body"}, func(body *fields) {
				switch typ {
				case hsClientHello:
					t.clientHello(body)
				case hsServerHello:
					t.serverHello(body)
				}
			})
		})
	}
}

// clientHello annotates a ClientHello body (RFC 8446 §4.1.2).
func (t *tlsState) clientHello(f *fields) {
	helloVersion(f)
	f.add(32, Span{Label: "random", Value: hex.EncodeToString(f.peek(32)), Ref: "RFC 8446 §4.1.2",
		Note: "32 random bytes from the client; they make this connection's keys unique, and a TLS key log names the connection by them"})
	sessionID(f, "in TLS 1.3 a random value sent only for middlebox compatibility")
	n, _ := f.uint(2)
	f.group(2+n, Span{Label: "cipher suites", Note: "the suites the client accepts, most preferred first", Ref: "RFC 8446 §4.1.2"}, func(g *fields) {
		g.leaf(2, "length", fmt.Sprintf("%d bytes, %d suites", n, n/2), "")
		for g.left() >= 2 {
			v, _ := g.uint(2)
			g.leaf(2, "cipher suite", suiteName(uint16(v)), "")
		}
	})
	n, _ = f.uint(1)
	f.group(1+n, Span{Label: "compression methods", Note: "only null: TLS 1.3 forbids compression (the CRIME attack)"}, func(g *fields) {
		g.leaf(1, "length", fmt.Sprintf("%d", n), "")
		g.leaf(n, "methods", fmt.Sprintf("% x", g.peek(n)), "")
	})
	t.extensions(f, hsClientHello)
}

// serverHello annotates a ServerHello body (RFC 8446 §4.1.3).
func (t *tlsState) serverHello(f *fields) {
	v, _ := f.uint(2)
	helloVersion(f)
	random := Span{Label: "random", Value: hex.EncodeToString(f.peek(32)), Ref: "RFC 8446 §4.1.3", Note: "32 random bytes from the server"}
	if bytes.Equal(f.peek(32), helloRetryRandom) {
		random.Note = "this fixed value marks a HelloRetryRequest: the server asks the client for another key share"
	}
	f.add(32, random)
	sessionID(f, "the client's session id, echoed")
	s, _ := f.uint(2)
	f.add(2, Span{Label: "chosen cipher suite", Value: suiteName(uint16(s)), Ref: "RFC 8446 §4.1.3",
		Note: "the server's choice: every record after the handshake is protected with it"})
	c, _ := f.uint(1)
	f.leaf(1, "compression method", fmt.Sprintf("%d", c), "null: TLS 1.3 has no compression")
	t.version = uint16(v)
	t.extensions(f, hsServerHello)
}

func helloVersion(f *fields) {
	v, _ := f.uint(2)
	f.add(2, Span{Label: "legacy version", Value: versionName(uint16(v)), Ref: "RFC 8446 §4.1.2",
		Note: "frozen at TLS 1.2; TLS 1.3 is negotiated in the supported_versions extension"})
}

func sessionID(f *fields, note string) {
	n, _ := f.uint(1)
	f.group(1+n, Span{Label: "legacy session id"}, func(g *fields) {
		g.leaf(1, "length", fmt.Sprintf("%d", n), "")
		g.add(n, Span{Label: "session id", Value: hex.EncodeToString(g.peek(n)), Note: note})
	})
}

// extensions annotates an extension list (RFC 8446 §4.2).
func (t *tlsState) extensions(f *fields, hello byte) {
	if f.left() == 0 {
		return
	}
	n, _ := f.uint(2)
	f.group(2+n, Span{Label: "extensions", Ref: "RFC 8446 §4.2"}, func(g *fields) {
		g.leaf(2, "length", bytesCount(n), "")
		for g.left() >= 4 && !g.short {
			typ, _ := g.uint(2)
			ln, _ := newFields(g.b, g.pos+2, g.end).uint(2)
			name := extensionTypes[uint16(typ)]
			if name == "" {
				name = codeName(extensionTypes, uint16(typ))
			}
			note := extensionNotes[uint16(typ)]
			if hello == hsServerHello {
				note = ""
			}
			g.group(4+ln, Span{Label: "extension " + name, Note: note}, func(e *fields) {
				e.leaf(2, "extension type", codeName(extensionTypes, uint16(typ)), "")
				e.leaf(2, "length", bytesCount(ln), "")
				e.group(ln, Span{Label: "extension data"}, func(d *fields) { t.extension(d, uint16(typ), hello) })
			})
		}
	})
}

// extension annotates one extension's data.
func (t *tlsState) extension(d *fields, typ uint16, hello byte) {
	switch typ {
	case 0: // server_name (RFC 6066 §3)
		if d.left() == 0 {
			return // the server's empty acknowledgement
		}
		list(d, 2, "server name list", func(g *fields) {
			g.leaf(1, "name type", "host_name (0)", "")
			n, _ := g.uint(2)
			g.leaf(2, "length", fmt.Sprintf("%d", n), "")
			host := string(g.peek(n))
			t.serverName = host
			g.add(n, Span{Label: "host name", Value: host, Ref: "RFC 6066 §3",
				Note: "in the clear: an eavesdropper learns which server the client asked for even though everything after is encrypted"})
		})
	case 10: // supported_groups
		list(d, 2, "group list", each(2, "group", func(v int) string { return codeName(groupNames, uint16(v)) }))
	case 13, 50: // signature_algorithms, signature_algorithms_cert
		list(d, 2, "signature scheme list", each(2, "signature scheme", func(v int) string { return codeName(signatureSchemes, uint16(v)) }))
	case 11: // ec_point_formats (RFC 8422 §5.1.2)
		list(d, 1, "format list", each(1, "point format", func(v int) string { return map[int]string{0: "uncompressed (0)"}[v] }))
	case 45: // psk_key_exchange_modes
		list(d, 1, "mode list", each(1, "mode", func(v int) string { return map[int]string{0: "psk_ke (0)", 1: "psk_dhe_ke (1)"}[v] }))
	case 16: // ALPN (RFC 7301 §3.1)
		list(d, 2, "protocol list", func(g *fields) {
			for g.left() > 0 && !g.short {
				n, _ := g.uint(1)
				g.group(1+n, Span{Label: "protocol"}, func(p *fields) {
					p.leaf(1, "length", fmt.Sprintf("%d", n), "")
					p.leaf(n, "protocol name", string(p.peek(n)), "")
				})
			}
		})
	case 43: // supported_versions (RFC 8446 §4.2.1)
		if hello == hsServerHello {
			v, _ := d.uint(2)
			d.add(2, Span{Label: "selected version", Value: versionName(uint16(v)), Note: "the version this connection speaks"})
			if d.short {
				return
			}
			t.version = uint16(v)
			return
		}
		list(d, 1, "version list", each(2, "version", func(v int) string { return versionName(uint16(v)) }))
	case 51: // key_share (RFC 8446 §4.2.8)
		if hello == hsServerHello {
			if d.left() == 2 {
				v, _ := d.uint(2)
				d.leaf(2, "selected group", codeName(groupNames, uint16(v)), "the group the client must send a share for")
				return
			}
			keyShare(d, "the server's ephemeral public key: with the client's share each side computes the same secret, which an eavesdropper cannot; everything after this message is encrypted")
			return
		}
		list(d, 2, "client shares", func(g *fields) {
			for g.left() > 0 && !g.short {
				keyShare(g, "an ephemeral public key, new for this connection: its private half never leaves the client (forward secrecy)")
			}
		})
	}
}

// keyShare annotates one KeyShareEntry: group, key length, key.
func keyShare(f *fields, note string) {
	v, _ := f.uint(2)
	n, _ := newFields(f.b, f.pos+2, f.end).uint(2)
	group := codeName(groupNames, uint16(v))
	f.group(4+n, Span{Label: "key share: " + groupNames[uint16(v)]}, func(k *fields) {
		k.leaf(2, "group", group, "")
		k.leaf(2, "length", bytesCount(n), "")
		k.add(n, Span{Label: "public key", Value: hex.EncodeToString(k.peek(n)), Note: note})
	})
}

// list annotates a vector with a lenBytes-byte length prefix.
func list(f *fields, lenBytes int, label string, fill func(g *fields)) {
	n, _ := f.uint(lenBytes)
	f.group(lenBytes+n, Span{Label: label}, func(g *fields) {
		g.leaf(lenBytes, "length", bytesCount(n), "")
		fill(g)
	})
}

// each fills a vector with items of size bytes named by name.
func each(size int, label string, name func(int) string) func(*fields) {
	return func(g *fields) {
		for g.left() >= size {
			v, _ := g.uint(size)
			g.leaf(size, label, name(v), "")
		}
	}
}

func (t *tlsState) changeCipherSpec(dir wire.Dir, p *fields) {
	note := "from here on this side encrypts its records"
	if t.version == tls13 || t.version == 0 {
		note = "sent only for middlebox compatibility: it means nothing in TLS 1.3 (RFC 8446 Appendix D.4)"
	}
	t.ccs[dir] = true
	p.leaf(p.left(), "change_cipher_spec message", fmt.Sprintf("% x", p.peek(p.left())), note)
}

func (t *tlsState) alert(dir wire.Dir, p *fields) {
	if t.ccs[dir] && t.version != tls13 {
		p.leaf(p.left(), "encrypted alert", "", "an alert protected with the session keys: only its size shows")
		return
	}
	lvl, _ := p.uint(1)
	p.leaf(1, "alert level", map[int]string{1: "warning (1)", 2: "fatal (2)"}[lvl], "")
	d, _ := p.uint(1)
	note := "the handshake or connection failed for this reason"
	if d == 0 {
		note = "the sender will write no more: a close_notify tells a real end from a truncation attack"
	}
	p.add(1, Span{Label: "alert description", Value: codeName(alertDescriptions, byte(d)), Note: note, Ref: "RFC 8446 §6"})
}

func (t *tlsState) applicationData(dir wire.Dir, p *fields) {
	n := p.left()
	s := Span{Label: "encrypted application data", Ref: "RFC 8446 §5.2"}
	switch {
	case t.version == tls13 && dir == wire.ServerToClient && !t.clientEncrypted:
		s.Label = "encrypted handshake message"
		s.Note = "in TLS 1.3 everything after the ServerHello is encrypted: EncryptedExtensions, Certificate, CertificateVerify and Finished travel in records like this, so an eavesdropper does not see the certificate"
		s.Ref = "RFC 8446 §2"
	case t.version == tls13 && dir == wire.ClientToServer && !t.clientEncrypted:
		t.clientEncrypted = true
		s.Label = "encrypted handshake message"
		s.Note = "the client's Finished, encrypted: the handshake is complete"
		s.Ref = "RFC 8446 §4.4.4"
	case t.version == tls13 && n == 2+AEADOverhead:
		s.Label = "encrypted alert (likely)"
		s.Note = fmt.Sprintf("%d bytes is the size of an encrypted alert (2 bytes, the inner type and a 16-byte tag): most likely close_notify", n)
		s.Ref = "RFC 8446 §6.1"
	default:
		learns := fmt.Sprintf("an eavesdropper cannot read it but learns the direction, the time and the length: %d bytes", n)
		if t.version == tls13 && n >= AEADOverhead {
			learns = fmt.Sprintf("an eavesdropper cannot read it but learns the direction, the time and the length: %d bytes, so at most %d bytes of POP3 (less the 16-byte tag and the content-type byte)", n, n-AEADOverhead)
		}
		if t.serverName != "" {
			learns += "; and the ClientHello named the server " + t.serverName
		}
		s.Note = learns
	}
	p.add(n, s)
}
