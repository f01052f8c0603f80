package pop3

import (
	"strings"
	"testing"
)

// TestAPOPDigestRFCVector is the example of RFC 1939 §7.
func TestAPOPDigestRFCVector(t *testing.T) {
	if got, want := APOPDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb"; got != want {
		t.Fatalf("APOPDigest = %s, want %s", got, want)
	}
}

func TestParseMessageNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true}, {"0", 0, true}, {"007", 7, true}, {"2147483647", MaxMessageNumber, true},
		{"2147483648", 0, false}, {"99999999999", 0, false}, {"", 0, false}, {"+1", 0, false},
		{"-1", 0, false}, {"1 ", 0, false}, {" 1", 0, false}, {"1a", 0, false}, {"١", 0, false},
	}
	for _, tt := range tests {
		n, ok := ParseMessageNumber(tt.in)
		if n != tt.want || ok != tt.ok {
			t.Errorf("ParseMessageNumber(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.want, tt.ok)
		}
		if n2, ok2 := ParseMessageNumber([]byte(tt.in)); n2 != n || ok2 != ok {
			t.Errorf("ParseMessageNumber([]byte(%q)) differs from the string form", tt.in)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"123", 123, true}, {strings.Repeat("9", 18), 999999999999999999, true},
		{strings.Repeat("9", 19), 0, false}, {"", 0, false}, {"1.5", 0, false}, {"-0", 0, false},
	}
	for _, tt := range tests {
		if n, ok := ParseDecimal(tt.in); n != tt.want || ok != tt.ok {
			t.Errorf("ParseDecimal(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.want, tt.ok)
		}
	}
}

// TestValidUID: RFC 1939 §7, 1 to 70 characters in 0x21 to 0x7E.
func TestValidUID(t *testing.T) {
	tests := []struct {
		uid string
		ok  bool
	}{
		{"a", true}, {"!~", true}, {strings.Repeat("u", 70), true},
		{"", false}, {strings.Repeat("u", 71), false}, {"a b", false}, {"a\x7f", false}, {"a\x20", false}, {"é", false},
	}
	for _, tt := range tests {
		if got := ValidUID(tt.uid); got != tt.ok {
			t.Errorf("ValidUID(%q) = %v, want %v", tt.uid, got, tt.ok)
		}
	}
}
