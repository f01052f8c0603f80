//go:build !js

package web_test

import (
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"pop3lab/web"
)

// tlsUpgraded is the terminal after STLS and CAPA: the handshake agreed
// TLS 1.3 with ChaCha20-Poly1305 (crypto/tls prefers it where it finds no
// AES hardware, as under WebAssembly).
const tlsUpgraded = "C: STLS\nS: +OK Begin TLS negotiation now.\n-- TLS 1.3 TLS_CHACHA20_POLY1305_SHA256\nC: CAPA\nS: +OK Capability list follows\n"

// TestTLSLayerComesAfterTheTerminal: the page takes input before it
// downloads its TLS layer (tls.wasm), loads the layer once it is usable,
// and a typed STLS then runs a real handshake through it: the login
// crosses the wire inside TLS records, and the server reports the
// version and suite that crypto/tls agreed.
func TestTLSLayerComesAfterTheTerminal(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	waitFor(t, ctx, "the TLS layer's download", `performance.getEntriesByType("resource").some(e => /\/tls\.wasm/.test(e.name))`)
	if early := js[bool](t, ctx, `(() => {
		const ready = performance.getEntriesByName("pop3lab-main-ready")[0].startTime;
		return performance.getEntriesByType("resource").some(e => /\/tls\.wasm/.test(e.name) && e.startTime < ready);
	})()`); early {
		t.Error("the page downloaded tls.wasm before the terminal took input")
	}
	for _, line := range []string{"STLS", "CAPA", "USER alice", "PASS wonderland", "RETR 1", "QUIT"} {
		typeCommand(t, ctx, line)
	}
	text := terminalText(t, ctx)
	for _, want := range []string{tlsUpgraded, "S: +OK Logging out"} {
		if !strings.Contains(text, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, text)
		}
	}
	wire := js[string](t, ctx, `[...document.querySelectorAll("#wire-log li")].map(li => li.textContent).join("\n")`)
	if strings.Contains(wire, "wonderland") || !strings.Contains(wire, "TLS application_data") || !strings.Contains(wire, "TLS handshake") {
		t.Errorf("what the eavesdropper saw:\n%s", wire)
	}
	if got := js[string](t, ctx, `document.documentElement.dataset.recovered || ""`); got != "" {
		t.Errorf("%s panics recovered", got)
	}
	screenshot(t, ctx, "tls-layer-stls")
}

// TestTLSLayerThatCannotLoad: when tls.wasm cannot be downloaded, STLS
// fails with a sentence that says why, and the page goes on.
func TestTLSLayerThatCannotLoad(t *testing.T) {
	ctx := newTab(t)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*tls.wasm*", Block: true}},
	}); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, "")
	typeCommand(t, ctx, "STLS")
	waitFor(t, ctx, "the failed handshake", `document.querySelector('[role="log"]').innerText.includes("TLS is not available")`)
	typeCommand(t, ctx, "USER alice")
	text := terminalText(t, ctx)
	for _, want := range []string{
		"S: +OK Begin TLS negotiation now.\n-- TLS handshake failed: TLS is not available: the download of tls.wasm",
		"-- connection 1 closed by the server: TLS handshake failed\n!! pop3 client: TLS handshake after STLS: TLS is not available: ",
		// The next command opens a new connection, in plaintext.
		"-- connection 2 (terminal): 192.0.2.10:49153 → 192.0.2.25:110\n",
		"C: USER alice\nS: +OK Send your password.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, text)
		}
	}
	if got := js[string](t, ctx, `document.documentElement.dataset.recovered || ""`); got != "" {
		t.Errorf("%s panics recovered", got)
	}
	screenshot(t, ctx, "tls-layer-missing")
}

// TestTLSLayerDownloadsOnce: a first visit downloads the TLS layer once.
// The page waits for the service worker's install, which fetches
// tls.wasm's gzip copy for offline use, and then starts the layer from
// the worker's cache rather than downloading the program a second time.
func TestTLSLayerDownloadsOnce(t *testing.T) {
	var mu sync.Mutex
	var downloads []string
	files := web.Handler(os.DirFS(site(t).siteDir))
	_, url := hostSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/author.wasm.gz") {
			// Only the worker's install asks for it: a slow network
			// makes the install last past the page's start.
			time.Sleep(2 * time.Second)
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		files.ServeHTTP(rec, r)
		if strings.Contains(r.URL.Path, "tls.wasm") && rec.status == http.StatusOK {
			mu.Lock()
			downloads = append(downloads, r.URL.Path+" "+r.Header.Get("Accept-Encoding"))
			mu.Unlock()
		}
	}))
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	offlineReady(t, ctx)
	waitFor(t, ctx, "the TLS layer", `performance.getEntriesByType("resource").some(e => /\/tls\.wasm/.test(e.name))`)
	typeCommand(t, ctx, "STLS")
	typeCommand(t, ctx, "CAPA")
	if text := terminalText(t, ctx); !strings.Contains(text, tlsUpgraded) {
		t.Errorf("STLS:\n%s", text)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(downloads) != 1 || !strings.HasSuffix(strings.Fields(downloads[0])[0], "/tls.wasm.gz") {
		t.Errorf("the server sent the TLS layer %d times, want once (its gzip copy, for the worker): %q", len(downloads), downloads)
	}
}

// statusRecorder keeps the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
