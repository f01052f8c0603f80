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
	if _, err := pollPage[bool](ctx, `document.querySelectorAll("#compare-columns .compare-col:not(.pending)").length === 4`, 2*time.Minute); err != nil {
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

// TestByteViewDeepLink: "Link to this span" on the password puts a share
// link in the address bar; opening it in a fresh tab replays the session
// and opens the byte view at that span, focused and explained.
func TestByteViewDeepLink(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	if !js[bool](t, ctx, `document.getElementById("bytes-link").disabled`) {
		t.Fatal("Link to this span is enabled before any span is shown")
	}
	typeCommand(t, ctx, "USER alice")
	typeCommand(t, ctx, "PASS wonderland")
	js[bool](t, ctx, `[...document.querySelectorAll("#sequence .arrow.c2s")].find(g => g.textContent.includes("PASS")).dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
	waitFor(t, ctx, "the byte view", `document.querySelectorAll("#bytes-record .b-leaf").length > 0`)
	js[bool](t, ctx, `document.querySelector("#bytes-record .b-leaf.secret").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}))`)
	waitFor(t, ctx, "the password under the cursor", `document.querySelector("#bytes-record .b-leaf.current") === document.querySelector("#bytes-record .b-leaf.secret")`)
	where := js[string](t, ctx, `document.getElementById("bytes-where").textContent`)
	js[bool](t, ctx, `(() => { document.getElementById("bytes-link").click(); return true })()`)
	waitFor(t, ctx, "the link", `location.hash.startsWith("#v1.")`)
	hash := js[string](t, ctx, `location.hash`)

	fresh := newTab(t)
	open(t, fresh, hash)
	waitFor(t, fresh, "the span the link names", `document.activeElement.classList.contains("b-leaf") && document.activeElement.textContent === "wonderland"
		&& document.getElementById("bytes-explain").innerText.includes("command PASS › password")`)
	if got := js[string](t, fresh, `document.getElementById("bytes-where").textContent`); got != where {
		t.Fatalf("the link opens %q, want %q", got, where)
	}
	screenshot(t, fresh, "byte-view-deep-link")
	alive(t, fresh, "after opening the deep link")
}
