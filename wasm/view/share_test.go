package view

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pop3lab/sim"
)

func TestShareRoundTrip(t *testing.T) {
	tests := []Shared{
		{Scenario: "connect\nC: USER alice\n", Step: 2, Presenter: true},
		{Seed: 4, Actions: []sim.Action{{Kind: sim.ActConnect}, {Kind: sim.ActSend, Line: "USER alice"}}},
	}
	for _, sh := range tests {
		frag, err := EncodeShare(sh)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(frag, "v1.") || strings.ContainsAny(frag, "+/=#&") {
			t.Fatalf("fragment %q is not URL-safe", frag)
		}
		got, err := DecodeShare("#" + frag)
		if err != nil {
			t.Fatal(err)
		}
		got.Saved = nil
		if !reflect.DeepEqual(got, sh) {
			t.Fatalf("round trip = %+v, want %+v", got, sh)
		}
	}
}

func TestShareErrors(t *testing.T) {
	good, _ := EncodeShare(Shared{Scenario: "connect"})
	tests := []struct {
		frag string
		want error
	}{
		{"", ErrShareDamaged},
		{"hello", ErrShareDamaged},
		{"v1.!!!", ErrShareDamaged},
		{"v1." + good[3:len(good)-4], ErrShareDamaged},
		{"v2." + good[3:], ErrShareTooNew},
		{"v0." + good[3:], ErrShareDamaged},
		{"vx." + good[3:], ErrShareDamaged},
	}
	for _, tt := range tests {
		if _, err := DecodeShare(tt.frag); err != tt.want {
			t.Errorf("DecodeShare(%q) = %v, want %v", tt.frag, err, tt.want)
		}
	}
	if got := ShareMessage(ErrShareTooNew); got != "This shared link comes from a newer pop3lab, so the normal page was opened." {
		t.Fatalf("ShareMessage = %q", got)
	}
}

func FuzzDecodeShare(f *testing.F) {
	good, _ := EncodeShare(Shared{Scenario: "connect", Step: 1})
	f.Add(good)
	f.Add("v1.")
	f.Fuzz(func(t *testing.T, frag string) {
		if _, err := DecodeShare(frag); err != nil && err != ErrShareDamaged && err != ErrShareTooNew {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// TestHostileShareLinkIsRefusedAtOnce: a short link of 2,000 Get mail
// actions would take minutes to replay; it is refused before replaying.
func TestHostileShareLinkIsRefusedAtOnce(t *testing.T) {
	actions := make([]sim.Action, 2000)
	for i := range actions {
		actions[i] = sim.Action{Kind: sim.ActGetMail}
	}
	frag, err := EncodeShare(Shared{Seed: 1, Actions: actions})
	if err != nil {
		t.Fatal(err)
	}
	if len(frag) > 1000 {
		t.Logf("the link is %d characters", len(frag))
	}
	_, err = DecodeShare("#" + frag)
	if !errors.Is(err, ErrShareTooLarge) || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("DecodeShare = %v, want ErrShareTooLarge", err)
	}
	if got := ShareMessage(err); got != "This shared link holds a session too long to replay in a browser, so the normal page was opened." {
		t.Fatalf("message %q", got)
	}
	// A learner's long but ordinary session still opens.
	var ordinary []sim.Action
	for i := 0; i < 30; i++ {
		ordinary = append(ordinary, sim.Action{Kind: sim.ActGetMail}, sim.Action{Kind: sim.ActConnect}, sim.Action{Kind: sim.ActSend, Line: "NOOP"})
	}
	frag, _ = EncodeShare(Shared{Seed: 1, Actions: ordinary})
	if sh, err := DecodeShare(frag); err != nil || len(sh.Actions) != len(ordinary) {
		t.Fatalf("an ordinary session: %v", err)
	}
	// A scenario stepped far is costed by its steps.
	src := "title: many\n" + strings.Repeat("do: get-mail\n", 500)
	frag, _ = EncodeShare(Shared{Scenario: src, Step: 500})
	if _, err := DecodeShare(frag); !errors.Is(err, ErrShareTooLarge) {
		t.Fatalf("a scenario of 500 Get mail steps: %v", err)
	}
}

func TestReplayCost(t *testing.T) {
	tests := []struct {
		actions []sim.Action
		want    int
		over    bool
	}{
		{nil, 0, false},
		{[]sim.Action{{Kind: sim.ActConnect}, {Kind: sim.ActSend}, {Kind: sim.ActGetMail}, {Kind: sim.ActPreview}}, 89, false},
		{slices.Repeat([]sim.Action{{Kind: sim.ActSend, Line: "NOOP"}}, ReplayBudget+1), ReplayBudget + 1, true},
	}
	for _, tt := range tests {
		if got := ReplayCost(tt.actions); got != tt.want {
			t.Errorf("ReplayCost = %d, want %d", got, tt.want)
		}
		if err := CheckBudget(tt.actions); (err != nil) != tt.over {
			t.Errorf("CheckBudget(%d actions) = %v", len(tt.actions), err)
		}
	}
}
