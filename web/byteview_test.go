//go:build !js

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestByteView opens the PASS arrow's bytes in the byte view, hovers the
// password, walks the spans with the keyboard and turns the annotations
// off and on.
func TestByteView(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	typeCommand(t, ctx, "PASS wonderland")
	js[bool](t, ctx, `[...document.querySelectorAll("#sequence g.arrow.c2s")].find(g => g.textContent.includes("PASS")).dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
	waitFor(t, ctx, "the byte view", `!document.getElementById("bytes-pane").hidden && document.querySelectorAll("#bytes-record .b-leaf").length > 0`)
	leaves := js[[]string](t, ctx, `[...document.querySelectorAll("#bytes-record .b-leaf")].map(e => e.textContent)`)
	if got := strings.Join(leaves, "|"); got != "PASS| |wonderland|\\r\\n\n" {
		t.Fatalf("leaves %q", got)
	}
	if s := js[string](t, ctx, `document.querySelector("#bytes-record .b-leaf.secret").textContent`); s != "wonderland" {
		t.Fatalf("secret leaf %q", s)
	}
	explain := func() string {
		return js[string](t, ctx, `document.getElementById("bytes-explain").innerText`)
	}
	// Hover: the password is explained.
	js[bool](t, ctx, `document.querySelector('#bytes-record .b-leaf[data-leaf="2"]').dispatchEvent(new MouseEvent("mouseover", {bubbles: true}))`)
	waitFor(t, ctx, "the password's explanation", `document.getElementById("bytes-explain").innerText.includes("command PASS › password")`)
	if e := explain(); !strings.Contains(e, "a credential, readable by anyone on the path") || !strings.Contains(e, "RFC 1939 §7") {
		t.Fatalf("explanation:\n%s", e)
	}
	screenshot(t, ctx, "byte-view-password")
	// Keyboard: from the keyword, right twice reaches the password;
	// End reaches CRLF.
	js[bool](t, ctx, `(() => { document.querySelector('#bytes-record .b-leaf[data-leaf="0"]').focus(); return true })()`)
	waitFor(t, ctx, "the keyword explained", `document.getElementById("bytes-explain").innerText.includes("command PASS › keyword")`)
	for range 2 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, ctx, "the password by keys", `document.activeElement.dataset.leaf === "2" && document.getElementById("bytes-explain").innerText.includes("› password")`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.End)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "CRLF by End", `document.activeElement.dataset.leaf === "3" && document.getElementById("bytes-explain").innerText.includes("› CRLF")`)
	if n := js[int](t, ctx, `document.querySelectorAll('#bytes-record [tabindex="0"]').length`); n != 1 {
		t.Fatalf("%d tab stops in the byte view, want 1", n)
	}
	// The annotate toggle.
	js[bool](t, ctx, `(() => { const c = document.getElementById("bytes-annotate"); c.click(); return true })()`)
	waitFor(t, ctx, "bare bytes", `document.getElementById("bytes-record").classList.contains("plain") && document.getElementById("bytes-explain").innerText === ""`)
	js[bool](t, ctx, `(() => { const c = document.getElementById("bytes-annotate"); c.click(); return true })()`)
	waitFor(t, ctx, "annotations back", `!document.getElementById("bytes-record").classList.contains("plain") && document.getElementById("bytes-explain").innerText !== ""`)
}

// TestByteViewTLS opens the STLS arrow and steps to the ClientHello: the
// server name is found and explained, in the clear.
func TestByteViewTLS(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "STLS")
	js[bool](t, ctx, `[...document.querySelectorAll("#sequence g.arrow.c2s")].find(g => g.textContent.includes("STLS")).dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
	waitFor(t, ctx, "the byte view", `!document.getElementById("bytes-pane").hidden && document.querySelector("#bytes-record .b-leaf") !== null`)
	for i := 0; i < 4 && !js[bool](t, ctx, `[...document.querySelectorAll("#bytes-record .b-head")].some(h => h.textContent.includes("TLS record: handshake"))`); i++ {
		where := js[string](t, ctx, `document.getElementById("bytes-where").textContent`)
		js[bool](t, ctx, `(() => { document.getElementById("bytes-next").click(); return true })()`)
		waitFor(t, ctx, "the next segment", `document.getElementById("bytes-where").textContent !== "`+where+`"`)
	}
	js[bool](t, ctx, `[...document.querySelectorAll("#bytes-record .b-leaf")].find(e => e.title === "host name").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}))`)
	waitFor(t, ctx, "the server name explained", `document.getElementById("bytes-explain").innerText.includes("host name = mail.pop3lab.example")`)
	if e := js[string](t, ctx, `document.getElementById("bytes-explain").innerText`); !strings.Contains(e, "extension server_name") || !strings.Contains(e, "RFC 6066 §3") {
		t.Fatalf("explanation:\n%s", e)
	}
	screenshot(t, ctx, "byte-view-client-hello")
}
