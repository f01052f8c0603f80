package sim

import (
	"fmt"
	"pop3lab/sim/wire"
	"strings"
	"testing"
	"time"
)

func newSim(t testing.TB, edit func(*Settings)) *Simulation {
	t.Helper()
	st := DefaultSettings()
	if edit != nil {
		edit(&st)
	}
	s, err := New(Options{Seed: 7, Settings: &st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func mustApply(t testing.TB, s *Simulation, a Action) Result {
	t.Helper()
	res, err := s.Apply(a)
	if err != nil {
		t.Fatalf("action %+v: %v", a, err)
	}
	return res
}

func typed(line string) Action { return Action{Kind: ActSend, Line: line} }

func TestTerminalSession(t *testing.T) {
	s := newSim(t, nil)
	res := mustApply(t, s, Action{Kind: ActConnect})
	if len(res.Lines) != 1 || !strings.HasPrefix(res.Lines[0], "+OK POP3 server ready <") {
		t.Fatalf("greeting %q", res.Lines)
	}
	if snap := s.Snapshot(); !snap.Connected || !s.Connected() || snap.State != "AUTHORIZATION" || snap.Locked {
		t.Fatalf("after connect: %+v", snap)
	}
	mustApply(t, s, typed("USER alice"))
	res = mustApply(t, s, typed("PASS wonderland"))
	if len(res.Lines) != 1 || !strings.HasPrefix(res.Lines[0], "+OK alice's maildrop has 5 messages") {
		t.Fatalf("PASS: %q", res.Lines)
	}
	snap := s.Snapshot()
	if snap.State != "TRANSACTION" || !snap.Locked || len(snap.Server) != 5 || snap.Server[0].Subject != "Welcome to the POP3 lab" {
		t.Fatalf("after login: %+v", snap)
	}
	res = mustApply(t, s, typed("RETR 3"))
	if !slicesContain(res.Lines, "..bashrc") || !slicesContain(res.Lines, "..") || res.Lines[len(res.Lines)-1] != "." {
		t.Fatalf("RETR 3 lines not dot-stuffed as sent: %q", res.Lines)
	}
	mustApply(t, s, typed("DELE 2"))
	if snap := s.Snapshot(); !snap.Server[1].Deleted || snap.Server[0].Deleted {
		t.Fatalf("DELE mark not shown: %+v", snap.Server)
	}
	if _, err := s.Apply(typed("RETR 2")); !IsLearnerError(err) {
		t.Fatalf("RETR of a deleted message: %v", err)
	}
	mustApply(t, s, typed("QUIT"))
	snap = s.Snapshot()
	if snap.Connected || s.Connected() || snap.Locked || len(snap.Server) != 4 {
		t.Fatalf("after QUIT: connected=%v locked=%v %d messages", snap.Connected, snap.Locked, len(snap.Server))
	}
	var tr strings.Builder
	s.Transcript(&tr, true)
	if strings.Contains(tr.String(), "wonderland") || !strings.Contains(tr.String(), "C: PASS ********") {
		t.Fatalf("masked transcript:\n%s", tr.String())
	}
	tr.Reset()
	s.Transcript(&tr, false)
	if !strings.Contains(tr.String(), "C: PASS wonderland\nS: +OK alice's maildrop has 5 messages") {
		t.Fatalf("transcript:\n%s", tr.String())
	}
}

func slicesContain(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// TestSniffing: on port 110 the tap reads the password; after STLS and on
// port 995 it sees only TLS records.
func TestSniffing(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Settings)
		stls   bool
		inTap  bool
		tlsRec bool
	}{
		{"plaintext 110", nil, false, true, false},
		{"STLS on 110", nil, true, false, true},
		{"implicit TLS 995", func(s *Settings) { s.Client.TLS = 3 }, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, tt.edit)
			mustApply(t, s, Action{Kind: ActConnect})
			if tt.stls {
				res := mustApply(t, s, typed("STLS"))
				if res.Lines[0] != "+OK Begin TLS negotiation now." {
					t.Fatalf("STLS: %q", res.Lines)
				}
			}
			mustApply(t, s, typed("USER alice"))
			mustApply(t, s, typed("PASS wonderland"))
			tap := s.Eavesdropper(0)
			if got := strings.Contains(tap, "PASS wonderland"); got != tt.inTap {
				t.Fatalf("tap shows the password: %v, want %v\n%s", got, tt.inTap, tap)
			}
			if got := strings.Contains(tap, "TLS application_data record"); got != tt.tlsRec {
				t.Fatalf("tap shows TLS records: %v, want %v\n%s", got, tt.tlsRec, tap)
			}
			var marked bool
			for _, e := range s.Events(0) {
				if e.Kind == EvSegment && len(e.Secrets) > 0 {
					sp := e.Secrets[0]
					if string(e.Data[sp.Start:sp.End]) != "wonderland" {
						t.Fatalf("secret span covers %q", e.Data[sp.Start:sp.End])
					}
					marked = true
				}
			}
			if marked != tt.inTap {
				t.Fatalf("credential bytes marked on the wire: %v, want %v", marked, tt.inTap)
			}
		})
	}
}

// TestReplayIsDeterministic: the same seed and actions give the same
// events (TLS ciphertext aside), which is what makes Back work.
func TestReplayIsDeterministic(t *testing.T) {
	actions := []Action{
		{Kind: ActConnect}, typed("USER alice"), typed("PASS wonderland"), typed("LIST"),
		{Kind: ActDeliver, Subject: "New", Body: "hello"}, typed("DELE 1"), typed("QUIT"),
		{Kind: ActGetMail}, {Kind: ActWait, Duration: time.Hour},
	}
	render := func(s *Simulation) string {
		var b strings.Builder
		for _, e := range s.Events(0) {
			if e.Kind == EvSegment && (e.TLS || e.SegmentKind == wire.FIN) {
				// TLS ciphertext, and with ECDSA even record
				// lengths, differ from run to run; so does which end
				// closes first after QUIT, as on a real network.
				continue
			}
			fmt.Fprintf(&b, "%d %d %s %s %d %s %q\n", e.Step, e.Conn, e.Time.Format(time.RFC3339Nano), e.Kind, e.Dir, e.Text, e.Data)
		}
		return b.String()
	}
	a, err := Replay(Options{Seed: 3}, actions)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Replay(Options{Seed: 3}, actions)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ra, rb := render(a), render(b); ra != rb {
		t.Fatalf("two replays differ:\n%s\n----\n%s", ra, rb)
	}
	back, err := b.Back()
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if back.Snapshot().Step != len(actions)-1 {
		t.Fatalf("Back is at step %d", back.Snapshot().Step)
	}
}

// TestDropReleasesTheLock: after a dropped connection the next login gets
// the maildrop, every time (the server's session has ended before Apply
// returns).
func TestDropReleasesTheLock(t *testing.T) {
	s := newSim(t, nil)
	for i := 0; i < 20; i++ {
		mustApply(t, s, Action{Kind: ActConnect})
		mustApply(t, s, typed("USER alice"))
		res := mustApply(t, s, typed("PASS wonderland"))
		if !strings.HasPrefix(res.Lines[0], "+OK alice's maildrop") {
			t.Fatalf("login %d after a drop: %q", i+1, res.Lines)
		}
		mustApply(t, s, Action{Kind: ActDrop})
		if s.Snapshot().Locked {
			t.Fatalf("drop %d left the maildrop locked", i+1)
		}
	}
}
