//go:build !js

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestAppLinksNoMarkdownRenderer keeps goldmark and package render (and
// with them the course's markdown), and crypto/tls and crypto/x509, out of
// the app's program: the Go
// linker keeps every imported package's initialisation, so the program a
// learner downloads first must not import them at all. The editor's
// preview gets them from the second program, ./wasm/author, which must;
// TLS is the third's, ./wasm/tls (package secure).
// Of pop3lab's own packages only sim/scenario (its S~ patterns) may use
// regexp.
func TestAppLinksNoMarkdownRenderer(t *testing.T) {
	list := func(pkg, format string) []string {
		t.Helper()
		cmd := exec.Command("go", "list", "-deps", "-f", format, pkg)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	for _, line := range list(".", "{{.ImportPath}} {{join .Imports \" \"}}") {
		pkg, imports, _ := strings.Cut(line, " ")
		if strings.Contains(pkg, "goldmark") || pkg == "pop3lab/lessons/render" || pkg == "pop3lab/lessons/course" ||
			pkg == "crypto/tls" || pkg == "crypto/x509" || pkg == "pop3lab/sim/secure/stdtls" || pkg == "pop3lab/sim/tlscert" {
			t.Errorf("the app's program imports %s", pkg)
		}
		if strings.HasPrefix(pkg, "pop3lab/") && pkg != "pop3lab/sim/scenario" && strings.Contains(" "+imports+" ", " regexp ") {
			t.Errorf("%s imports regexp: only sim/scenario may, for its patterns", pkg)
		}
	}
	author := strings.Join(list("./author", "{{.ImportPath}}"), "\n")
	for _, want := range []string{"github.com/yuin/goldmark", "pop3lab/lessons/render"} {
		if !strings.Contains(author, want+"\n") {
			t.Errorf("the lesson renderer ./wasm/author does not import %s", want)
		}
	}
	if layer := strings.Join(list("./tls", "{{.ImportPath}}"), "\n"); !strings.Contains(layer, "\ncrypto/tls\n") {
		t.Error("the TLS layer ./wasm/tls does not import crypto/tls")
	}
}
