package annotate

import (
	"fmt"
)

// Names of TLS code points, as the IANA TLS registries spell them.

// handshakeTypes names handshake message types (RFC 8446 §4, RFC 5246 §7.4).
var handshakeTypes = map[byte]string{
	0: "hello_request", 1: "client_hello", 2: "server_hello", 4: "new_session_ticket",
	5: "end_of_early_data", 8: "encrypted_extensions", 11: "certificate",
	12: "server_key_exchange", 13: "certificate_request", 14: "server_hello_done",
	15: "certificate_verify", 16: "client_key_exchange", 20: "finished", 24: "key_update",
	254: "message_hash",
}

// extensionTypes names extensions (RFC 8446 §4.2 and the IANA registry).
var extensionTypes = map[uint16]string{
	0: "server_name", 1: "max_fragment_length", 5: "status_request", 10: "supported_groups",
	11: "ec_point_formats", 13: "signature_algorithms", 14: "use_srtp", 15: "heartbeat",
	16: "application_layer_protocol_negotiation", 18: "signed_certificate_timestamp",
	21: "padding", 22: "encrypt_then_mac", 23: "extended_master_secret", 27: "compress_certificate",
	28: "record_size_limit", 35: "session_ticket", 41: "pre_shared_key", 42: "early_data",
	43: "supported_versions", 44: "cookie", 45: "psk_key_exchange_modes",
	47: "certificate_authorities", 48: "oid_filters", 49: "post_handshake_auth",
	50: "signature_algorithms_cert", 51: "key_share", 57: "quic_transport_parameters",
	0xfe0d: "encrypted_client_hello", 0xff01: "renegotiation_info",
}

// extensionNotes say what an extension tells an eavesdropper, or does.
var extensionNotes = map[uint16]string{
	0:      "the host name the client wants, sent in the clear before any key exists: an eavesdropper learns which server this is",
	5:      "asks the server to staple an OCSP response proving its certificate is not revoked",
	10:     "the key-exchange groups the client supports, most preferred first",
	11:     "elliptic-curve point formats (TLS 1.2 and earlier); only uncompressed is used",
	13:     "the signature schemes the client accepts in CertificateVerify",
	16:     "the application protocols the client offers (ALPN); the server picks one",
	18:     "asks for Certificate Transparency timestamps",
	23:     "binds the TLS 1.2 master secret to the whole handshake",
	35:     "offers to resume a TLS 1.2 session with a ticket",
	43:     "the TLS versions the client supports; TLS 1.3 is negotiated here, not in the frozen legacy version fields",
	45:     "how a resumed session may derive keys: psk_dhe_ke keeps forward secrecy",
	50:     "the signature schemes the client accepts in certificates",
	51:     "the client's ephemeral public keys: with the server's share they give the handshake secret, which an eavesdropper cannot compute",
	0xff01: "shows the client does secure renegotiation (RFC 5746)",
}

// groupNames names key-exchange groups (RFC 8446 §4.2.7, RFC 7919,
// draft-ietf-tls-ecdhe-mlkem).
var groupNames = map[uint16]string{
	23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519", 30: "x448",
	256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096", 259: "ffdhe6144", 260: "ffdhe8192",
	0x11eb: "SecP256r1MLKEM768", 0x11ec: "X25519MLKEM768", 0x11ed: "SecP384r1MLKEM1024",
}

// signatureSchemes names signature schemes (RFC 8446 §4.2.3).
var signatureSchemes = map[uint16]string{
	0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1",
	0x0401: "rsa_pkcs1_sha256", 0x0501: "rsa_pkcs1_sha384", 0x0601: "rsa_pkcs1_sha512",
	0x0403: "ecdsa_secp256r1_sha256", 0x0503: "ecdsa_secp384r1_sha384", 0x0603: "ecdsa_secp521r1_sha512",
	0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384", 0x0806: "rsa_pss_rsae_sha512",
	0x0807: "ed25519", 0x0808: "ed448",
	0x0809: "rsa_pss_pss_sha256", 0x080a: "rsa_pss_pss_sha384", 0x080b: "rsa_pss_pss_sha512",
}

// alertDescriptions names alerts (RFC 8446 §6).
var alertDescriptions = map[byte]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
	40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
	44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
	47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
	51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
	86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
	110: "unsupported_extension", 112: "unrecognized_name", 113: "bad_certificate_status_response",
	115: "unknown_psk_identity", 116: "certificate_required", 120: "no_application_protocol",
}

// isGREASE reports whether v is one of the reserved GREASE values
// 0x0A0A, 0x1A1A, ... 0xFAFA (RFC 8701 §2).
func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// codeName names v from table as "name (0x001d)", GREASE values as such,
// and unknown ones as "unknown (0x1234)".
func codeName[K byte | uint16](table map[K]string, v K) string {
	if name, ok := table[v]; ok {
		return fmt.Sprintf("%s (0x%0*x)", name, 2*sizeOf(v), uint16(v))
	}
	if sizeOf(v) == 2 && isGREASE(uint16(v)) {
		return fmt.Sprintf("GREASE (0x%04x)", uint16(v))
	}
	return fmt.Sprintf("unknown (0x%0*x)", 2*sizeOf(v), uint16(v))
}

func sizeOf[K byte | uint16](v K) int {
	if ^K(0) == 0xff {
		return 1
	}
	return 2
}

// suiteName names a cipher suite, marking the ones crypto/tls counts as
// insecure.
func suiteName(id uint16) string {
	switch {
	case id == 0x00ff:
		return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff)"
	case id == 0x5600:
		return "TLS_FALLBACK_SCSV (0x5600)"
	case isGREASE(id):
		return fmt.Sprintf("GREASE (0x%04x)", id)
	}
	s, ok := cipherSuites[id]
	switch {
	case !ok:
		return fmt.Sprintf("unknown (0x%04x)", id)
	case s.insecure:
		return fmt.Sprintf("%s (0x%04x, insecure)", s.name, id)
	}
	return fmt.Sprintf("%s (0x%04x)", s.name, id)
}

// cipherSuites are the suites crypto/tls implements, by their IANA
// number, with its names (tls.CipherSuites and tls.InsecureCipherSuites;
// TestCipherSuitesAreCryptoTLSs keeps them equal). The table is here, not
// asked of crypto/tls, because the browser app does not link crypto/tls
// (see package secure).
var cipherSuites = map[uint16]struct {
	name     string
	insecure bool
}{
	0x1301: {"TLS_AES_128_GCM_SHA256", false},
	0x1302: {"TLS_AES_256_GCM_SHA384", false},
	0x1303: {"TLS_CHACHA20_POLY1305_SHA256", false},
	0xc009: {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", false},
	0xc00a: {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", false},
	0xc013: {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", false},
	0xc014: {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", false},
	0xc02b: {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", false},
	0xc02c: {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", false},
	0xc02f: {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false},
	0xc030: {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", false},
	0xcca8: {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", false},
	0xcca9: {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", false},
	0x0005: {"TLS_RSA_WITH_RC4_128_SHA", true},
	0x000a: {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", true},
	0x002f: {"TLS_RSA_WITH_AES_128_CBC_SHA", true},
	0x0035: {"TLS_RSA_WITH_AES_256_CBC_SHA", true},
	0x003c: {"TLS_RSA_WITH_AES_128_CBC_SHA256", true},
	0x009c: {"TLS_RSA_WITH_AES_128_GCM_SHA256", true},
	0x009d: {"TLS_RSA_WITH_AES_256_GCM_SHA384", true},
	0xc007: {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", true},
	0xc011: {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", true},
	0xc012: {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", true},
	0xc023: {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", true},
	0xc027: {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", true},
}

// versionName names a protocol version as it appears on the wire.
func versionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSL 3.0 (0x0300)"
	case 0x0301:
		return "TLS 1.0 (0x0301)"
	case 0x0302:
		return "TLS 1.1 (0x0302)"
	case 0x0303:
		return "TLS 1.2 (0x0303)"
	case 0x0304:
		return "TLS 1.3 (0x0304)"
	}
	if isGREASE(v) {
		return fmt.Sprintf("GREASE (0x%04x)", v)
	}
	return fmt.Sprintf("unknown (0x%04x)", v)
}
