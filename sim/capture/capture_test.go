package capture_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/capture"
	"pop3lab/sim/scenario"
	"pop3lab/sim/wire"
)

// runLab runs a built-in lab headless.
func runLab(t testing.TB, name string) *sim.Simulation {
	t.Helper()
	lab, ok := scenario.LabByName(name)
	if !ok {
		t.Fatalf("no lab %q", name)
	}
	sc, err := scenario.Parse(lab.Source)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Run(sc, sim.Options{ClientAddr: clientAddr, ServerAddr: serverAddr}, nil)
	if s == nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// describe renders segments for comparison: everything a capture keeps,
// times in microseconds.
func describe(segs []wire.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		fmt.Fprintf(&b, "%d %v %v %v seq=%d off=%d t=%d %x\n", s.Index, s.Dir, s.Kind, s.Origin, s.Seq, s.Offset, s.Time.UnixMicro(), s.Payload)
	}
	return b.String()
}

// TestRoundTrip exports every lab as pcapng and imports it again: the
// same connections, segment for segment (attacker origins included), the
// same endpoints and sequence numbers, the same annotations, and the key
// log back.
func TestRoundTrip(t *testing.T) {
	for _, lab := range scenario.Labs() {
		t.Run(lab.Name, func(t *testing.T) {
			s := runLab(t, lab.Name)
			var buf bytes.Buffer
			if err := s.WritePcapng(&buf); err != nil {
				t.Fatal(err)
			}
			imp, err := capture.Import(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(imp.KeyLog, s.KeyLog(0)) {
				t.Errorf("key log: %d bytes back, %d written", len(imp.KeyLog), len(s.KeyLog(0)))
			}
			if len(imp.Conns) != s.LastConn() {
				t.Fatalf("%d connections imported, want %d", len(imp.Conns), s.LastConn())
			}
			for i, c := range imp.Conns {
				orig := s.Segments(i + 1)
				if got, want := describe(c.Segments), describe(orig); got != want {
					t.Errorf("connection %d segments differ:\n%s", i+1, firstDiff(want, got))
				}
				if got, want := render(annotate.Annotate(c.Segments)), render(annotate.Annotate(orig)); got != want {
					t.Errorf("connection %d annotations differ:\n%s", i+1, firstDiff(want, got))
				}
				if c.Config.Client.Port() != uint16(49151+i+1) || c.Config.Server.Addr() != serverAddr || c.Config.ClientISN != orig[0].Seq || c.Config.MSS != wire.DefaultMSS {
					t.Errorf("connection %d config %+v", i+1, c.Config)
				}
			}
		})
	}
}

// TestImportPcap reads the classic pcap export the same way.
func TestImportPcap(t *testing.T) {
	s := runLab(t, "sniffing")
	var buf bytes.Buffer
	if err := s.WritePcap(&buf); err != nil {
		t.Fatal(err)
	}
	imp, err := capture.Import(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Conns) != 3 || imp.KeyLog != nil {
		t.Fatalf("%d connections, key log %q; want 3, none", len(imp.Conns), imp.KeyLog)
	}
	for i, c := range imp.Conns {
		if got, want := describe(c.Segments), describe(s.Segments(i+1)); got != want {
			t.Errorf("connection %d:\n%s", i+1, firstDiff(want, got))
		}
	}
}

// TestKeyLogPerConnection: the plaintext connection has no secrets; the
// STLS and POP3S connections each have the four TLS 1.3 traffic secrets of their
// own handshake (RFC 8446 §7.1, as crypto/tls logs them).
func TestKeyLogPerConnection(t *testing.T) {
	s := runLab(t, "sniffing")
	if kl := s.KeyLog(1); len(kl) != 0 {
		t.Errorf("plaintext connection has a key log:\n%s", kl)
	}
	all := 0
	for conn := 2; conn <= 3; conn++ {
		var labels []string
		randoms := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(string(s.KeyLog(conn))), "\n") {
			f := strings.Fields(line)
			labels = append(labels, f[0])
			randoms[f[1]] = true
			all++
		}
		want := "CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0"
		if strings.Join(labels, " ") != want || len(randoms) != 1 {
			t.Errorf("connection %d key log labels %q (%d client randoms)", conn, labels, len(randoms))
		}
	}
	if n := strings.Count(string(s.KeyLog(0)), "\n"); n != all {
		t.Errorf("%d lines in all, %d in the connections", n, all)
	}
}

// TestImportErrors: bad or non-POP3 files get one clear error.
func TestImportErrors(t *testing.T) {
	s := runLab(t, "sniffing")
	var good bytes.Buffer
	if err := s.WritePcapng(&good); err != nil {
		t.Fatal(err)
	}
	var pcap bytes.Buffer
	if err := s.WritePcap(&pcap); err != nil {
		t.Fatal(err)
	}
	// A capture of one connection to port 80.
	l, err := wire.NewLink(wire.Config{Server: netipPort(80)})
	if err != nil {
		t.Fatal(err)
	}
	l.Client().Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	var http bytes.Buffer
	capture.WritePcapng(&http, nil, capture.LinkConn(l))
	// A connection whose server bytes miss a segment.
	segs := s.Segments(1)
	var lossy []wire.Segment
	dropped := false
	for _, sg := range segs {
		if !dropped && sg.Dir == wire.ServerToClient && sg.Kind == wire.Data && sg.Offset > 0 {
			dropped = true
			continue
		}
		lossy = append(lossy, sg)
	}
	var lost bytes.Buffer
	if err := capture.WritePcapng(&lost, nil, capture.Conn{Config: linkConfig(segs), Segments: lossy}); err != nil {
		t.Fatal(err)
	}
	badLen := bytes.Clone(good.Bytes())
	binary.LittleEndian.PutUint32(badLen[len(badLen)-4:], 7)

	tests := []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"empty", nil, "not a pcap or pcapng capture: the file is 0 bytes long", capture.ErrNotCapture},
		{"text", []byte("+OK POP3 server ready\r\n"), "not a pcap or pcapng capture", capture.ErrNotCapture},
		{"pcapng cut short", good.Bytes()[:good.Len()-10], "damaged pcapng: the block at offset", nil},
		{"pcapng bad trailing length", badLen, "has a bad length", nil},
		{"pcap cut in a packet", pcap.Bytes()[:pcap.Len()-3], "damaged pcap: packet", nil},
		{"pcap header only part", pcap.Bytes()[:20], "damaged pcap: the file header is cut short", nil},
		{"no POP3", http.Bytes(), "the capture holds no POP3 connection (TCP port 110 or 995)", capture.ErrNoPOP3},
		{"lost packet", lost.Bytes(), "the capture misses", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp, err := capture.Import(tt.data)
			if err == nil {
				t.Fatalf("imported %d connections, want an error", len(imp.Conns))
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
		})
	}
}

// TestImportReordered: a capture with a retransmission and two segments
// swapped is reassembled in sequence order.
func TestImportReordered(t *testing.T) {
	l, err := wire.NewLink(wire.Config{})
	if err != nil {
		t.Fatal(err)
	}
	l.Server().Write([]byte("+OK ready\r\n"))
	l.Client().Write([]byte("RETR 1\r\n"))
	l.Server().Write([]byte("+OK 4000 octets\r\n" + strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn\r\n", 60) + ".\r\n"))
	segs := l.Segments()
	// segs: SYN, greeting, RETR, then the answer in 3 segments.
	if len(segs) != 6 {
		t.Fatalf("%d segments", len(segs))
	}
	shuffled := []wire.Segment{segs[0], segs[1], segs[2], segs[4], segs[3], segs[4], segs[5]}
	var buf bytes.Buffer
	if err := capture.WritePcapng(&buf, nil, capture.Conn{Config: l.Config(), Segments: shuffled}); err != nil {
		t.Fatal(err)
	}
	imp, err := capture.Import(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := imp.Conns[0].Segments
	if len(got) != len(segs) {
		t.Fatalf("%d segments back, want %d:\n%s", len(got), len(segs), describe(got))
	}
	for i := range segs {
		if got[i].Seq != segs[i].Seq || !bytes.Equal(got[i].Payload, segs[i].Payload) || got[i].Offset != segs[i].Offset {
			t.Errorf("segment %d: seq %d off %d %d bytes; want seq %d off %d %d bytes", i, got[i].Seq, got[i].Offset, len(got[i].Payload), segs[i].Seq, segs[i].Offset, len(segs[i].Payload))
		}
	}
}

// FuzzImport: any file gives connections or an error, never a panic.
func FuzzImport(f *testing.F) {
	l, _ := wire.NewLink(wire.Config{Clock: func() time.Time { return time.Unix(1e9, 0) }})
	l.Server().Write([]byte("+OK ready\r\n"))
	l.Client().Write([]byte("QUIT\r\n"))
	l.Client().Close()
	var ng, pc bytes.Buffer
	capture.WritePcapng(&ng, []byte("CLIENT_RANDOM 00 11\n"), capture.LinkConn(l))
	l.WritePcap(&pc)
	f.Add(ng.Bytes())
	f.Add(pc.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		imp, err := capture.Import(b)
		if err == nil {
			for _, c := range imp.Conns {
				annotate.Annotate(c.Segments)
			}
		}
	})
}
