package view

import (
	"pop3lab/sim/pop3"
	"slices"
	"strings"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/wire"
)

// TestWireLogKeepsEverySegment: a long body collapses into one row that
// holds every segment, while the login, the handshake and the attacker's
// bytes stay rows of their own.
func TestWireLogKeepsEverySegment(t *testing.T) {
	w := NewWireLog()
	seq := 0
	add := func(e sim.Event) {
		e.Seq = seq
		seq++
		w.Add(e)
	}
	data := func(conn int, dir wire.Dir, payload string) sim.Event {
		return sim.Event{Kind: sim.EvSegment, Conn: conn, Dir: dir, SegmentKind: wire.Data, Data: []byte(payload)}
	}
	add(sim.Event{Kind: sim.EvSegment, Conn: 1, SegmentKind: wire.SYN})
	add(data(1, wire.ServerToClient, "+OK ready\r\n"))
	pass := data(1, wire.ClientToServer, "PASS wonderland\r\n")
	pass.Secrets = []pop3.Span{{Start: 5, End: 15}}
	add(pass)
	add(sim.Event{Kind: sim.EvCommand, Conn: 1, Text: "PASS wonderland"})
	add(data(1, wire.ServerToClient, "+OK\r\n"))
	add(data(1, wire.ClientToServer, "RETR 5\r\n"))
	add(sim.Event{Kind: sim.EvCommand, Conn: 1, Text: "RETR 5"})
	for i := 0; i < 1544; i++ {
		add(data(1, wire.ServerToClient, strings.Repeat("x", 1460)))
	}
	tampered := data(1, wire.ServerToClient, "+OK\r\nUSER\r\n.\r\n")
	tampered.Origin = wire.Rewritten
	add(tampered)
	add(sim.Event{Kind: sim.EvAttack, Conn: 1, Text: "removed STLS from CAPA"})
	hello := data(2, wire.ClientToServer, "\x16\x03\x01...")
	hello.TLS, hello.Units = true, []wire.Unit{{TLS: true, Type: wire.Handshake, Length: 300}}
	add(hello)
	for i := 0; i < 6; i++ {
		app := data(2, wire.ServerToClient, "\x17\x03\x03...")
		app.TLS, app.Units = true, []wire.Unit{{TLS: true, Type: wire.ApplicationData, Length: 100}}
		add(app)
	}

	rows := w.Rows()
	var got []string
	total := 0
	for _, r := range rows {
		total += len(r.Seqs)
		s := r.Summary()
		if !r.Grouped() {
			s = "single"
		}
		if r.Credentials {
			s += " credentials"
		}
		if r.Attacker {
			s += " attacker"
		}
		if r.TLS {
			s += " tls"
		}
		got = append(got, s)
	}
	want := []string{
		"single",             // SYN
		"single",             // greeting
		"single credentials", // PASS
		"single",             // +OK
		"single",             // RETR 5
		"RETR 5: 1,544 segments, 2.3 MB",
		"single attacker", // the rewritten CAPA
		"single attacker", // the attacker's report
		"single tls",      // ClientHello
		"data: 6 segments, 36 B tls",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if total != seq-2 { // every segment and attack event, no command
		t.Fatalf("rows hold %d events, want %d", total, seq-2)
	}
	if c := w.Conns(); len(c) != 2 || c[0] != 1 || c[1] != 2 {
		t.Fatalf("conns %v", c)
	}
	if d := w.Changed(); d != 0 {
		t.Fatalf("Changed = %d, want 0", d)
	}
	more := data(2, wire.ServerToClient, "x")
	more.TLS = true
	add(more)
	if d := w.Changed(); d != len(rows)-1 {
		t.Fatalf("after growing the last run, Changed = %d, want %d", d, len(rows)-1)
	}
	if d := w.Changed(); d != len(w.Rows()) {
		t.Fatalf("nothing changed, Changed = %d", d)
	}
}

func TestWireFilter(t *testing.T) {
	rows := []WireRow{
		{Conn: 1, Dir: wire.ClientToServer, Credentials: true},
		{Conn: 1, Dir: wire.ServerToClient},
		{Conn: 2, Dir: wire.ClientToServer, TLS: true},
		{Conn: 2, Attack: true, Attacker: true},
		{Conn: 2, Dir: wire.ServerToClient, Attacker: true},
	}
	tests := []struct {
		f    WireFilter
		want []int
	}{
		{WireFilter{}, []int{0, 1, 2, 3, 4}},
		{WireFilter{Conn: 2}, []int{2, 3, 4}},
		{WireFilter{Dir: "c2s"}, []int{0, 2, 3}},
		{WireFilter{Dir: "s2c"}, []int{1, 3, 4}},
		{WireFilter{Only: "credentials"}, []int{0}},
		{WireFilter{Only: "tls"}, []int{2}},
		{WireFilter{Only: "attacker"}, []int{3, 4}},
		{WireFilter{Conn: 1, Only: "attacker"}, nil},
	}
	for _, tt := range tests {
		var got []int
		for i, r := range rows {
			if tt.f.Keeps(r) {
				got = append(got, i)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%+v keeps %v, want %v", tt.f, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1544: "1,544", 1234567: "1,234,567", -1544: "-1,544"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
