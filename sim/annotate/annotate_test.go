package annotate_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/cryptotest"

	"pop3lab/sim/annotate"
	"pop3lab/sim/wire"
)

// The golden sessions: fixed byte sequences whose annotations must match
// testdata/NAME.golden span by span.
var goldenScripts = map[string]script{
	// RFC 1939 §7's APOP example: the timestamp in the greeting, the
	// digest of timestamp+"tanstaaf" in the command.
	"apop": {
		"S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n",
		"C: APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
		"S: +OK mrose's maildrop has 2 messages (320 octets)\r\n",
	},
	// A RETR whose body has a line starting with a dot (stuffed by the
	// server, RFC 1939 §3), split across two segments in mid-line.
	"retr-dot-stuffed": {
		"S: +OK ready\r\n",
		"C: RETR 1\r\n",
		"S: +OK 56 octets\r\nSubject: dots\r\n\r\n..hidden under a dot\r\nplain li",
		"S: ne\r\n.\r\n",
		"C: QUIT\r\n",
		"S: +OK bye\r\n",
		"S FIN",
		"C FIN",
	},
	// AUTH PLAIN with an initial response (RFC 5034 §4, RFC 4616), then
	// without one: the challenge, the response, and [AUTH] (RFC 3206).
	"auth-plain": {
		"S: +OK ready\r\n",
		"C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n",
		"S: -ERR [AUTH] invalid credentials\r\n",
		"C: AUTH PLAIN\r\n",
		"S: + \r\n",
		"C: AGFsaWNlAHdvbmRlcmxhbmQ=\r\n",
		"S: +OK logged in\r\n",
	},
	// STLS with a command pipelined in the same segment (RFC 2595 §4),
	// and a multi-line CAPA.
	"stls-pipelined": {
		"S: +OK ready\r\n",
		"C: CAPA\r\n",
		"S: +OK\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n.\r\n",
		"C: STLS\r\nUSER alice\r\n",
		"S: +OK Begin TLS negotiation\r\n",
	},
}

func TestGoldenPOP3(t *testing.T) {
	for name, sc := range goldenScripts {
		t.Run(name, func(t *testing.T) {
			recs := annotate.Annotate(sc.segments(t))
			checkTiling(t, recs)
			golden(t, name, render(recs))
		})
	}
}

// TestGoldenTLS13 annotates a TLS 1.3 POP3S session recorded from
// crypto/tls with a fixed random source (go test -update records it
// again): ClientHello, ServerHello, the encrypted handshake, application
// data, close_notify and FIN.
func TestGoldenTLS13(t *testing.T) {
	const file = "tls13.segments"
	if *update {
		cryptotest.SetGlobalRandom(t, 1)
		saveSegments(t, file, recordTLS13(t, &fixedRand{1}))
	}
	recs := annotate.Annotate(loadSegments(t, file))
	checkTiling(t, recs)
	golden(t, "tls13", render(recs))
}

// An expectation: in record rec, the bytes sub (the first occurrence) are
// exactly one leaf with this label and value.
type expect struct {
	rec          int
	sub          string
	label, value string
	secret       bool
}

func TestFields(t *testing.T) {
	tests := []struct {
		name string
		want []expect
	}{
		{"apop", []expect{
			{1, "+OK", "status indicator", "+OK", false},
			{1, "<1896.697170952@dbc.mtview.ca.us>", "APOP timestamp", "<1896.697170952@dbc.mtview.ca.us>", false},
			{1, "\r\n", "CRLF", "", false},
			{2, "APOP", "keyword", "APOP", false},
			{2, "mrose", "user name", "mrose", false},
			{2, "c4c9334bac560ecc979e58001b3e22fb", "digest", "c4c9334bac560ecc979e58001b3e22fb", false},
		}},
		{"retr-dot-stuffed", []expect{
			{2, "RETR", "keyword", "RETR", false},
			{2, "1", "message number", "1", false},
			{4, "Subject: dots", "header", "", false},
			{6, ".", "stuffed dot", "", false},
			{8, ".", "terminator", ".", false},
		}},
		{"auth-plain", []expect{
			{2, "PLAIN", "SASL mechanism", "PLAIN", false},
			{2, "AGFsaWNlAHdvbmRlcmxhbmQ=", "initial response (base64)", "", true},
			{3, "[AUTH]", "response code", "AUTH", false},
			{5, "+", "continuation", "+", false},
			{6, "AGFsaWNlAHdvbmRlcmxhbmQ=", "response (base64)", "", true},
		}},
		{"stls-pipelined", []expect{
			{5, "STLS", "capability", "STLS", false},
			{9, "alice", "user name", "alice", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := annotate.Annotate(goldenScripts[tt.name].segments(t))
			for _, e := range tt.want {
				checkLeaf(t, recs, e)
			}
		})
	}
}

func checkLeaf(t *testing.T, recs []annotate.Record, e expect) {
	t.Helper()
	if e.rec >= len(recs) {
		t.Fatalf("record %d of %d", e.rec, len(recs))
	}
	r := recs[e.rec]
	i := bytes.Index(r.Bytes, []byte(e.sub))
	if i < 0 {
		t.Fatalf("record %d %q does not hold %q", e.rec, r.Bytes, e.sub)
	}
	s, _ := r.Span.Find(i)
	if s.Start != i || s.End != i+len(e.sub) || s.Label != e.label || s.Value != e.value || s.Secret != e.secret || len(s.Children) > 0 {
		t.Errorf("record %d, %q: leaf [%d,%d) %q = %q secret=%v; want [%d,%d) %q = %q secret=%v",
			e.rec, e.sub, s.Start, s.End, s.Label, s.Value, s.Secret, i, i+len(e.sub), e.label, e.value, e.secret)
	}
}

// TestAuthPlainDecoded: the base64 of AUTH PLAIN is decoded into
// authzid NUL authcid NUL password, the password marked (RFC 4616 §2).
func TestAuthPlainDecoded(t *testing.T) {
	recs := annotate.Annotate(goldenScripts["auth-plain"].segments(t))
	for _, rec := range []int{2, 6} {
		var got []string
		for _, l := range recs[rec].Span.Leaves() {
			if l.Decoded == nil {
				continue
			}
			for _, d := range l.Decoded.Spans {
				got = append(got, d.Label+"="+d.Value+map[bool]string{true: "!"}[d.Secret])
			}
		}
		want := "authzid=(empty) NUL= authcid=alice NUL= password=wonderland!"
		if strings.Join(got, " ") != want {
			t.Errorf("record %d decoded: %q, want %q", rec, strings.Join(got, " "), want)
		}
	}
}

// TestTLS13Fields checks the fields a lesson points at in the recorded
// TLS 1.3 session.
func TestTLS13Fields(t *testing.T) {
	recs := annotate.Annotate(loadSegments(t, "tls13.segments"))
	checkTLS13(t, recs, "mail.pop3lab.example")
}

// TestTLS13Live annotates a handshake crypto/tls makes now, on this
// platform (js/wasm prefers ChaCha20 where amd64 prefers AES-GCM): the
// same fields are found, whatever the order of the suites.
func TestTLS13Live(t *testing.T) {
	recs := annotate.Annotate(recordTLS13(t, &fixedRand{7}))
	checkTiling(t, recs)
	checkTLS13(t, recs, "mail.pop3lab.example")
}

func checkTLS13(t *testing.T, recs []annotate.Record, host string) {
	t.Helper()
	leaves := map[string][]string{} // label -> values, over all records
	var labels []string
	for _, r := range recs {
		labels = append(labels, r.Span.Label)
		for _, l := range r.Span.Leaves() {
			leaves[l.Label] = append(leaves[l.Label], l.Value)
		}
	}
	has := func(label, value string) {
		t.Helper()
		for _, v := range leaves[label] {
			if v == value {
				return
			}
		}
		t.Errorf("no leaf %q = %q; values: %q", label, value, leaves[label])
	}
	has("host name", host)
	has("cipher suite", "TLS_AES_128_GCM_SHA256 (0x1301)")
	has("cipher suite", "TLS_CHACHA20_POLY1305_SHA256 (0x1303)")
	has("group", "x25519 (0x001d)")
	has("signature scheme", "ecdsa_secp256r1_sha256 (0x0403)")
	has("version", "TLS 1.3 (0x0304)")
	has("selected version", "TLS 1.3 (0x0304)")
	has("protocol name", "pop3")
	has("handshake type", "client_hello (0x01)")
	has("handshake type", "server_hello (0x02)")
	has("content type", "handshake (0x16)")
	if len(leaves["alert description"]) != 0 {
		t.Errorf("alert in the clear: %q; TLS 1.3 encrypts close_notify", leaves["alert description"])
	}
	if len(leaves["chosen cipher suite"]) != 1 || len(leaves["random"]) != 2 || len(leaves["public key"]) != 2 {
		t.Errorf("chosen suite %q, randoms %d, public keys %d; want 1, 2, 2", leaves["chosen cipher suite"], len(leaves["random"]), len(leaves["public key"]))
	}
	got := strings.Join(labels, "\n")
	for _, want := range []string{"TLS record: handshake (0x16)", "TLS record: application_data (0x17)", "FIN"} {
		if !strings.Contains(got, want) {
			t.Errorf("no record %q in:\n%s", want, got)
		}
	}
	enc := map[string]int{}
	for _, l := range append(leaves["encrypted handshake message"], leaves["encrypted application data"]...) {
		enc[l]++
	}
	if len(leaves["encrypted handshake message"]) < 2 || len(leaves["encrypted application data"]) < 2 || len(leaves["encrypted alert (likely)"]) < 1 {
		t.Errorf("encrypted handshake %d, application data %d, alerts %d; want at least 2, 2, 1",
			len(leaves["encrypted handshake message"]), len(leaves["encrypted application data"]), len(leaves["encrypted alert (likely)"]))
	}
}

// TestOrigin: bytes the attacker injected are marked so on the record.
func TestOrigin(t *testing.T) {
	segs := script{"S: +OK ready\r\n", "C: STLS\r\n"}.segments(t)
	segs = append(segs, wire.Segment{Index: 3, Dir: wire.ServerToClient, Origin: wire.Injected, Payload: []byte("-ERR not now\r\n")})
	recs := annotate.Annotate(segs)
	last := recs[len(recs)-1]
	if last.Origin != wire.Injected || !strings.Contains(last.Span.Note, "attacker injected") {
		t.Errorf("injected record: origin %v, note %q", last.Origin, last.Span.Note)
	}
}

// TestSpanWalk: Walk visits every span, parents first and in byte order,
// then the spans of decoded bytes, given those bytes and the encoded span
// they come from.
func TestSpanWalk(t *testing.T) {
	plain := annotate.Annotate(goldenScripts["auth-plain"].segments(t))[2].Span
	tests := []struct {
		name string
		root annotate.Span
		want []string // "label [decoded bytes] @home [start,end)"
	}{{
		name: "a leaf",
		root: annotate.Span{End: 4, Label: "leaf"},
		want: []string{"leaf @leaf [0,4)"},
	}, {
		name: "children in order",
		root: annotate.Span{End: 3, Label: "root", Children: []annotate.Span{
			{End: 1, Label: "a", Children: []annotate.Span{{End: 1, Label: "a1"}}},
			{Start: 1, End: 3, Label: "b"},
		}},
		want: []string{"root @root [0,3)", "a @a [0,1)", "a1 @a1 [0,1)", "b @b [1,3)"},
	}, {
		name: "AUTH PLAIN's initial response, decoded",
		root: plain,
		want: []string{
			"command AUTH @command AUTH [0,37)",
			"keyword @keyword [0,4)",
			"space @space [4,5)",
			"SASL mechanism @SASL mechanism [5,10)",
			"space @space [10,11)",
			`initial response (base64) @initial response (base64) [11,35)`,
			`authzid "\x00alice\x00wonderland" @initial response (base64) [11,35)`,
			`NUL "\x00alice\x00wonderland" @initial response (base64) [11,35)`,
			`authcid "\x00alice\x00wonderland" @initial response (base64) [11,35)`,
			`NUL "\x00alice\x00wonderland" @initial response (base64) [11,35)`,
			`password "\x00alice\x00wonderland" @initial response (base64) [11,35)`,
			"CRLF @CRLF [35,37)",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			tt.root.Walk(func(s annotate.Span, decoded []byte, home annotate.Span) {
				line := s.Label
				if decoded != nil {
					line += fmt.Sprintf(" %q", decoded)
				}
				got = append(got, fmt.Sprintf("%s @%s [%d,%d)", line, home.Label, home.Start, home.End))
			})
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Walk:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
		})
	}
}
