package view

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/capture"
	"pop3lab/sim/keylog"
	"pop3lab/sim/wire"
)

// roundTrip runs a lab to its end, exports its pcapng and imports it
// again: the simulation, its diagram, and the annotated connections of
// both sides.
func roundTrip(t *testing.T, name string) (s *sim.Simulation, d *Diagram, simRecs, impRecs [][]annotate.Record, keyLog []byte) {
	t.Helper()
	p, err := NewPlayer(lab(t, name), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Sim().Close() })
	p.SkipTo(p.Steps())
	s = p.Sim()
	d = NewDiagram()
	for _, e := range s.Events(0) {
		d.Add(e)
	}
	var b bytes.Buffer
	if err := s.WritePcapng(&b); err != nil {
		t.Fatal(err)
	}
	imp, err := capture.Import(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Conns) != s.LastConn() {
		t.Fatalf("imported %d connections, the session had %d", len(imp.Conns), s.LastConn())
	}
	for n := 1; n <= s.LastConn(); n++ {
		simRecs = append(simRecs, annotate.Annotate(s.Segments(n)))
		impRecs = append(impRecs, annotate.Annotate(imp.Conns[n-1].Segments))
	}
	return s, d, simRecs, impRecs, imp.KeyLog
}

// TestImportRoundTrip: export, import, and the diagram and byte view
// match the original session. Every arrow that crossed in the clear comes
// back as the same arrow (direction, line, connection, credential,
// attacker's part), and opening it shows the same bytes explained as
// opening the original arrow; without the key log, what crossed inside
// TLS comes back as runs of TLS records.
func TestImportRoundTrip(t *testing.T) {
	tests := []struct {
		lab string
		// tls lists each connection's TLS runs, byte counts left out.
		tls []string
		// noted are the arrows only the import draws, with their note.
		noted []string
	}{{
		lab: "sniffing",
		tls: []string{
			"2 C->S TLS: client_hello",
			"2 S->C TLS: server_hello, change_cipher_spec, encrypted handshake message",
			"2 C->S TLS: change_cipher_spec, encrypted handshake message, encrypted application data",
			"2 S->C TLS: encrypted application data",
			"2 C->S TLS: encrypted application data",
			"2 S->C TLS: encrypted application data",
			"2 C->S TLS: encrypted application data",
			"2 S->C TLS: encrypted application data, encrypted alert (likely)",
			"2 C->S TLS: encrypted alert (likely)",
			"3 C->S TLS: client_hello",
			"3 S->C TLS: server_hello, change_cipher_spec, encrypted handshake message",
			"3 C->S TLS: change_cipher_spec, encrypted handshake message",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data, encrypted alert (likely)",
			"3 C->S TLS: encrypted alert (likely)",
		},
	}, {
		// The attacker strips STLS from the first two connections (the
		// client falls back, then refuses); the third is implicit TLS.
		lab: "stls-stripping",
		tls: []string{
			"3 C->S TLS: client_hello",
			"3 S->C TLS: server_hello, change_cipher_spec, encrypted handshake message",
			"3 C->S TLS: change_cipher_spec, encrypted handshake message",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data",
			"3 C->S TLS: encrypted application data",
			"3 S->C TLS: encrypted application data, encrypted alert (likely)",
			"3 C->S TLS: encrypted alert (likely)",
		},
	}, {
		lab: "starttls-injection",
		tls: []string{
			"1 C->S TLS: client_hello",
			"1 S->C TLS: server_hello, change_cipher_spec, encrypted handshake message",
			"1 C->S TLS: change_cipher_spec, encrypted handshake message",
			"1 S->C TLS: encrypted application data",
			"1 C->S TLS: encrypted alert (likely)",
			"1 S->C TLS: encrypted alert (likely)",
			"2 C->S TLS: client_hello",
			"2 S->C TLS: server_hello, change_cipher_spec, encrypted handshake message",
			"2 C->S TLS: change_cipher_spec, encrypted handshake message, encrypted application data",
			"2 S->C TLS: encrypted application data",
			"2 C->S TLS: encrypted application data",
			"2 S->C TLS: encrypted application data, encrypted alert (likely)",
			"2 C->S TLS: encrypted alert (likely)",
		},
		noted: []string{"1 C->S \"CAPA\" secret=false rewritten", "2 C->S \"CAPA\" secret=false rewritten"},
	}, {lab: "apop"}}
	for _, tt := range tests {
		t.Run(tt.lab, func(t *testing.T) {
			s, d, simRecs, impRecs, _ := roundTrip(t, tt.lab)
			arrows, more := ImportedArrows(impRecs, nil)
			if more != 0 {
				t.Errorf("more = %d", more)
			}
			key := func(ar Arrow) string {
				return fmt.Sprintf("%d %s %q secret=%v %s", ar.Conn, ar.Dir, ar.Line, ar.Secret, ar.Origin)
			}
			var want, got []string
			var wantArrows []Arrow
			for _, ar := range d.Arrows() {
				if !ar.TLS {
					want = append(want, key(ar))
					wantArrows = append(wantArrows, ar)
				}
			}
			var gotArrows []Arrow
			var tls, noted []string
			bytesCount := regexp.MustCompile(` · .*bytes$`)
			for i, ar := range arrows {
				if ar.N != i || !ar.Imported {
					t.Errorf("arrow %d: N %d, Imported %v", i, ar.N, ar.Imported)
				}
				if ar.TLS {
					tls = append(tls, fmt.Sprintf("%d %s %s", ar.Conn, ar.Dir, bytesCount.ReplaceAllString(ar.Line, "")))
					continue
				}
				if ar.Note != "" {
					noted = append(noted, key(ar))
					continue
				}
				got = append(got, key(ar))
				gotArrows = append(gotArrows, ar)
			}
			if strings.Join(noted, "\n") != strings.Join(tt.noted, "\n") {
				t.Errorf("arrows with a note:\n%s\nwant:\n%s", strings.Join(noted, "\n"), strings.Join(tt.noted, "\n"))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("imported arrows in the clear:\n%s\nwant the session's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// Runs of TLS records merge what repeats: compare them without
			// repeats.
			if strings.Join(slices.Compact(tls), "\n") != strings.Join(tt.tls, "\n") {
				t.Errorf("TLS arrows:\n%s\nwant:\n%s", strings.Join(tls, "\n"), strings.Join(tt.tls, "\n"))
			}
			// The same arrows drawn from the simulation's own segments.
			fromSim, _ := ImportedArrows(simRecs, nil)
			if len(fromSim) != len(arrows) {
				t.Errorf("%d arrows from the simulation's segments, %d from the import", len(fromSim), len(arrows))
			}
			for i := range min(len(fromSim), len(arrows)) {
				if fromSim[i] != arrows[i] {
					t.Errorf("arrow %d: %+v from the simulation, %+v imported", i, fromSim[i], arrows[i])
				}
			}
			events := s.Events(0)
			for i, ar := range wantArrows {
				e, ok := d.Segment(ar)
				if !ok {
					t.Fatalf("arrow %q has no segment", ar.Line)
				}
				orig := NewByteView(ar.Conn, simRecs[ar.Conn-1], SegmentIndex(events, e))
				imp := NewByteView(ar.Conn, impRecs[ar.Conn-1], gotArrows[i].Seg)
				if orig.Segment != imp.Segment || len(orig.Leaves) != len(imp.Leaves) {
					t.Fatalf("arrow %q: segment %d with %d leaves, imported segment %d with %d leaves", ar.Line, orig.Segment, len(orig.Leaves), imp.Segment, len(imp.Leaves))
				}
				for j := range orig.Leaves {
					if a, b := strings.Join(orig.Explain(j), "\n"), strings.Join(imp.Explain(j), "\n"); a != b || orig.Leaves[j].Text != imp.Leaves[j].Text {
						t.Errorf("arrow %q, leaf %d:\n%s %q\nimported:\n%s %q", ar.Line, j, a, orig.Leaves[j].Text, b, imp.Leaves[j].Text)
					}
				}
			}
		})
	}
}

// TestImportRoundTripWithKeyLog: with the key log the export carries, the
// import draws every arrow of the session, those inside TLS included:
// the same commands and responses, in the same order, each marked as read
// with the key log; what stays TLS records is the handshake, the
// tickets and the alerts.
func TestImportRoundTripWithKeyLog(t *testing.T) {
	tests := []struct {
		lab string
		// ranInside are the session's arrows that crossed the wire in
		// the clear but that the server ran inside TLS: the attacker's
		// injected command, which the import draws in the clear with its
		// note.
		ranInside []string
	}{
		{lab: "sniffing"},
		{lab: "stls-stripping"},
		{lab: "starttls-injection", ranInside: []string{`1 C->S "CAPA" secret=false tls=true sent`}},
		{lab: "apop"},
	}
	for _, tt := range tests {
		t.Run(tt.lab, func(t *testing.T) {
			_, d, simRecs, impRecs, keyLog := roundTrip(t, tt.lab)
			log, err := keylog.Parse(keyLog)
			if err != nil {
				t.Fatal(err)
			}
			arrows, more := ImportedArrows(impRecs, log)
			if more != 0 {
				t.Errorf("more = %d", more)
			}
			key := func(ar Arrow) string {
				return fmt.Sprintf("%d %s %q secret=%v tls=%v %s", ar.Conn, ar.Dir, ar.Line, ar.Secret, ar.TLS, ar.Origin)
			}
			var want, got []string
			for _, ar := range d.Arrows() {
				if k := key(ar); !slices.Contains(tt.ranInside, k) {
					want = append(want, k)
				}
			}
			inside := 0
			for _, ar := range arrows {
				switch {
				case ar.Decrypted:
					inside++
					if !ar.TLS || !strings.HasPrefix(ar.Name(), ar.Label()+": ") || !strings.Contains(ar.Name(), "read with the capture's key log") {
						t.Errorf("decrypted arrow %q: TLS %v, name %q", ar.Line, ar.TLS, ar.Name())
					}
					got = append(got, key(ar))
				case ar.TLS:
					if strings.Contains(ar.Line, "client_hello") || strings.Contains(ar.Line, "handshake") || strings.Contains(ar.Line, "alert") || strings.Contains(ar.Line, "application data") {
						continue // the handshake, tickets and alerts stay records
					}
					t.Errorf("TLS run %q", ar.Line)
				case ar.Note == "":
					got = append(got, key(ar))
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("imported arrows:\n%s\nwant the session's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if wantInside := strings.Count(strings.Join(want, "\n"), "tls=true"); inside != wantInside {
				t.Errorf("%d arrows read inside TLS, the session had %d", inside, wantInside)
			}
			// The simulation's own segments, with its key log, draw the same.
			fromSim, _ := ImportedArrows(simRecs, log)
			if !slices.Equal(fromSim, arrows) {
				t.Errorf("the simulation's segments draw %d arrows, the import %d, or they differ", len(fromSim), len(arrows))
			}
		})
	}
}

// TestImportedArrowsKeep: a capture with more arrows than the diagram
// keeps draws the first DiagramKeep and counts the rest.
func TestImportedArrowsKeep(t *testing.T) {
	var segs []wire.Segment
	var off [2]int64
	add := func(dir wire.Dir, text string) {
		segs = append(segs, wire.Segment{Index: len(segs), Kind: wire.Data, Dir: dir, Offset: off[dir], Payload: []byte(text)})
		off[dir] += int64(len(text))
	}
	add(wire.ServerToClient, "+OK ready\r\n")
	for range 150 {
		add(wire.ClientToServer, "NOOP\r\n")
		add(wire.ServerToClient, "+OK\r\n")
	}
	arrows, more := ImportedArrows([][]annotate.Record{annotate.Annotate(segs)}, nil)
	if len(arrows) != DiagramKeep || more != 301-DiagramKeep {
		t.Fatalf("%d arrows, %d more; want %d, %d", len(arrows), more, DiagramKeep, 301-DiagramKeep)
	}
	tests := []struct {
		n           int
		label, name string
	}{
		{0, "+OK ready", "+OK ready: response from the server on connection 1, readable by an eavesdropper, in the imported capture. Show its bytes"},
		{1, "NOOP", "NOOP: command from the client on connection 1, readable by an eavesdropper, in the imported capture. Show its bytes"},
		{199, "NOOP", "NOOP: command from the client on connection 1, readable by an eavesdropper, in the imported capture. Show its bytes"},
	}
	for _, tt := range tests {
		ar := arrows[tt.n]
		if ar.N != tt.n || ar.Label() != tt.label || ar.Name() != tt.name || ar.Seg != tt.n {
			t.Errorf("arrow %d: N %d, Seg %d, label %q, name %q; want label %q, name %q", tt.n, ar.N, ar.Seg, ar.Label(), ar.Name(), tt.label, tt.name)
		}
	}
}
