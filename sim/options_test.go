package sim

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestOptions: the clock start, the addresses and the account are options
// of one simulation, with the documented defaults.
func TestOptions(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	st := DefaultSettings()
	st.Client.User, st.Client.Password = "bob", "builder"
	s, err := New(Options{Seed: 1, Settings: &st, Start: start, User: "bob", Password: "builder",
		ClientAddr: netip.MustParseAddr("198.51.100.7"), ServerAddr: netip.MustParseAddr("203.0.113.9")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Now().Equal(start) {
		t.Fatalf("clock starts at %v, want %v", s.Now(), start)
	}
	if n := len(s.Snapshot().Server); n != 5 {
		t.Fatalf("bob's maildrop has %d messages, want the 5 sample ones", n)
	}
	mustApply(t, s, Action{Kind: ActConnect})
	mustApply(t, s, typed("USER bob"))
	if res := mustApply(t, s, typed("PASS builder")); !strings.HasPrefix(res.Lines[0], "+OK bob's maildrop has 5 messages") {
		t.Fatalf("PASS: %q", res.Lines)
	}
	var session string
	for _, e := range s.Events(0) {
		if e.Kind == EvSession {
			session = e.Text
			break
		}
	}
	if want := "connection 1 (terminal): 198.51.100.7:49152 → 203.0.113.9:110"; session != want {
		t.Fatalf("session event %q, want %q", session, want)
	}

	d := newSim(t, nil)
	if !d.Now().Equal(defaultStart) {
		t.Fatalf("default clock %v", d.Now())
	}
	mustApply(t, d, Action{Kind: ActConnect})
	if e := d.Events(0); !strings.Contains(eventsText(e), "192.0.2.10:49152 → 192.0.2.25:110") {
		t.Fatalf("default addresses missing:\n%s", eventsText(e))
	}
}

func eventsText(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.Text + "\n")
	}
	return b.String()
}
