package scenario

import (
	"strings"
	"testing"
)

// TestReferenceNamesEveryKeyword keeps the authors' reference in step
// with the parser: every step keyword is described.
func TestReferenceNamesEveryKeyword(t *testing.T) {
	for kind, name := range actionNames {
		if kind == ActNarrate {
			name = "note"
		}
		keyword := name + ":"
		if kind == ActConnect || kind == ActDrop {
			keyword = name
		}
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
