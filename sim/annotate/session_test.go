package annotate_test

import (
	"bytes"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/scenario"
	"pop3lab/sim/wire"
)

// TestLabsTiling annotates every connection of every built-in lab, under
// plaintext, STLS, implicit TLS and the attacks: every byte of every
// record is covered by exactly one leaf, and the records of a direction,
// end to end, are exactly its byte stream.
func TestLabsTiling(t *testing.T) {
	for _, lab := range scenario.Labs() {
		t.Run(lab.Name, func(t *testing.T) {
			sc, err := scenario.Parse(lab.Source)
			if err != nil {
				t.Fatal(err)
			}
			s, err := scenario.Run(sc, sim.Options{}, nil)
			if s == nil {
				t.Fatal(err)
			}
			defer s.Close()
			for conn := 1; conn <= s.LastConn(); conn++ {
				segs := s.Segments(conn)
				recs := annotate.Annotate(segs)
				checkTiling(t, recs)
				checkStreams(t, segs, recs)
			}
		})
	}
}

// checkStreams asserts that the records of each direction, in order, are
// the direction's bytes, with nothing left out but an unfinished tail.
func checkStreams(t *testing.T, segs []wire.Segment, recs []annotate.Record) {
	t.Helper()
	var stream, got [2]bytes.Buffer
	for _, s := range segs {
		stream[s.Dir].Write(s.Payload)
	}
	for _, r := range recs {
		if r.Offset != int64(got[r.Dir].Len()) && r.Kind != annotate.FIN {
			t.Fatalf("record %d at offset %d, want %d", r.Index, r.Offset, got[r.Dir].Len())
		}
		got[r.Dir].Write(r.Bytes)
	}
	for d := range 2 {
		if !bytes.HasPrefix(stream[d].Bytes(), got[d].Bytes()) || stream[d].Len()-got[d].Len() > 512 {
			t.Errorf("%v: records hold %d of the stream's %d bytes", wire.Dir(d), got[d].Len(), stream[d].Len())
		}
	}
}

// FuzzAnnotate: whatever crosses the wire, the annotator does not panic
// and its spans tile every record.
func FuzzAnnotate(f *testing.F) {
	for _, sc := range goldenScripts {
		var c, s []byte
		for _, line := range sc {
			if len(line) > 3 && line[0] == 'C' {
				c = append(c, line[3:]...)
			} else if len(line) > 3 {
				s = append(s, line[3:]...)
			}
		}
		f.Add(c, s, uint8(7))
	}
	f.Add([]byte("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03"), []byte("\x16\x03\x03\x00\x04\x02\x00\x00\x00\x15\x03\x03\x00\x02\x02\x28"), uint8(3))
	f.Fuzz(func(t *testing.T, client, server []byte, cut uint8) {
		size := int(cut%64) + 1
		segs := []wire.Segment{{Kind: wire.SYN}}
		for len(client) > 0 || len(server) > 0 {
			for _, side := range []struct {
				dir wire.Dir
				b   *[]byte
			}{{wire.ServerToClient, &server}, {wire.ClientToServer, &client}} {
				n := min(size, len(*side.b))
				if n > 0 {
					segs = append(segs, wire.Segment{Index: len(segs), Dir: side.dir, Payload: (*side.b)[:n]})
					*side.b = (*side.b)[n:]
				}
			}
		}
		segs = append(segs, wire.Segment{Index: len(segs), Kind: wire.FIN})
		checkTiling(t, annotate.Annotate(segs))
	})
}

// BenchmarkAnnotateGetMail annotates the largest session a learner can
// make: the mail client's Get mail of the whole sample maildrop (2.2 MB),
// over STLS as by default and in plaintext (one record per line).
func BenchmarkAnnotateGetMail(b *testing.B) {
	for _, tc := range []struct{ name, tls string }{{"stls", "if-offered"}, {"plaintext", "none"}} {
		b.Run(tc.name, func(b *testing.B) {
			set := sim.DefaultSettings()
			if err := set.Set("client", "tls", tc.tls); err != nil {
				b.Fatal(err)
			}
			s, err := sim.New(sim.Options{Seed: 1, Settings: &set})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Apply(sim.Action{Kind: sim.ActGetMail}); err != nil {
				b.Fatal(err)
			}
			segs := s.Segments(s.LastConn())
			n := 0
			for _, seg := range segs {
				n += len(seg.Payload)
			}
			b.SetBytes(int64(n))
			records := 0
			for b.Loop() {
				records = len(annotate.Annotate(segs))
			}
			b.ReportMetric(float64(records), "records")
		})
	}
}
