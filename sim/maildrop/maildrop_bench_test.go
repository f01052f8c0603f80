package maildrop

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/hack-pad/hackpadfs"
)

// fillMaildrop writes n small messages into user's cur/ with sizes in
// their names, as a maildrop looks after its first session.
func fillMaildrop(b *testing.B, fsys hackpadfs.FS, user string, n int) {
	b.Helper()
	msg := "From: a@example.org\nTo: b@example.org\nSubject: bench\n\nbody line one\nbody line two\n"
	wire := len(refWire([]byte(msg)))
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s/cur/%d.M%06dP1Q%d.bench,S=%d,W=%d:2,S", user, 1700000000+i, i%1000000, i, len(msg), wire)
		writeFile(b, fsys, name, msg)
	}
}

func benchmarkOpen(b *testing.B, fsys hackpadfs.FS, n int) {
	fillMaildrop(b, fsys, "alice", n)
	s := NewStore(fsys, "", testOptions())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := s.Open("alice")
		if err != nil {
			b.Fatal(err)
		}
		if got := len(m.Messages()); got != n {
			b.Fatalf("%d messages, want %d", got, n)
		}
		m.Close()
	}
}

// BenchmarkOpen10000 is a session start on a large maildrop on the os
// backend: Open (list cur/ and new/, no bodies read) and Messages.
// Target: under 100 ms per open.
func BenchmarkOpen10000(b *testing.B) {
	benchmarkOpen(b, newOSFS(b), 10000)
}

// BenchmarkOpen10000Mem is the same on the in-memory file system of the
// browser build, for comparison.
func BenchmarkOpen10000Mem(b *testing.B) {
	benchmarkOpen(b, newMemFS(b), 10000)
}

// BenchmarkWireReader is RETR of a 10 MB message without the network:
// Open(n) and io.Copy of the wire form to io.Discard. Bytes are wire
// octets. "transform" reads from memory and measures the CRLF transform
// alone; the backends add the file system. Target: ≥ 1 GB/s for the
// transform natively.
func BenchmarkWireReader(b *testing.B) {
	for _, crlf := range []bool{false, true} {
		raw := tenMegabytes(crlf)
		wire := int64(len(refWire(raw)))
		eol := "LF"
		if crlf {
			eol = "CRLF"
		}
		b.Run("transform/"+eol, func(b *testing.B) {
			b.SetBytes(wire)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n, err := io.Copy(io.Discard, newWireReader(io.NopCloser(bytes.NewReader(raw))))
				if err != nil || n != wire {
					b.Fatalf("copied %d, %v; want %d", n, err, wire)
				}
			}
		})
		for _, be := range backends {
			b.Run(be.name+"/"+eol, func(b *testing.B) {
				s := NewStore(be.new(b), "", testOptions())
				if _, err := s.Deliver("alice", bytes.NewReader(raw)); err != nil {
					b.Fatal(err)
				}
				m, err := s.Open("alice")
				if err != nil {
					b.Fatal(err)
				}
				defer m.Close()
				b.SetBytes(wire)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					rc, err := m.Open(1)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.Copy(io.Discard, rc)
					rc.Close()
					if err != nil || n != wire {
						b.Fatalf("copied %d, %v; want %d", n, err, wire)
					}
				}
			})
		}
	}
}
