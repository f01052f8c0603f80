package view

import (
	"reflect"
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
