package scenario

import (
	"strings"
	"testing"
)

// TestReferenceNamesEveryKeyword keeps the authors' reference in step
// with the parser: every step keyword is described.
func TestReferenceNamesEveryKeyword(t *testing.T) {
	for _, keyword := range []string{"note:", "server:", "client:", "connect", "drop", "do:", "attack:", "deliver:", "wait:", "C:"} {
		if !strings.Contains(Reference, "\n    "+keyword) {
			t.Errorf("Reference does not describe %q", keyword)
		}
	}
	for _, keyword := range []string{"S:", "S~", "expect:", "title:", "summary:", "seed:"} {
		if !strings.Contains(Reference, keyword) {
			t.Errorf("Reference does not describe %q", keyword)
		}
	}
}
