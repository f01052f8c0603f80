package sim

import (
	"runtime"
	"testing"

	"pop3lab/sim/secure/stdtls"
)

// session200 is a 200-action sandbox history: a login, 195 transaction
// commands, QUIT and a mail-client run.
func session200() []Action {
	acts := []Action{{Kind: ActConnect}, typed("USER alice"), typed("PASS wonderland")}
	cmds := []string{"STAT", "LIST", "UIDL", "NOOP", "TOP 1 0", "LIST 3", "UIDL 2", "RETR 1"}
	for i := 0; len(acts) < 198; i++ {
		acts = append(acts, typed(cmds[i%len(cmds)]))
	}
	return append(acts, typed("QUIT"), Action{Kind: ActGetMail})
}

// BenchmarkReplay200 measures stepping back: replaying a 200-step history
// from the seed (target: under 50 ms natively, 200 ms under Node).
func BenchmarkReplay200(b *testing.B) {
	acts := session200()
	if _, err := stdtls.SharedCertificate(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := Replay(Options{Seed: 1}, acts)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkEvents measures events per second through a full simulated
// session: connect, login, LIST, RETR of every message, QUIT.
func BenchmarkEvents(b *testing.B) {
	acts := []Action{{Kind: ActConnect}, typed("USER alice"), typed("PASS wonderland"), typed("LIST"),
		typed("RETR 1"), typed("RETR 2"), typed("RETR 3"), typed("RETR 4"), typed("QUIT")}
	stdtls.SharedCertificate()
	events := 0
	for b.Loop() {
		s, err := Replay(Options{Seed: 1}, acts)
		if err != nil {
			b.Fatal(err)
		}
		events += len(s.Events(0))
		s.Close()
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMemoryPerSimulation reports the heap a fresh simulation with
// the sample maildrop holds.
func BenchmarkMemoryPerSimulation(b *testing.B) {
	stdtls.SharedCertificate()
	var total uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := New(Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		total += after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
		s.Close()
	}
	b.ReportMetric(float64(total)/float64(b.N)/1e6, "MB/sim")
}

// BenchmarkGetMail measures a mail client's Get mail of the whole sample
// maildrop (2.1 MB, over STLS), the heaviest action a learner can click.
func BenchmarkGetMail(b *testing.B) {
	stdtls.SharedCertificate()
	for b.Loop() {
		s, err := New(Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Apply(Action{Kind: ActGetMail}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
