//go:build !js

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"pop3lab/web"
)

// offlineReady waits until the loader reports an active service worker.
func offlineReady(t testing.TB, ctx context.Context) {
	t.Helper()
	got, err := pollPage[string](ctx, `document.documentElement.dataset.offline || ""`, readyTimeout)
	if err != nil {
		t.Fatalf("no service worker became active: %v%s", err, diagnose(ctx))
	}
	if got != "ready" {
		t.Fatalf("dataset.offline = %q%s", got, diagnose(ctx))
	}
}

// goOffline cuts the tab, and its service worker, off the network.
func goOffline(t testing.TB, ctx context.Context) {
	t.Helper()
	yes := true
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &yes,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestOfflineAfterOneVisit visits the site once under its sub-path, goes
// offline and loads it again: the page, the program and the course come
// from the service worker, whose scope is the sub-path, and so does the
// lesson renderer of the editor's preview. The web app manifest makes the
// page installable. It does so from pop3lab serve and from a plain static
// host, which sends index.html on to "./" (a redirect the worker must not
// keep: the browser refuses a redirected answer to a navigation).
func TestOfflineAfterOneVisit(t *testing.T) {
	dir := site(t).siteDir
	hosts := []struct {
		name    string
		handler http.Handler
	}{
		{"pop3lab serve", web.Handler(os.DirFS(dir))},
		{"static host", http.FileServer(http.Dir(dir))},
	}
	for _, h := range hosts {
		t.Run(h.name, func(t *testing.T) {
			srv, url := hostSite(t, h.handler)
			offlineAfterOneVisit(t, srv, url)
		})
	}
}

func offlineAfterOneVisit(t *testing.T, srv *httptest.Server, url string) {
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	offlineReady(t, ctx)
	scope, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.serviceWorker.ready.then(r => r.scope)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if scope != url {
		t.Errorf("service worker scope %s, want %s", scope, url)
	}
	errs, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs.InstallabilityErrors {
		// Every test tab is a browser context of its own, which Chromium
		// treats as incognito, where nothing installs.
		if e.ErrorID != "in-incognito" {
			t.Errorf("not installable: %s %v", e.ErrorID, e.ErrorArguments)
		}
	}

	// Offline: the server is gone, and the browser's network too.
	srv.Close()
	goOffline(t, ctx)
	// The network is really gone: a file the worker does not keep fails
	// (online, it would be a 404 answer).
	failed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`fetch("not-kept.txt").then(() => false, () => true)`, chromedp.EvalAwaitPromise))
	if err != nil || !failed {
		t.Fatalf("a file the worker does not keep is still answered offline (%v)", err)
	}
	before := len(responses(ctx))
	for _, path := range []string{"", "lessons/"} {
		t.Run("offline "+path, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(url+path)); err != nil {
				t.Fatalf("navigating offline: %v%s", err, diagnose(ctx))
			}
			if path == "" {
				waitReady(t, ctx)
				if _, err := pollPage[bool](ctx, `document.querySelectorAll("#lesson-select option").length > 1`, readyTimeout); err != nil {
					t.Errorf("the course did not render offline: %v%s", err, diagnose(ctx))
				}
				// The editor's preview too: the worker keeps the lesson
				// renderer, author.wasm, which this visit never loaded.
				js[bool](t, ctx, `(() => { document.getElementById("editor").open = true; document.getElementById("editor-preview").click(); return true; })()`)
				if _, err := pollPage[bool](ctx, `document.getElementById("editor-errors").textContent === "Shown in the lesson pane."`, readyTimeout); err != nil {
					t.Errorf("the lesson preview did not work offline: %v%s", err, diagnose(ctx))
				}
				// And TLS: the worker keeps the TLS layer, tls.wasm.
				typeCommand(t, ctx, "STLS")
				typeCommand(t, ctx, "CAPA")
				if text := terminalText(t, ctx); !strings.Contains(text, tlsUpgraded) {
					t.Errorf("STLS offline:\n%s", text)
				}
				return
			}
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil || title == "" {
				t.Errorf("lessons/ offline: title %q, %v", title, err)
			}
		})
	}
	for _, r := range responses(ctx)[before:] {
		if strings.HasPrefix(r.URL, "data:") {
			continue
		}
		if !r.FromServiceWorker {
			t.Errorf("%s did not come from the service worker", r.URL)
		}
		if r.Status != 200 {
			t.Errorf("%s: %d offline", r.URL, r.Status)
		}
	}
}

// TestUpdateWhenBuildChanges publishes a new build over a site that a tab
// has visited: at the next visit the page says that a new version is
// ready, and its reload button brings the new build in.
func TestUpdateWhenBuildChanges(t *testing.T) {
	dir := t.TempDir()
	copySite(t, site(t).siteDir, dir)
	_, url := ownSite(t, dir)

	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	offlineReady(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("update-notice").hidden`)); err != nil || shown {
		t.Fatalf("update notice shown (%v, %v) with no new build", shown, err)
	}

	publishBuild(t, dir, "feedfacefeedface", `<meta name="pop3lab-test" content="second build">`)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	if _, err := pollPage[bool](ctx, `!document.getElementById("update-notice").hidden`, readyTimeout); err != nil {
		t.Fatalf("no update notice after a new build: %v%s", err, diagnose(ctx))
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("update-notice").textContent`))
	if err != nil || text != "A new version is ready — reload" {
		t.Errorf("update notice %q (%v)", text, err)
	}
	screenshot(t, ctx, "update-notice")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("update-reload"))); err != nil {
		t.Fatal(err)
	}
	got, err := pollPage[string](ctx, `document.documentElement.dataset.ready === "true" &&
		(document.querySelector('meta[name="pop3lab-test"]') || {}).content`, readyTimeout)
	if err != nil || got != "second build" {
		t.Fatalf("after reload: %q, %v%s", got, err, diagnose(ctx))
	}
	if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("update-notice").hidden`)); err != nil || shown {
		t.Errorf("update notice still shown (%v, %v) on the new build", shown, err)
	}
}

// ownSite serves the site in dir with web.Handler under sitePrefix on a
// server of its own (another origin than the shared server's, so that its
// service worker and caches are its own), and returns the server and the
// site's URL.
func ownSite(t *testing.T, dir string) (*httptest.Server, string) {
	t.Helper()
	return hostSite(t, web.Handler(os.DirFS(dir)))
}

// hostSite serves a site with handler under the test sub-path on a server
// of its own, and returns the server and the site's URL.
func hostSite(t *testing.T, handler http.Handler) (*httptest.Server, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(sitePrefix, http.StripPrefix(strings.TrimSuffix(sitePrefix, "/"), handler))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, srv.URL + sitePrefix
}

// copySite copies a built site, linking its large program files.
func copySite(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if strings.HasPrefix(d.Name(), "app.wasm") || strings.HasPrefix(d.Name(), "author.wasm") {
			return os.Symlink(p, dst)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// buildLine is the line of a built sw.js that names its build.
var buildLine = regexp.MustCompile(`(?m)^const build = "[0-9a-z]+";$`)

// publishBuild changes the site in dir as a new `pop3lab build` would: a
// new page (with extra head markup), its build hash in app.json and in
// sw.js.
func publishBuild(t *testing.T, dir, build, head string) {
	t.Helper()
	index := filepath.Join(dir, "index.html")
	page, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	page = bytes.Replace(page, []byte("</head>"), []byte(head+"\n</head>"), 1)
	writeLater(t, index, page)

	var manifest map[string]any
	readJSON(t, filepath.Join(dir, "app.json"), &manifest)
	manifest["build"] = build
	b, err := json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	writeLater(t, filepath.Join(dir, "app.json"), b)

	swFile := filepath.Join(dir, web.ServiceWorker)
	sw, err := os.ReadFile(swFile)
	if err != nil {
		t.Fatal(err)
	}
	if !buildLine.Match(sw) {
		t.Fatalf("%s has no build line", swFile)
	}
	writeLater(t, swFile, buildLine.ReplaceAll(sw, []byte(`const build = "`+build+`";`)))
}

// writeLater writes a file with a modification time after its old one, so
// that revalidation (If-Modified-Since, one-second resolution) sees the
// change.
func writeLater(t *testing.T, file string, data []byte) {
	t.Helper()
	info, err := os.Stat(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if info != nil {
		later := info.ModTime().Add(2 * time.Second)
		if err := os.Chtimes(file, later, later); err != nil {
			t.Fatal(err)
		}
	}
}
