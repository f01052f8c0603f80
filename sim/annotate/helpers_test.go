package annotate_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pop3lab/sim/annotate"
	"pop3lab/sim/tlscert"
	"pop3lab/sim/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files and the recorded TLS session")

// A script is a connection written as segments: "C:"/"S:" payloads, in
// order, with Go escapes; "C FIN"/"S FIN" for a close.
type script []string

// segments turns a script into the segments a Link would log, SYN first.
func (sc script) segments(t testing.TB) []wire.Segment {
	t.Helper()
	segs := []wire.Segment{{Kind: wire.SYN, Dir: wire.ClientToServer}}
	for _, s := range sc {
		dir := wire.ClientToServer
		if s[0] == 'S' {
			dir = wire.ServerToClient
		}
		seg := wire.Segment{Index: len(segs), Dir: dir}
		switch {
		case s[1:] == " FIN":
			seg.Kind = wire.FIN
		case strings.HasPrefix(s[1:], ": "):
			seg.Payload = []byte(s[3:])
		case strings.HasPrefix(s[1:], " hex "):
			b, err := hex.DecodeString(s[6:])
			if err != nil {
				t.Fatal(err)
			}
			seg.Payload = b
		default:
			t.Fatalf("bad script line %q", s)
		}
		segs = append(segs, seg)
	}
	return segs
}

// render writes records as the golden files hold them.
func render(records []annotate.Record) string {
	var b strings.Builder
	for _, r := range records {
		fmt.Fprintf(&b, "#%d %v %v offset=%d len=%d segments=%v", r.Index, r.Dir, r.Kind, r.Offset, len(r.Bytes), r.Segments)
		if len(r.Cuts) > 0 {
			fmt.Fprintf(&b, " cuts=%v", r.Cuts)
		}
		if r.Origin != wire.Sent {
			fmt.Fprintf(&b, " %v", r.Origin)
		}
		b.WriteString("\n")
		b.WriteString(r.Tree())
	}
	return b.String()
}

// golden compares got with testdata/name.golden, or rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("annotations differ from %s:\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing line.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

// checkTiling asserts the span property on every record: each byte is
// covered by exactly one leaf.
func checkTiling(t testing.TB, records []annotate.Record) {
	t.Helper()
	for _, r := range records {
		if err := annotate.Validate(r.Span, len(r.Bytes)); err != nil {
			t.Fatalf("record %d (%v %q): %v", r.Index, r.Kind, truncate(r.Bytes), err)
		}
		covered := make([]int, len(r.Bytes))
		for _, l := range r.Span.Leaves() {
			for i := l.Start; i < l.End; i++ {
				covered[i]++
			}
		}
		for i, n := range covered {
			if n != 1 {
				t.Fatalf("record %d: byte %d covered by %d leaves", r.Index, i, n)
			}
		}
	}
}

func truncate(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// fixedRand is a deterministic byte stream for crypto/tls.
type fixedRand struct{ n byte }

func (r *fixedRand) Read(p []byte) (int, error) {
	for i := range p {
		r.n = r.n*73 + 41
		p[i] = r.n
	}
	return len(p), nil
}

// recordTLS13 runs a TLS 1.3 POP3S exchange over a Link, a greeting, one
// command and its answer and the closes, and returns the segments.
func recordTLS13(t testing.TB, random io.Reader) []wire.Segment {
	t.Helper()
	epoch := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	cert, err := tlscert.SelfSigned(random, epoch, "mail.pop3lab.example")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	l, err := wire.NewLink(wire.Config{Clock: func() time.Time { return epoch }})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return epoch.Add(time.Hour) }
	srvCfg := &tls.Config{Certificates: []tls.Certificate{cert}, Rand: random, Time: now,
		CurvePreferences: []tls.CurveID{tls.X25519}, NextProtos: []string{"pop3"}, SessionTicketsDisabled: true}
	cliCfg := &tls.Config{RootCAs: pool, ServerName: "mail.pop3lab.example", Rand: random, Time: now,
		CurvePreferences: []tls.CurveID{tls.X25519}, NextProtos: []string{"pop3"}}
	done := make(chan error, 1)
	go func() {
		sc := tls.Server(l.Server(), srvCfg)
		defer sc.Close()
		if _, err := io.WriteString(sc, "+OK POP3 server ready\r\n"); err != nil {
			done <- err
			return
		}
		line, err := bufio.NewReader(sc).ReadString('\n')
		if err == nil && line != "QUIT\r\n" {
			err = fmt.Errorf("server read %q", line)
		}
		if err == nil {
			_, err = io.WriteString(sc, "+OK bye\r\n")
		}
		done <- err
	}()
	cc := tls.Client(l.Client(), cliCfg)
	r := bufio.NewReader(cc)
	for _, step := range [][2]string{{"", "+OK POP3 server ready\r\n"}, {"QUIT\r\n", "+OK bye\r\n"}} {
		if step[0] != "" {
			if _, err := io.WriteString(cc, step[0]); err != nil {
				t.Fatal(err)
			}
		}
		line, err := r.ReadString('\n')
		if err != nil || line != step[1] {
			t.Fatalf("client read %q, %v; want %q", line, err, step[1])
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, r) // the server's close_notify and FIN
	cc.Close()
	return l.Segments()
}

// loadSegments reads a recorded session: one segment a line, "C hex ..."
// / "S hex ..." or "C FIN" / "S FIN".
func loadSegments(t testing.TB, name string) []wire.Segment {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return script(strings.Split(strings.TrimSpace(string(b)), "\n")).segments(t)
}

// saveSegments writes segs (SYN dropped) in loadSegments' format.
func saveSegments(t testing.TB, name string, segs []wire.Segment) {
	t.Helper()
	var b bytes.Buffer
	for _, s := range segs {
		side := "C"
		if s.Dir == wire.ServerToClient {
			side = "S"
		}
		switch s.Kind {
		case wire.Data:
			fmt.Fprintf(&b, "%s hex %x\n", side, s.Payload)
		case wire.FIN:
			fmt.Fprintf(&b, "%s FIN\n", side)
		}
	}
	if err := os.WriteFile(filepath.Join("testdata", name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
