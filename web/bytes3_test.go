//go:build !js

package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pop3lab/sim/scenario"
	"pop3lab/wasm/view"
)

// TestLessonByteView: lesson 6's AUTH PLAIN button runs the lab to the
// Get mail and opens the byte view at the base64, decoded to the
// password; lesson 7's first button opens the ClientHello at the host
// name.
func TestLessonByteView(t *testing.T) {
	course := builtinCourse(t)
	ctx := newTab(t)
	open(t, ctx, "")
	openLesson(t, ctx, course[5])
	js[bool](t, ctx, `(() => { document.querySelector('#lesson button.open-bytes[data-byte-link="06-what-an-eavesdropper-sees-bytes-2"]').click(); return true })()`)
	waitFor(t, ctx, "the AUTH PLAIN line in the byte view", `document.activeElement.classList.contains("b-leaf") && document.activeElement.textContent === "AGFsaWNlAHdvbmRlcmxhbmQ="`)
	explain := js[string](t, ctx, `document.getElementById("bytes-explain").innerText`)
	for _, want := range []string{"command AUTH › initial response (base64)", `password "wonderland"`, "a credential, readable by anyone on the path"} {
		if !strings.Contains(explain, want) {
			t.Fatalf("explanation lacks %q:\n%s", want, explain)
		}
	}
	if got := js[string](t, ctx, `document.getElementById("lab-step").textContent`); !strings.HasPrefix(got, "Step 8 of 11") {
		t.Fatalf("the lab is at %q, want step 8 of 11", got)
	}
	if !js[bool](t, ctx, `document.getElementById("bytes-where").textContent.startsWith("connection 2 · segment ")`) {
		t.Fatalf("byte view at %q", js[string](t, ctx, `document.getElementById("bytes-where").textContent`))
	}
	// The button in view in the lesson pane, for the picture.
	js[bool](t, ctx, `(() => { document.querySelector('#lesson button.open-bytes[data-byte-link="06-what-an-eavesdropper-sees-bytes-2"]').scrollIntoView({block: "center"}); return true })()`)
	screenshot(t, ctx, "lesson-byte-view")

	openLesson(t, ctx, course[6])
	js[bool](t, ctx, `(() => { document.querySelector('#lesson button.open-bytes[data-byte-link="07-encrypting-retrieval-bytes-1"]').click(); return true })()`)
	waitFor(t, ctx, "the host name in the byte view", `document.activeElement.classList.contains("b-leaf") && document.activeElement.title === "host name"`)
	if e := js[string](t, ctx, `document.getElementById("bytes-explain").innerText`); !strings.Contains(e, "host name = mail.pop3lab.example") {
		t.Fatalf("explanation:\n%s", e)
	}
	alive(t, ctx, "after the lesson's byte view")
}

// TestImportedDiagram: the sniffing lab's capture, imported, is drawn in
// the sequence diagram, read-only and marked as imported; what crossed in
// the clear is the same arrows, in order, as the lab's own diagram in
// the page; an arrow opens its bytes; Back shows the simulation again.
func TestImportedDiagram(t *testing.T) {
	capture, sc := labCapture(t, "sniffing")
	lab, _ := scenario.LabByName("sniffing")
	file := filepath.Join(t.TempDir(), "lab.pcapng")
	os.WriteFile(file, capture, 0o644)
	frag, err := view.EncodeShare(view.Shared{Scenario: lab.Source, Step: len(sc.Steps)})
	if err != nil {
		t.Fatal(err)
	}

	ctx := newTab(t)
	open(t, ctx, "#"+frag)
	waitFor(t, ctx, "the lab at its end", `document.querySelectorAll("#sequence .arrow").length > 0`)
	labels := `(sel) => [...document.querySelectorAll(sel + " .arrow:not(.tls) .arrow-label")].map(l => l.textContent)`
	original := js[[]string](t, ctx, `(`+labels+`)("#sequence")`)
	insideTLS := js[[]string](t, ctx, `[...document.querySelectorAll("#sequence .arrow.tls .arrow-label")].map(l => l.textContent)`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#bytes-import"), []string{file})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the imported diagram", `!document.getElementById("sequence-imported").hidden && document.querySelectorAll("#sequence-imported .arrow").length > 0`)
	if !js[bool](t, ctx, `document.getElementById("sequence").hidden`) {
		t.Fatal("the simulation's diagram is still shown")
	}
	note := js[string](t, ctx, `document.getElementById("imported-note").textContent`)
	if !strings.HasPrefix(note, "Imported capture, read-only: 3 connections, ") {
		t.Fatalf("note %q", note)
	}
	imported := js[[]string](t, ctx, `(`+labels+`)("#sequence-imported")`)
	if strings.Join(imported, "\n") != strings.Join(original, "\n") {
		t.Fatalf("imported arrows in the clear:\n%s\nthe lab's:\n%s", strings.Join(imported, "\n"), strings.Join(original, "\n"))
	}
	// The file's key log opens what crossed inside TLS: the same
	// commands and responses as the lab's, each marked as read with it.
	decrypted := js[[]string](t, ctx, `[...document.querySelectorAll("#sequence-imported .arrow.decrypted .arrow-label")].map(l => l.textContent)`)
	if len(insideTLS) == 0 || strings.Join(decrypted, "\n") != strings.Join(insideTLS, "\n") {
		t.Fatalf("imported arrows read with the key log:\n%s\nthe lab's inside TLS:\n%s", strings.Join(decrypted, "\n"), strings.Join(insideTLS, "\n"))
	}
	if name := js[string](t, ctx, `document.querySelector("#sequence-imported .arrow.decrypted").getAttribute("aria-label")`); !strings.Contains(name, "inside TLS, read with the capture's key log") {
		t.Fatalf("accessible name of a decrypted arrow %q", name)
	}
	tls := js[[]string](t, ctx, `[...document.querySelectorAll("#sequence-imported .arrow.tls:not(.decrypted) .arrow-label")].map(l => l.textContent)`)
	if len(tls) == 0 || !strings.HasPrefix(tls[0], "🔒 TLS: client_hello · ") {
		t.Fatalf("TLS arrows %q", tls)
	}
	if name := js[string](t, ctx, `document.querySelector("#sequence-imported .arrow").getAttribute("aria-label")`); !strings.HasSuffix(name, ", in the imported capture. Show its bytes") {
		t.Fatalf("accessible name %q", name)
	}
	screenshot(t, ctx, "imported-diagram")
	// The PASS arrow opens its bytes in the byte view, as imported.
	js[bool](t, ctx, `(() => { [...document.querySelectorAll("#sequence-imported .arrow.c2s")].find(b => b.textContent === "PASS wonderland").click(); return true })()`)
	waitFor(t, ctx, "the imported PASS in the byte view", `document.getElementById("bytes-where").textContent.startsWith("imported capture, read-only · connection 1 · segment ")
		&& [...document.querySelectorAll("#bytes-record .b-leaf.secret")].some(l => l.textContent === "wonderland")`)
	js[bool](t, ctx, `(() => { document.getElementById("imported-back").click(); return true })()`)
	waitFor(t, ctx, "the simulation's diagram", `!document.getElementById("sequence").hidden && document.getElementById("sequence-imported").hidden`)
	if got := js[[]string](t, ctx, `(`+labels+`)("#sequence")`); strings.Join(got, "\n") != strings.Join(original, "\n") {
		t.Fatalf("after Back the diagram has:\n%s", strings.Join(got, "\n"))
	}
	alive(t, ctx, "after the imported diagram")
}

// TestCompareStaysResponsive: the side-by-side comparison runs its
// columns one at a time, piece by piece: the page's event loop turns
// between the pieces, the columns appear one by one, and Close stops the
// comparison, whose remaining pieces then do nothing.
func TestCompareStaysResponsive(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	// A timer counts the turns of the event loop; an observer records how
	// many columns were done each time the columns changed.
	js[bool](t, ctx, `(() => {
		window.ticks = 0; window.seen = [];
		const box = document.getElementById("compare-columns");
		new MutationObserver(() => window.seen.push(box.querySelectorAll(".compare-col:not(.pending)").length)).observe(box, {childList: true});
		document.getElementById("btn-compare").click();
		window.timer = setInterval(() => window.ticks++, 5);
		return true })()`)
	if _, err := pollPage[bool](ctx, `document.documentElement.dataset.compared !== undefined`, 2*time.Minute); err != nil {
		t.Fatalf("the comparison: %v%s", err, diagnose(ctx))
	}
	seen := js[[]int](t, ctx, `(clearInterval(window.timer), window.seen.filter((n, i, a) => a.indexOf(n) === i))`)
	if fmt.Sprint(seen) != "[0 1 2 3 4]" {
		t.Errorf("columns done as the pane changed: %v, want [0 1 2 3 4]", seen)
	}
	// Each column is at least three pieces (Get mail, a connection, the
	// findings), each after a pause of the queue.
	if ticks := js[int](t, ctx, `window.ticks`); ticks < 12 {
		t.Errorf("the event loop turned %d times during the comparison, want at least 12", ticks)
	}
	// Start again and close at once: the comparison stops.
	js[bool](t, ctx, `(() => { document.getElementById("btn-compare").click(); return true })()`)
	waitFor(t, ctx, "the first column running", `document.getElementById("compare-status").textContent.startsWith("Running Get mail 1 of 4")`)
	js[bool](t, ctx, `(() => { document.getElementById("compare-close").click(); return true })()`)
	waitFor(t, ctx, "the comparison stopped", `document.getElementById("compare-status").textContent.startsWith("Stopped after ")`)
	time.Sleep(3 * time.Second) // pieces already queued find it stopped
	if js[bool](t, ctx, `document.documentElement.dataset.compared !== undefined`) {
		t.Fatal("the stopped comparison finished")
	}
	if n := js[int](t, ctx, `document.querySelectorAll("#compare-columns .compare-col.pending").length`); n == 0 {
		t.Fatal("no column left pending after Close")
	}
	alive(t, ctx, "after stopping the comparison")
}
