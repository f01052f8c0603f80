package view

import (
	"errors"
	"pop3lab/sim/pop3"
	"reflect"
	"strings"
	"testing"
	"time"

	"pop3lab/sim"
)

func TestValidCommandsAndComplete(t *testing.T) {
	tests := []struct {
		line, state string
		tls         bool
		want        string
		candidates  []string
	}{
		{"us", "AUTHORIZATION", false, "USER ", nil},
		{"st", "AUTHORIZATION", false, "STLS ", nil},
		{"st", "AUTHORIZATION", true, "st", []string{"STAT", "STLS"}},
		{"st", "TRANSACTION", false, "STAT ", nil},
		{"r", "TRANSACTION", false, "r", []string{"RETR", "RSET"}},
		{"RETR 1", "TRANSACTION", false, "RETR 1", nil},
		{"x", "TRANSACTION", false, "x", nil},
	}
	for _, tt := range tests {
		got, cands := Complete(tt.line, tt.state, tt.tls)
		if got != tt.want || !reflect.DeepEqual(cands, tt.candidates) {
			t.Errorf("Complete(%q, %s) = %q %v, want %q %v", tt.line, tt.state, got, cands, tt.want, tt.candidates)
		}
	}
	if got := strings.Join(ValidCommands("TRANSACTION", false), " "); got != "STAT LIST RETR DELE TOP UIDL RSET NOOP CAPA QUIT" {
		t.Errorf("TRANSACTION commands: %s", got)
	}
}

func TestHistory(t *testing.T) {
	var h History
	for _, l := range []string{"USER alice", "PASS wonderland", "STAT", "STAT"} {
		h.Add(l)
	}
	var seen []string
	for {
		l, ok := h.Up()
		if !ok {
			break
		}
		seen = append(seen, l)
	}
	if want := []string{"STAT", "PASS ", "USER alice"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("history up = %q, want %q (passwords masked, repeats once)", seen, want)
	}
	if l, _ := h.Down(); l != "PASS " {
		t.Fatalf("down = %q", l)
	}
}

func TestPiecesAndPrintable(t *testing.T) {
	payload := []byte("USER alice\r\nPASS wonderland\r\n")
	got := Pieces(payload, []pop3.Span{{Start: 17, End: 27}})
	want := []Piece{{Text: "USER alice\\r\\n\nPASS "}, {Text: "wonderland", Secret: true, What: "password"}, {Text: "\\r\\n\n"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Pieces = %#v", got)
	}
	// The APOP digest is not the password, and the lessons say so.
	for _, tt := range []struct {
		payload string
		span    pop3.Span
		what    string
	}{
		{"APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n", pop3.Span{Start: 11, End: 43}, "APOP digest"},
		{"AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n", pop3.Span{Start: 11, End: 35}, "password, base64"},
		{"CAPA\r\nAGFsaWNlAHdvbmRlcmxhbmQ=\r\n", pop3.Span{Start: 6, End: 30}, "password, base64"},
		{"pass wonderland\r\n", pop3.Span{Start: 5, End: 15}, "password"},
	} {
		if got := Pieces([]byte(tt.payload), []pop3.Span{tt.span}); len(got) < 2 || got[1].What != tt.what {
			t.Errorf("Pieces(%q) = %#v, want the secret named %q", tt.payload, got, tt.what)
		}
	}
	if p := Printable([]byte("a\x00\xff\tb\n")); p != `a\x00\xff\tb\n`+"\n" {
		t.Fatalf("Printable = %q", p)
	}
}

func TestHex(t *testing.T) {
	got := Hex([]byte("PASS wonderland\r\n"))
	want := "0000  50 41 53 53 20 77 6f 6e  64 65 72 6c 61 6e 64 0d  PASS wonderland.\n" +
		"0010  0a                                                .\n"
	if got != want {
		t.Fatalf("Hex:\n%q\nwant\n%q", got, want)
	}
}

func TestSessionRoundTrip(t *testing.T) {
	st := sim.DefaultSettings()
	st.Client.LeaveOnServer = true
	actions := []sim.Action{
		{Kind: sim.ActConnect}, {Kind: sim.ActSend, Line: "USER alice"}, {Kind: sim.ActSettings, Settings: st},
		{Kind: sim.ActWait, Duration: time.Minute}, {Kind: sim.ActDeliver, Subject: "s", Body: "b"},
		{Kind: sim.ActAttack, Attack: "inject", Line: "CAPA"},
	}
	b, err := Save(9, actions)
	if err != nil {
		t.Fatal(err)
	}
	seed, got, err := Load(b)
	if err != nil || seed != 9 || !reflect.DeepEqual(got, actions) {
		t.Fatalf("round trip: %d %+v %v", seed, got, err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	for _, in := range []string{"", "{", `{"v":2,"seed":1}`, `{"v":1,"actions":[{"k":"explode"}]}`, `{"v":1,"actions":[{"k":"settings"}]}`, `{"v":1,"actions":[{"k":"wait","d":-5}]}`, "\x00\xff"} {
		if _, _, err := Load([]byte(in)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Load(%q) = %v, want ErrCorrupt", in, err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	b, _ := Save(1, []sim.Action{{Kind: sim.ActConnect}, {Kind: sim.ActSend, Line: "STAT"}})
	f.Add(b)
	f.Fuzz(func(t *testing.T, in []byte) {
		if _, _, err := Load(in); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
	})
}

func TestDisplayNameAndShortUID(t *testing.T) {
	for in, want := range map[string]string{
		`"IT Service Desk" <it-support@pop3lab.example>`: "IT Service Desk",
		"Bob Ops <bob@pop3lab.example>":                  "Bob Ops",
		"<bob@pop3lab.example>":                          "bob@pop3lab.example",
		"bob@pop3lab.example":                            "bob@pop3lab.example",
	} {
		if got := DisplayName(in); got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ShortUID("1795446725.M000000P2010429604Q1.mx.pop3lab.example"); got != "1795446725.M…" {
		t.Errorf("ShortUID = %q", got)
	}
}
