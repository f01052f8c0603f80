package wording

import "testing"

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0 messages"}, {1, "1 message"}, {2, "2 messages"}, {-1, "-1 messages"}}
	for _, tt := range tests {
		if got := Plural(tt.n, "message"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestOnOff(t *testing.T) {
	if OnOff(true) != "on" || OnOff(false) != "off" {
		t.Fatalf("OnOff: got %q and %q", OnOff(true), OnOff(false))
	}
}

func TestParseOnOff(t *testing.T) {
	tests := []struct {
		in     string
		on, ok bool
	}{{"on", true, true}, {"off", false, true}, {"ON", false, false}, {"", false, false}, {"yes", false, false}}
	for _, tt := range tests {
		if on, ok := ParseOnOff(tt.in); on != tt.on || ok != tt.ok {
			t.Errorf("ParseOnOff(%q) = %v, %v", tt.in, on, ok)
		}
	}
}
