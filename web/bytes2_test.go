//go:build !js

package web_test

import (
	"strings"
	"testing"
	"time"
)

// TestCompareModes runs the side-by-side comparison from the wire pane:
// four columns, each saying what the eavesdropper learns, computed from
// the bytes; the learner's sandbox gains nothing; a finding opens its
// bytes in the byte view, read-only.
func TestCompareModes(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	arrows := `document.querySelectorAll("#sequence .arrow").length`
	before := js[int](t, ctx, arrows)
	js[bool](t, ctx, `(() => { document.getElementById("btn-compare").click(); return true })()`)
	if _, err := pollPage[bool](ctx, `document.querySelectorAll("#compare-columns .compare-col").length === 4`, 2*time.Minute); err != nil {
		t.Fatalf("the four columns: %v%s", err, diagnose(ctx))
	}
	heads := js[[]string](t, ctx, `[...document.querySelectorAll("#compare-columns h3")].map(h => h.textContent)`)
	if got := strings.Join(heads, "|"); got != "Plaintext on port 110|STLS on port 110|Implicit TLS on port 995|STLS, attacker strips it" {
		t.Fatalf("columns %q", got)
	}
	// Per column: password, user name, server name, message sizes.
	findings := js[[][]string](t, ctx, `[...document.querySelectorAll("#compare-columns .compare-col")].map(c => [...c.querySelectorAll("dd")].map(d => d.className + " " + d.firstChild.textContent))`)
	want := [][]string{
		{"leak yes: wonderland", "leak yes: alice", "safe no ClientHello names it", "leak yes: exactly, from the messages read in the clear: "},
		{"safe no", "safe no", "leak yes: mail.pop3lab.example", "leak yes: roughly, from record lengths: "},
		{"safe no", "safe no", "leak yes: mail.pop3lab.example", "leak yes: roughly, from record lengths: "},
		{"leak yes: wonderland", "leak yes: alice", "safe no ClientHello names it", "leak yes: exactly, from the messages read in the clear: "},
	}
	for i := range want {
		for j, w := range want[i] {
			if len(findings) <= i || len(findings[i]) <= j || !strings.HasPrefix(findings[i][j], w) {
				t.Fatalf("column %d finding %d: got %q, want %q…", i, j, findings, w)
			}
		}
	}
	if n := js[int](t, ctx, `[...document.querySelectorAll("#compare-columns .compare-col")][3].querySelectorAll("tbody tr").length`); n < 4 {
		t.Fatalf("the stripped column's wire summary has %d rows", n)
	}
	if !js[bool](t, ctx, `[...document.querySelectorAll("#compare-columns .compare-col")][3].textContent.includes("rewritten by the attacker")`) {
		t.Fatal("the stripped column does not show the attacker's rewritten CAPA")
	}
	if after := js[int](t, ctx, arrows); after != before {
		t.Fatalf("the sandbox's diagram went from %d to %d arrows", before, after)
	}
	screenshot(t, ctx, "compare-modes")
	// The plaintext password's button opens it in the byte view.
	js[bool](t, ctx, `(() => { document.querySelector('#compare-columns button[data-col="0"][data-finding="0"]').click(); return true })()`)
	waitFor(t, ctx, "the password in the byte view", `document.getElementById("bytes-where").textContent.startsWith("side by side: Plaintext on port 110, read-only · connection 1 · segment ")
		&& document.activeElement.classList.contains("b-leaf") && document.activeElement.textContent === "wonderland"`)
	if e := js[string](t, ctx, `document.getElementById("bytes-explain").innerText`); !strings.Contains(e, "command PASS › password") {
		t.Fatalf("explanation:\n%s", e)
	}
	// The 995 column opens at its ClientHello's server name.
	js[bool](t, ctx, `(() => { document.querySelector('#compare-columns button[data-col="2"][data-finding="-1"]').click(); return true })()`)
	waitFor(t, ctx, "the server name in the byte view", `document.getElementById("bytes-where").textContent.startsWith("side by side: Implicit TLS on port 995")
		&& document.activeElement.title === "host name"`)
	alive(t, ctx, "after the comparison")
}
