//go:build !js

package web_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// TestByteView opens the PASS arrow's bytes in the byte view, hovers the
// password, walks the spans with the keyboard and turns the annotations
// off and on.
func TestByteView(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	typeCommand(t, ctx, "PASS wonderland")
	js[bool](t, ctx, `[...document.querySelectorAll("#sequence .arrow.c2s")].find(g => g.textContent.includes("PASS")).dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
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
	js[bool](t, ctx, `[...document.querySelectorAll("#sequence .arrow.c2s")].find(g => g.textContent.includes("STLS")).dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
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

// labCapture runs a built-in lab to its end, natively, and returns its
// pcapng export and its parsed scenario.
func labCapture(t *testing.T, name string) ([]byte, *scenario.Scenario) {
	t.Helper()
	lab, ok := scenario.LabByName(name)
	if !ok {
		t.Fatalf("no lab %q", name)
	}
	sc, err := scenario.Parse(lab.Source)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Run(sc, sim.Options{}, nil)
	if s == nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if err := s.WritePcapng(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sc
}

// TestByteViewImport opens a pcapng the simulator wrote, as a learner
// opens a capture: its three connections are listed and annotated,
// read-only. A damaged file then gets one sentence and the view keeps
// what it showed.
func TestByteViewImport(t *testing.T) {
	capture, _ := labCapture(t, "sniffing")
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "lab.pcapng"), filepath.Join(dir, "damaged.pcapng")
	os.WriteFile(good, capture, 0o644)
	os.WriteFile(bad, capture[:len(capture)-7], 0o644)

	ctx := newTab(t)
	open(t, ctx, "")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#bytes-import"), []string{good})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the imported capture", `document.getElementById("bytes-where").textContent.startsWith("imported capture, read-only · connection 1")`)
	conns := js[[]string](t, ctx, `[...document.querySelectorAll("#bytes-conn option")].map(o => o.textContent)`)
	if got := strings.Join(conns, "\n"); got != "192.0.2.10:49152 → 192.0.2.25:110\n192.0.2.10:49153 → 192.0.2.25:110\n192.0.2.10:49154 → 192.0.2.25:995" {
		t.Fatalf("connections:\n%s", got)
	}
	if head := js[string](t, ctx, `document.querySelector("#bytes-record .b-head").textContent`); !strings.Contains(head, "greeting") {
		t.Fatalf("first record %q", head)
	}
	// The third connection starts with its ClientHello.
	js[bool](t, ctx, `(() => { const s = document.getElementById("bytes-conn"); s.value = "3"; s.dispatchEvent(new Event("change")); return true })()`)
	waitFor(t, ctx, "the port 995 connection", `document.querySelector("#bytes-record .b-head").textContent.includes("TLS record: handshake")`)
	screenshot(t, ctx, "byte-view-import")
	// A damaged file: one sentence, the view unchanged.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#bytes-import"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the error", `document.getElementById("bytes-error").textContent !== ""`)
	if e := js[string](t, ctx, `document.getElementById("bytes-error").textContent`); !strings.HasPrefix(e, "This file cannot be shown: damaged pcapng: the block at offset ") || strings.Count(e, ".") < 1 {
		t.Fatalf("error %q", e)
	}
	if head := js[string](t, ctx, `document.querySelector("#bytes-record .b-head").textContent`); !strings.Contains(head, "TLS record: handshake") {
		t.Fatalf("the view changed: %q", head)
	}
}

// TestByteViewKeysStayInside: in a lab, the arrow keys that step the
// player move the byte view's cursor instead while it has the focus.
func TestByteViewKeysStayInside(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="sniffing"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("narration").hidden`)
	for i := 0; i < 6 && js[int](t, ctx, `document.querySelectorAll("#sequence .arrow").length`) == 0; i++ {
		step := js[string](t, ctx, `document.documentElement.dataset.step`)
		chromedp.Do(ctx, chromedp.KeyEvent("n"))
		waitFor(t, ctx, "a step", `document.documentElement.dataset.step !== "`+step+`"`)
	}
	js[bool](t, ctx, `document.querySelector("#sequence .arrow").dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
	waitFor(t, ctx, "the byte view", `document.querySelector("#bytes-record .b-leaf") !== null`)
	step := js[string](t, ctx, `document.documentElement.dataset.step`)
	js[bool](t, ctx, `(() => { document.querySelector('#bytes-record .b-leaf[data-leaf="0"]').focus(); return true })()`)
	for _, k := range []string{kb.ArrowRight, kb.PageDown, kb.ArrowLeft} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, ctx, "the cursor back on the first span", `document.activeElement.dataset.leaf === "0" && document.getElementById("bytes-explain").innerText.includes("status indicator")`)
	if now := js[string](t, ctx, `document.documentElement.dataset.step`); now != step {
		t.Fatalf("the player stepped from %s to %s", step, now)
	}
}
