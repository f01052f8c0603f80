package eavesdrop_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pop3lab/sim/annotate"
	"pop3lab/sim/eavesdrop"
	"pop3lab/sim/wire"
)

// records annotates a connection written as "C: …" and "S: …" payloads,
// one segment each, after the SYN.
func records(lines ...string) []annotate.Record {
	segs := []wire.Segment{{Kind: wire.SYN, Dir: wire.ClientToServer}}
	for _, l := range lines {
		dir := wire.ClientToServer
		if l[0] == 'S' {
			dir = wire.ServerToClient
		}
		segs = append(segs, wire.Segment{Index: len(segs), Dir: dir, Payload: []byte(l[3:])})
	}
	return annotate.Annotate(segs)
}

// learned renders the four findings in one line each.
func learned(l eavesdrop.Learned) string {
	var out []string
	for _, name := range eavesdrop.Names {
		x, _ := l.Named(name)
		yes := "no"
		if x.Seen {
			yes = "yes"
		}
		s := fmt.Sprintf("%s: %s: %s", name, yes, x.Value)
		if x.Where != "" {
			s += fmt.Sprintf(" @ %s (record %d, byte %d)", x.Where, x.Record, x.Start)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

var greeting = "S: +OK POP3 server ready <1.2@mx.pop3lab.example>\r\n"

// TestLearn checks, finding by finding, what plaintext sessions give
// away.
func TestLearn(t *testing.T) {
	tests := []struct {
		name  string
		conns [][]annotate.Record
		want  []string
	}{{
		name: "USER and PASS, then LIST",
		conns: [][]annotate.Record{records(greeting, "C: USER alice\r\n", "S: +OK\r\n", "C: PASS wonderland\r\n", "S: +OK 2 messages\r\n",
			"C: LIST\r\n", "S: +OK 2 messages\r\n1 120\r\n2 3400\r\n.\r\n")},
		want: []string{
			"password: yes: wonderland @ command PASS, connection 1, segment 4 (record 4, byte 5)",
			"user name: yes: alice @ command USER, connection 1, segment 2 (record 2, byte 5)",
			"server name: no: no ClientHello names it",
			"message sizes: yes: exactly, from LIST: 120, 3400 octets @ LIST answer, connection 1, segment 7 (record 10, byte 0)",
		},
	}, {
		// RFC 1939 §7: the digest is not the password.
		name:  "APOP, in the second connection",
		conns: [][]annotate.Record{records(greeting), records(greeting, "C: APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n", "S: +OK\r\n")},
		want: []string{
			"password: no: no: only the APOP digest c4c9334bac560ecc979e58001b3e22fb, which lets an eavesdropper test guesses offline @ command APOP, connection 2, segment 2 (record 2, byte 11)",
			"user name: yes: alice @ command APOP, connection 2, segment 2 (record 2, byte 5)",
			"server name: no: no ClientHello names it",
			"message sizes: no: no",
		},
	}, {
		// RFC 4616 §2: the finding points at the base64 the credentials
		// are decoded from.
		name:  "AUTH PLAIN with an initial response",
		conns: [][]annotate.Record{records(greeting, "C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n", "S: +OK\r\n")},
		want: []string{
			"password: yes: wonderland @ command AUTH, connection 1, segment 2 (record 2, byte 11)",
			"user name: yes: alice @ command AUTH, connection 1, segment 2 (record 2, byte 11)",
			"server name: no: no ClientHello names it",
			"message sizes: no: no",
		},
	}, {
		// RFC 1939 §11: the stuffed dot is not counted; a failed RETR
		// tells nothing.
		name: "messages read in the clear",
		conns: [][]annotate.Record{records(greeting, "C: RETR 9\r\n", "S: -ERR no such message\r\n",
			"C: RETR 1\r\n", "S: +OK\r\nSubject: a\r\n\r\n..dot\r\n.\r\n", "C: RETR 2\r\n", "S: +OK\r\nHi\r\n.\r\n")},
		want: []string{
			"password: no: no",
			"user name: no: no",
			"server name: no: no ClientHello names it",
			"message sizes: yes: exactly, from the messages read in the clear: 20, 4 octets @ RETR answer, connection 1, segment 5 (record 5, byte 0)",
		},
	}, {
		name:  "nothing",
		conns: nil,
		want:  []string{"password: no: no", "user name: no: no", "server name: no: no ClientHello names it", "message sizes: no: no"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := learned(eavesdrop.Learn(tt.conns)); got != strings.Join(tt.want, "\n") {
				t.Errorf("Learn:\n got: %s\nwant: %s", strings.ReplaceAll(got, "\n", "\n      "), strings.Join(tt.want, "\n      "))
			}
		})
	}
}

// TestLearnTLSAnswers: the server's encrypted records between two of
// the client's form one answer, its size their lengths less the TLS 1.3
// overhead (RFC 8446 §5.2).
func TestLearnTLSAnswers(t *testing.T) {
	appData := func(dir wire.Dir, n int) annotate.Record {
		return annotate.Record{Kind: annotate.TLSRecord, Dir: dir, Segments: []int{1}, Bytes: make([]byte, 5+n),
			Span: annotate.Span{End: 5 + n, Label: "TLS record: application_data (0x17)", Children: []annotate.Span{
				{End: 5, Label: "record header"}, {Start: 5, End: 5 + n, Label: "encrypted application data"}}}}
	}
	recs := []annotate.Record{
		appData(wire.ServerToClient, 100), appData(wire.ServerToClient, 50),
		appData(wire.ClientToServer, 30),
		appData(wire.ServerToClient, 1000),
	}
	l := eavesdrop.Learn([][]annotate.Record{recs})
	want := fmt.Sprintf("roughly, from record lengths: 2 encrypted answers, the largest about %d, %d bytes", 1000-annotate.AEADOverhead, 150-2*annotate.AEADOverhead)
	if l.Sizes.Value != want || !l.Sizes.Seen {
		t.Fatalf("sizes %+v, want %q", l.Sizes, want)
	}
	if l.Password.Seen || l.User.Seen || l.ServerName.Seen {
		t.Fatalf("learned %+v", l)
	}
}

// TestLearnRawBytes: a credential span without a value is told by its
// bytes, quoted when they are not printable.
func TestLearnRawBytes(t *testing.T) {
	line := func(b string) annotate.Record {
		return annotate.Record{Kind: annotate.Line, Dir: wire.ClientToServer, Segments: []int{1}, Bytes: []byte(b),
			Span: annotate.Span{End: len(b), Label: "command PASS", Children: []annotate.Span{
				{End: 5, Label: "keyword"}, {Start: 5, End: len(b) - 2, Label: "password", Secret: true}, {Start: len(b) - 2, End: len(b), Label: "CRLF"}}}}
	}
	for _, tt := range []struct{ bytes, want string }{
		{"PASS wonderland\r\n", "wonderland"},
		{"PASS w\x00nder\tland\r\n", `"w\x00nder\tland"`},
	} {
		if got := eavesdrop.Learn([][]annotate.Record{{line(tt.bytes)}}).Password.Value; got != tt.want {
			t.Errorf("%q: password %q, want %q", tt.bytes, got, tt.want)
		}
	}
}

func TestNamed(t *testing.T) {
	l := eavesdrop.Learned{Password: eavesdrop.Finding{Value: "p"}, User: eavesdrop.Finding{Value: "u"},
		ServerName: eavesdrop.Finding{Value: "s"}, Sizes: eavesdrop.Finding{Value: "m"}}
	var got []string
	for _, name := range eavesdrop.Names {
		f, ok := l.Named(name)
		if !ok {
			t.Errorf("Names has %q, which Named does not know", name)
		}
		got = append(got, f.Value)
	}
	if strings.Join(got, "") != "pusm" {
		t.Errorf("Named in the order of Names: %q, want the fields in order", got)
	}
	if _, ok := l.Named("the key"); ok {
		t.Error(`Named("the key") = true`)
	}
}

func TestFind(t *testing.T) {
	login := records(greeting, "C: USER alice\r\n", "S: +OK\r\n", "C: PASS wonderland\r\n", "S: +OK\r\n")
	tests := []struct {
		name string
		conn int
		recs []annotate.Record
		show string
		want eavesdrop.Finding
		err  string
	}{
		{"the password", 2, login, "password", eavesdrop.Finding{Seen: true, Value: "wonderland", Where: "command PASS, connection 2, segment 4", Conn: 2, Segment: 4, Record: 4, Start: 5}, ""},
		{"the user name", 1, login, "user name", eavesdrop.Finding{Seen: true, Value: "alice", Where: "command USER, connection 1, segment 2", Conn: 1, Segment: 2, Record: 2, Start: 5}, ""},
		{"no connection", 0, nil, "password", eavesdrop.Finding{}, "the lab has made no connection yet"},
		{"nothing given away", 1, records(greeting, "C: CAPA\r\n"), "password", eavesdrop.Finding{Value: "no"}, "connection 1 gives no password away (no)"},
		{"no ClientHello", 3, login, "server name", eavesdrop.Finding{Value: "no ClientHello names it"}, "connection 3 gives no server name away (no ClientHello names it)"},
		{"unknown name", 1, login, "the key", eavesdrop.Finding{}, `no finding is called "the key": want one of ["password" "user name" "server name" "message sizes"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := eavesdrop.Find(tt.conn, tt.recs, tt.show)
			if errText := fmt.Sprint(err); tt.err == "" && err != nil || tt.err != "" && errText != tt.err {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
			if f != tt.want {
				t.Errorf("finding %+v, want %+v", f, tt.want)
			}
		})
	}
	if _, err := eavesdrop.Find(0, nil, "password"); !errors.Is(err, eavesdrop.ErrNoConnection) {
		t.Errorf("no connection: err = %v, want ErrNoConnection", err)
	}
}
