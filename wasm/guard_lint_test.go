//go:build !js

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryCallbackIsGuarded keeps the page's one guard the only way from
// JavaScript into Go: a listener, js.Func or goroutine made elsewhere
// would let a panic stop the program.
func TestEveryCallbackIsGuarded(t *testing.T) {
	unguarded := regexp.MustCompile(`\.AddEventListener\(|js\.FuncOf\(|(^|[^.\w])go (func|[a-z]\w*[.(])`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "guard.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			code := strings.TrimSpace(line)
			if strings.HasPrefix(code, "//") {
				continue
			}
			if unguarded.MatchString(code) {
				t.Errorf("%s:%d: %s: use a.listen, a.jsFunc or a.spawn (guard.go)", f, i+1, code)
			}
		}
	}
}
