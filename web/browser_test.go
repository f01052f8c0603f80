//go:build !js

package web_test

// The browser harness: the built site, served on loopback under a sub-path,
// and one headless Chromium driven by chromedp. Tests of the app use
//
//	ctx := newTab(t)             // a fresh tab with its own storage
//	open(t, ctx, "")             // the page, waiting until the app is ready
//	screenshot(t, ctx, "name")   // a PNG into the artifacts directory
//
// The site and the browser are made on first use, once per test binary (so
// the handler's unit tests in this package need neither), and TestMain
// stops them. A site built from the module's sources is kept in the user's
// cache directory (pop3lab/test-site), keyed by a hash of those sources and
// the toolchain, so a run with unchanged sources does not build it again
// (minutes: brotli of the program). Environment:
//
//	POP3LAB_SITE=DIR        serve DIR (made by `pop3lab build`; relative to the module root) instead of building a site
//	POP3LAB_ARTIFACTS=DIR   where screenshots go (default: $TMPDIR/pop3lab-artifacts)
//	POP3LAB_CHROMIUM=PATH   the browser (default: chromium, chromium-browser or google-chrome on PATH)

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"pop3lab/web"
)

// sitePrefix is the sub-path the site is served under: a course page in an
// LMS folder, say. Nothing is served at the host's root, so an absolute URL
// in the page fails.
const sitePrefix = "/course/pop3lab/"

const (
	readyTimeout = 20 * time.Second // open: navigation to dataset.ready
	tabTimeout   = 5 * time.Minute  // every action of one tab
)

// harness is the site and the browser that all browser tests share.
type harness struct {
	tmp       string
	siteDir   string
	server    *httptest.Server
	artifacts string

	cancelAlloc   context.CancelFunc
	cancelBrowser context.CancelFunc
	browser       context.Context // the first tab; parent of every test's tab
}

var (
	harnessOnce sync.Once
	shared      *harness
	harnessErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close()
	}
	os.Exit(code)
}

// site returns the shared harness, building the site and starting the
// browser on first use. A missing browser fails the test: `make test`
// installs Chromium, and CI must not pass without the browser tests.
func site(t testing.TB) *harness {
	t.Helper()
	harnessOnce.Do(func() { shared, harnessErr = startHarness() })
	if harnessErr != nil {
		t.Fatalf("browser test harness: %v", harnessErr)
	}
	return shared
}

// siteURL returns the URL of path (relative to the site's root, "" for the
// page itself) under the sub-path the site is served at.
func siteURL(t testing.TB, path string) string {
	return site(t).server.URL + sitePrefix + strings.TrimPrefix(path, "/")
}

// newTab opens a tab in a browser context of its own (fresh storage:
// IndexedDB, cookies, cache) that records its console and network responses.
// The tab closes when the test ends; its context times out after tabTimeout.
func newTab(t testing.TB) context.Context {
	t.Helper()
	h := site(t)
	rec := &tabRecord{}
	ctx, cancel := chromedp.NewContext(h.browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.listen))
	t.Cleanup(cancel)
	// The first action creates the tab: give it no deadline of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, tabTimeout)
	t.Cleanup(tcancel)
	return context.WithValue(tctx, tabRecordKey{}, rec)
}

// open navigates the tab to path under the site and waits until the app
// says it is interactive (document.documentElement.dataset.ready ===
// "true"). On a load error, or after readyTimeout, it fails the test with
// the page's load error, its status line and its console.
func open(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	url := siteURL(t, path)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigating to %s: %v%s", url, err, diagnose(ctx))
	}
	waitReady(t, ctx)
}

// waitReady waits until the page in the tab is ready and settled,
// failing the test as open does.
func waitReady(t testing.TB, ctx context.Context) {
	t.Helper()
	waitInteractive(t, ctx)
	// The course comes after the first paint (TestNothingMovesAfterReady
	// checks that its arrival moves nothing): tests that read or use it
	// wait until the page is settled.
	if _, err := pollPage[bool](ctx, `document.documentElement.dataset.settled === "true"`, readyTimeout); err != nil {
		t.Fatalf("the page did not settle after it was ready: %v%s", err, diagnose(ctx))
	}
}

// waitInteractive waits until the page takes input (dataset.ready), the
// moment the download budget counts to.
func waitInteractive(t testing.TB, ctx context.Context) {
	t.Helper()
	got, err := pollPage[string](ctx, readyOrError, readyTimeout)
	switch {
	case errors.Is(err, chromedp.ErrPollingTimeout):
		t.Fatalf("the app was not ready after %s%s", readyTimeout, diagnose(ctx))
	case err != nil:
		t.Fatalf("waiting for the app: %v%s", err, diagnose(ctx))
	case got != "ready":
		t.Fatalf("the app did not start: %s%s", got, diagnose(ctx))
	}
}

// pollPage waits until the JavaScript expression is truthy in the tab's
// page, re-checking on every DOM change, and returns its value. When the
// page's execution context goes away under the poll (a navigation that is
// still settling: chromedp can poll the previous document's context just
// after Navigate returns), it polls again in the new one until timeout.
func pollPage[T any](ctx context.Context, expression string, timeout time.Duration) (T, error) {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			var zero T
			return zero, chromedp.ErrPollingTimeout
		}
		v, err := chromedp.Run(ctx, chromedp.Poll[T](expression,
			chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(left)))
		if err == nil || !contextLost(err) {
			return v, err
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(20*time.Millisecond)); err != nil {
			return v, err
		}
	}
}

// contextLost reports an error of a call into a JavaScript context that the
// page no longer has.
func contextLost(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// readyOrError is truthy when the app is ready or the loader gave up.
const readyOrError = `(() => {
	const d = document.documentElement.dataset;
	if (d.ready === "true") return "ready";
	if (d.loadError) return "dataset.loadError = " + JSON.stringify(d.loadError);
	return "";
})()`

// screenshot saves the whole page as NAME.png in the artifacts directory and
// logs its path.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(site(t).artifacts, safeName.ReplaceAllString(name, "_")+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// consoleLines returns what the tab's console showed so far: console API
// calls, uncaught exceptions and browser log entries (failed loads, CSP
// violations), one line each.
func consoleLines(ctx context.Context) []string {
	rec := recordOf(ctx)
	if rec == nil {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.console...)
}

// responses returns the HTTP responses the tab received so far, in order.
func responses(ctx context.Context) []*network.Response {
	rec := recordOf(ctx)
	if rec == nil {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]*network.Response(nil), rec.responses...)
}

// diagnose describes the page's loading state for a failure message.
func diagnose(ctx context.Context) string {
	var b strings.Builder
	// A context that timed out cannot ask the page any more: ask with a
	// short deadline of its own, from a context that still lives.
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	state, err := chromedp.Run(qctx, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		ready: document.documentElement.dataset.ready,
		loadError: document.documentElement.dataset.loadError,
		status: (document.getElementById("load-status") || {}).textContent,
	})`))
	if err != nil {
		state = "(page state unreadable: " + err.Error() + ")"
	}
	fmt.Fprintf(&b, "\npage: %s", state)
	lines := consoleLines(ctx)
	if len(lines) == 0 {
		b.WriteString("\nconsole: (nothing)")
	}
	for _, l := range lines {
		b.WriteString("\nconsole: " + l)
	}
	return b.String()
}

// tabRecord keeps a tab's console and responses, filled by a chromedp
// listener that runs in the tab's event loop.
type tabRecord struct {
	mu        sync.Mutex
	console   []string
	responses []*network.Response
}

type tabRecordKey struct{}

func recordOf(ctx context.Context) *tabRecord {
	rec, _ := ctx.Value(tabRecordKey{}).(*tabRecord)
	return rec
}

func (r *tabRecord) listen(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			switch {
			case a.Type == runtime.RemoteObjectTypeString:
				args = append(args, strings.Trim(string(a.Value), `"`))
			case len(a.Value) > 0:
				args = append(args, string(a.Value))
			default:
				args = append(args, a.Description)
			}
		}
		line = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = "exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			line += " " + d.Exception.Description
		}
		if d.URL != "" {
			line += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		line = fmt.Sprintf("log %s: %s", ev.Entry.Level, ev.Entry.Text)
		if ev.Entry.URL != "" {
			line += " (" + ev.Entry.URL + ")"
		}
	case *network.EventResponseReceived:
		r.mu.Lock()
		r.responses = append(r.responses, ev.Response)
		r.mu.Unlock()
		return
	default:
		return
	}
	r.mu.Lock()
	r.console = append(r.console, line)
	r.mu.Unlock()
}

// startHarness builds the site, serves it and starts the browser.
func startHarness() (_ *harness, err error) {
	h := &harness{}
	defer func() {
		if err != nil {
			h.close()
		}
	}()
	chromium, err := findChromium()
	if err != nil {
		return nil, err
	}
	if h.tmp, err = os.MkdirTemp("", "pop3lab-browser-test-"); err != nil {
		return nil, err
	}
	h.artifacts = os.Getenv("POP3LAB_ARTIFACTS")
	if h.artifacts == "" {
		h.artifacts = filepath.Join(os.TempDir(), "pop3lab-artifacts")
	}
	if err := os.MkdirAll(h.artifacts, 0o755); err != nil {
		return nil, err
	}
	if h.siteDir, err = buildTestSite(h.tmp); err != nil {
		return nil, err
	}
	h.server = httptest.NewServer(testHosts(h.siteDir))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(filepath.Join(h.tmp, "profile")),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	h.cancelAlloc = cancelAlloc
	// The first Do starts the browser and binds its life to this context:
	// no timeout here (per-test timeouts derive from it), but do not wait
	// for ever on a browser that hangs at start.
	h.browser, h.cancelBrowser = chromedp.NewContext(allocCtx)
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(h.browser) }()
	select {
	case err := <-started:
		if err != nil {
			return nil, fmt.Errorf("starting %s: %w", chromium, err)
		}
	case <-time.After(time.Minute):
		return nil, fmt.Errorf("%s did not start within a minute", chromium)
	}
	fmt.Fprintf(os.Stderr, "browser tests: %s serving %s under %s; screenshots in %s\n",
		chromium, h.siteDir, h.server.URL+sitePrefix, h.artifacts)
	return h, nil
}

func (h *harness) close() {
	if h.cancelBrowser != nil {
		h.cancelBrowser()
	}
	if h.cancelAlloc != nil {
		h.cancelAlloc()
	}
	if h.server != nil {
		h.server.Close()
	}
	if h.tmp != "" {
		os.RemoveAll(h.tmp)
	}
}

// findChromium finds the browser to drive.
func findChromium() (string, error) {
	if p := os.Getenv("POP3LAB_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium on PATH (looked for chromium, chromium-browser, google-chrome): " +
		"make test installs chromium (scripts/install-deps.sh); the browser tests never skip")
}

// buildTestSite returns $POP3LAB_SITE, or a site built from the module's
// sources by `pop3lab build`, the way `make build` does. The build takes
// minutes (brotli of the program at its best quality), so a built site is
// kept in the user's cache directory under a key of everything it is made
// of: the toolchain and every file of the module. A run with the same
// sources serves the same bytes without building them again; any change
// of a source file makes a new key and a new build.
func buildTestSite(tmp string) (string, error) {
	if dir := os.Getenv("POP3LAB_SITE"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir) // relative to the module root, not to web/
		}
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			return "", fmt.Errorf("POP3LAB_SITE: %w", err)
		}
		return filepath.Abs(dir)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building the site needs the go command: %w", err)
	}
	gomod, err := exec.Command(goBin, "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not in the pop3lab module (%v)", err)
	}
	modRoot := filepath.Dir(strings.TrimSpace(string(gomod)))
	key, err := siteKey(goBin, modRoot)
	if err != nil {
		return "", fmt.Errorf("hashing the site's sources: %w", err)
	}
	cacheRoot := siteCacheDir()
	siteDir := filepath.Join(cacheRoot, key)
	if _, err := os.Stat(filepath.Join(siteDir, "index.html")); err == nil {
		now := time.Now()
		os.Chtimes(siteDir, now, now) // in use: see pruneSites
		fmt.Fprintf(os.Stderr, "browser tests: the site of these sources is built already (%s)\n", siteDir)
		return siteDir, nil
	}
	start := time.Now()
	built := filepath.Join(tmp, "site")
	bin := filepath.Join(tmp, "pop3lab")
	steps := [][]string{
		{goBin, "build", "-o", bin, "./cmd/pop3lab"},
		{bin, "build", "-o", built},
	}
	for _, args := range steps {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = modRoot
		// The host's platform: the test may run with GOOS/GOARCH set for
		// another (the site build sets js/wasm itself).
		cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	fmt.Fprintf(os.Stderr, "browser tests: built the site in %s\n", time.Since(start).Round(time.Second))
	// A cache that cannot be written costs the next run a build, nothing
	// more: serve the site from tmp.
	if err := os.MkdirAll(cacheRoot, 0o755); err != nil {
		return built, nil
	}
	pruneSites(cacheRoot)
	if err := os.Rename(built, siteDir); err != nil {
		return built, nil
	}
	return siteDir, nil
}

// pruneSites removes the built sites that no run used for a day: sources
// that changed since. A site used more recently may be another checkout's,
// served by a test run at this moment.
func pruneSites(cacheRoot string) {
	entries, err := os.ReadDir(cacheRoot)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.RemoveAll(filepath.Join(cacheRoot, e.Name()))
		}
	}
}

// siteCacheDir is where built sites are kept between runs.
func siteCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "pop3lab", "test-site")
}

// siteKey hashes what the site is built from: the Go toolchain and its
// settings (wasm_exec.js comes from GOROOT), and the path and bytes of
// every file of the module but tests, the version control's, the build
// outputs and installed npm packages (see .gitignore).
func siteKey(goBin, modRoot string) (string, error) {
	env, err := exec.Command(goBin, "env", "GOVERSION", "GOROOT", "GOFLAGS", "GOEXPERIMENT", "GOWASM", "CGO_ENABLED").Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	sum := sha256.New()
	sum.Write(env)
	skipDirs := map[string]bool{".git": true, "dist": true, "bin": true, ".scratch": true, "node_modules": true}
	err = filepath.WalkDir(modRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != modRoot && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		// Tests are not part of the site: a change to a test keeps its key.
		if !d.Type().IsRegular() || strings.HasSuffix(d.Name(), ".test") || strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(modRoot, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(sum, "%q %d\n", filepath.ToSlash(rel), len(b))
		sum.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil))[:32], nil
}

// testHosts serves the site as web.Handler does (under sitePrefix) and as
// other static hosts do, each under its own prefix, for the loader's tests.
func testHosts(siteDir string) http.Handler {
	mux := http.NewServeMux()
	files := http.FileServer(http.Dir(siteDir))
	mount := func(prefix string, h http.Handler) {
		mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), h))
	}
	mount(sitePrefix, web.Handler(os.DirFS(siteDir)))
	// web.Handler for a browser that does not accept brotli.
	mount("/nobr/pop3lab/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Accept-Encoding", "gzip, deflate")
		web.Handler(os.DirFS(siteDir)).ServeHTTP(w, r)
	}))
	for _, host := range loaderHosts {
		mount(host.prefix, host.wrap(files))
	}
	return mux
}

// courseGate holds back the course of the /slowcourse/ host until a
// test closes it.
var courseGate = make(chan struct{})

// loaderHosts are static hosts that behave differently from web.Handler,
// each at its own prefix.
var loaderHosts = []struct {
	prefix string
	wrap   func(files http.Handler) http.Handler
}{
	// Compresses nothing and sends app.wasm.gz as a gzip file: the loader
	// inflates it with DecompressionStream.
	{"/plain/pop3lab/", func(files http.Handler) http.Handler { return files }},
	// Labels *.gz with Content-Encoding: gzip, as some hosts do: the browser
	// inflates app.wasm.gz before the loader sees it.
	{"/gzlabel/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".gz") {
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Content-Type", "application/wasm")
			}
			files.ServeHTTP(w, r)
		})
	}},
	// Has no app.json and sends no Content-Length: the loader fetches
	// app.wasm with no known total.
	{"/chunked/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/app.json") {
				http.NotFound(w, r)
				return
			}
			files.ServeHTTP(noLength{w}, r)
		})
	}},
	// Answers 500 for the program.
	{"/broken/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/app.wasm") {
				http.Error(w, "disk on fire", http.StatusInternalServerError)
				return
			}
			files.ServeHTTP(w, r)
		})
	}},
	// Drops the connection when asked for the program.
	{"/dropped/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/app.wasm") {
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
			files.ServeHTTP(w, r)
		})
	}},
	// Lost wasm_exec.js.
	{"/noexec/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/wasm_exec.js") {
				http.NotFound(w, r)
				return
			}
			files.ServeHTTP(w, r)
		})
	}},
	// Sends only the first half of the gzip copy, as a cut upload would be:
	// the copy fails to inflate while the program compiles.
	{"/truncated/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/app.wasm.gz") {
				files.ServeHTTP(&halfBody{ResponseWriter: w}, r)
				return
			}
			files.ServeHTTP(w, r)
		})
	}},
	// Has lost the course document, and fails the lesson renderer: the
	// app works without either.
	{"/nocourse/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/lessons/course.json"):
				http.NotFound(w, r)
			case strings.Contains(r.URL.Path, "/author.wasm"):
				http.Error(w, "disk on fire", http.StatusInternalServerError)
			default:
				files.ServeHTTP(w, r)
			}
		})
	}},
	// Holds the course document back until courseGate is closed (30 s at
	// most): a school network where the course takes its time.
	{"/slowcourse/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/lessons/course.json") {
				select {
				case <-courseGate:
				case <-time.After(30 * time.Second):
				case <-r.Context().Done():
					return
				}
			}
			files.ServeHTTP(w, r)
		})
	}},
	// Serves a course document of a version this app does not read.
	{"/oldcourse/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/lessons/course.json") {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"version":2,"lessons":[]}`)
				return
			}
			files.ServeHTTP(w, r)
		})
	}},
	// A single-page-app host: every missing file is the page, with 200. The
	// site was uploaded without its program.
	{"/spa/pop3lab/", func(files http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch path := r.URL.Path; {
			case strings.Contains(path, "/app."):
				r = r.Clone(r.Context())
				r.URL.Path = "/"
			}
			files.ServeHTTP(w, r)
		})
	}},
}

// halfBody passes on the first half of a response whose Content-Length
// it knows, and drops the length, so the body simply ends early.
type halfBody struct {
	http.ResponseWriter
	left int64
}

func (w *halfBody) WriteHeader(code int) {
	n, _ := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64)
	w.left = n / 2
	w.Header().Del("Content-Length")
	w.ResponseWriter.WriteHeader(code)
}

func (w *halfBody) Write(b []byte) (int, error) {
	if w.left <= 0 {
		return len(b), nil
	}
	n := int64(len(b))
	if n > w.left {
		n = w.left
	}
	w.left -= n
	if _, err := w.ResponseWriter.Write(b[:n]); err != nil {
		return 0, err
	}
	return len(b), nil
}

// noLength drops Content-Length, so the response is chunked.
type noLength struct{ http.ResponseWriter }

func (w noLength) WriteHeader(code int) {
	w.Header().Del("Content-Length")
	w.ResponseWriter.WriteHeader(code)
}

func (w noLength) Write(b []byte) (int, error) {
	w.Header().Del("Content-Length")
	return w.ResponseWriter.Write(b)
}

// addInitScript runs source in every document the tab loads, before the
// page's own scripts.
func addInitScript(t testing.TB, ctx context.Context, source string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: source}); err != nil {
		t.Fatalf("init script: %v", err)
	}
}

// TestPageLoadsUnderSubPath loads the built page from a sub-path and waits
// until the app is ready: every URL the page uses is relative.
func TestPageLoadsUnderSubPath(t *testing.T) {
	h := site(t)
	base := h.server.URL + sitePrefix
	tests := []struct {
		name string
		url  string
	}{
		{"page", base},
		{"index.html by name", base + "index.html"},
		// web.Handler redirects the directory to its slash form, relatively.
		{"sub-path without its slash", strings.TrimSuffix(base, "/")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(tt.url)); err != nil {
				t.Fatal(err)
			}
			waitReady(t, ctx)
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(loc, base) {
				t.Errorf("the page is at %s, want it under %s", loc, base)
			}
			for _, r := range responses(ctx) {
				if strings.HasPrefix(r.URL, "data:") {
					continue
				}
				if !strings.HasPrefix(r.URL, base) {
					t.Errorf("the page fetched %s, outside the site %s (an absolute URL?)", r.URL, base)
				}
				if r.Status >= 400 {
					t.Errorf("%s: %d %s", r.URL, r.Status, r.StatusText)
				}
			}
			loading, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("loading").hidden`))
			if err != nil || !loading {
				t.Errorf("#loading still shows when the app is ready (hidden = %v, %v)", loading, err)
			}
			for _, l := range consoleLines(ctx) {
				if strings.HasPrefix(l, "exception") || strings.HasPrefix(l, "console.error") || strings.HasPrefix(l, "log error") {
					t.Errorf("console: %s", l)
				}
			}
			if tt.name == "page" {
				screenshot(t, ctx, "load-ready")
			}
		})
	}
}

// TestLoaderFailsInOneSentence breaks the load in every way the loader
// knows: each time the status line says why in words, the page is not
// blank, and the lesson text still reads.
func TestLoaderFailsInOneSentence(t *testing.T) {
	tests := []struct {
		name       string
		prefix     string
		initScript string
		wantStatus *regexp.Regexp
	}{
		{"browser without WebAssembly", sitePrefix, "delete window.WebAssembly",
			regexp.MustCompile(`^This browser cannot run WebAssembly, so the simulator is off; the lesson text below still reads\.$`)},
		{"wasm_exec.js missing", "/noexec/pop3lab/", "",
			regexp.MustCompile(`^The simulator could not start: wasm_exec\.js did not load\. Reload the page`)},
		{"server error", "/broken/pop3lab/", "",
			regexp.MustCompile(`^The simulator could not start: the server answered 500 Internal Server Error for app\.wasm\.gz\. `)},
		{"connection dropped", "/dropped/pop3lab/", "",
			regexp.MustCompile(`^The simulator could not start: the download of app\.wasm\.gz failed \(.+\)\. `)},
		{"gzip copy cut short", "/truncated/pop3lab/", "",
			regexp.MustCompile(`^The simulator could not start: the download of app\.wasm\.gz failed \(.+\)\. `)},
		{"host answers with the page", "/spa/pop3lab/", "",
			regexp.MustCompile(`^The simulator could not start: app\.wasm is not a WebAssembly program`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newTab(t)
			if tt.initScript != "" {
				addInitScript(t, ctx, tt.initScript)
			}
			url := site(t).server.URL + tt.prefix
			if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
				t.Fatal(err)
			}
			loadError, err := pollPage[string](ctx, `document.documentElement.dataset.loadError`, readyTimeout)
			if err != nil {
				t.Fatalf("no dataset.loadError: %v%s", err, diagnose(ctx))
			}
			type pageState struct {
				Status        string `json:"status"`
				StatusShown   bool   `json:"statusShown"`
				Ready         string `json:"ready"`
				Lesson        string `json:"lesson"`
				LessonVisible bool   `json:"lessonVisible"`
			}
			st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](`(() => {
				const visible = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
				const lesson = document.getElementById("lesson");
				return {
					status: document.getElementById("load-status").textContent,
					statusShown: visible(document.getElementById("load-status")),
					ready: document.documentElement.dataset.ready || "",
					lesson: lesson ? lesson.innerText : "",
					lessonVisible: visible(lesson),
				};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.wantStatus.MatchString(st.Status) {
				t.Errorf("#load-status = %q, want it to match %s", st.Status, tt.wantStatus)
			}
			if !st.StatusShown {
				t.Error("#load-status is not visible")
			}
			if st.Ready == "true" {
				t.Error("dataset.ready is true after a failed load")
			}
			if !st.LessonVisible || len(strings.Fields(st.Lesson)) < 20 {
				t.Errorf("the lesson text does not read (visible %v): %q", st.LessonVisible, st.Lesson)
			}
			t.Logf("dataset.loadError = %q; status: %s", loadError, st.Status)
			if tt.name == "browser without WebAssembly" {
				screenshot(t, ctx, "load-no-webassembly")
			}
		})
	}
}

// TestContentSecurityPolicy checks the policy header and that the page's
// policy stops markup injected into the DOM from running script. The control
// case turns the policy off and sees the same markup run, so the check can
// fail.
func TestContentSecurityPolicy(t *testing.T) {
	for _, path := range []string{"", "app.wasm", "no-such-file"} {
		res, err := http.Get(siteURL(t, path))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
			t.Errorf("%s (%d): Content-Security-Policy %q, want %q", path, res.StatusCode, got, web.ContentSecurityPolicy)
		}
	}

	tests := []struct {
		name      string
		bypassCSP bool
		wantRan   bool
	}{
		{"policy enforced", false, false},
		{"control: policy bypassed", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newTab(t)
			if tt.bypassCSP {
				if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := chromedp.Run(ctx, chromedp.NavigateResponse(siteURL(t, "")))
			if err != nil {
				t.Fatal(err)
			}
			if got := header(res.Headers, "Content-Security-Policy"); got != web.ContentSecurityPolicy {
				t.Errorf("the browser saw Content-Security-Policy %q", got)
			}
			err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`
				window.__violations = [];
				document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.effectiveDirective));
				document.body.insertAdjacentHTML("beforeend", '<img src="x" alt="" onerror="window.__xss = 1">');
			`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.__xss === 1 || window.__violations.length > 0`,
				chromedp.WithPollingTimeout(5*time.Second))); err != nil {
				t.Fatalf("neither ran nor blocked: %v%s", err, diagnose(ctx))
			}
			// Give a handler that would run late its chance.
			if err := chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			type outcome struct {
				Ran        bool     `json:"ran"`
				Violations []string `json:"violations"`
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[outcome](
				`({ran: window.__xss !== undefined, violations: window.__violations})`))
			if err != nil {
				t.Fatal(err)
			}
			if got.Ran != tt.wantRan {
				t.Errorf("injected onerror handler ran = %v, want %v", got.Ran, tt.wantRan)
			}
			if !tt.wantRan && !containsPrefix(got.Violations, "script-src") {
				t.Errorf("no script-src violation reported: %q", got.Violations)
			}
		})
	}
}

// TestLoaderDownloadPaths loads the page from hosts that compress, do not
// compress, mislabel the gzip copy or send no length, with and without
// DecompressionStream: each time the program arrives, the progress bar
// counted the bytes that crossed, and the app is ready.
func TestLoaderDownloadPaths(t *testing.T) {
	h := site(t)
	var manifest struct {
		Size   float64 `json:"size"`
		GzSize float64 `json:"gzSize"`
	}
	readJSON(t, filepath.Join(h.siteDir, "app.json"), &manifest)

	tests := []struct {
		name         string
		prefix       string
		initScript   string
		wantFetch    string // the file the loader downloaded
		wantNotFetch string
		wantEncoding string  // the response's Content-Encoding
		wantTotal    float64 // the progress bar's max at the end; 0: indeterminate
	}{
		// The loader asks for app.wasm first, for a brotli copy; a host
		// that answers without Content-Encoding: br has that request
		// dropped after its headers, and the gzip copy comes next.
		{"web.Handler, brotli copy", sitePrefix, "",
			"app.wasm", "app.wasm.gz", "br", manifest.Size},
		{"web.Handler, no DecompressionStream", sitePrefix, "delete window.DecompressionStream",
			"app.wasm", "app.wasm.gz", "br", manifest.Size},
		{"web.Handler, brotli not accepted: gzip copy inflated in the page", "/nobr/pop3lab/", "",
			"app.wasm.gz", "", "", manifest.GzSize},
		{"host without compression", "/plain/pop3lab/", "",
			"app.wasm.gz", "", "", manifest.GzSize},
		{"host labels the gzip copy Content-Encoding: gzip", "/gzlabel/pop3lab/", "",
			"app.wasm.gz", "", "gzip", manifest.Size},
		{"host without app.json or Content-Length", "/chunked/pop3lab/", "",
			"app.wasm", "app.wasm.gz", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newTab(t)
			if tt.initScript != "" {
				addInitScript(t, ctx, tt.initScript)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(h.server.URL+tt.prefix)); err != nil {
				t.Fatal(err)
			}
			waitReady(t, ctx)

			var fetched *network.Response
			for _, r := range responses(ctx) {
				name := r.URL[strings.LastIndex(r.URL, "/")+1:]
				name, _, _ = strings.Cut(name, "?")
				switch name {
				case tt.wantFetch:
					fetched = r
				case tt.wantNotFetch:
					if tt.wantNotFetch != "" {
						t.Errorf("the loader fetched %s too", r.URL)
					}
				}
			}
			if fetched == nil {
				t.Fatalf("the loader did not fetch %s%s", tt.wantFetch, diagnose(ctx))
			}
			if fetched.Status != 200 {
				t.Errorf("%s: %d", fetched.URL, fetched.Status)
			}
			if got := header(fetched.Headers, "Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("%s came with Content-Encoding %q, want %q", fetched.URL, got, tt.wantEncoding)
			}

			type progress struct {
				Max      float64 `json:"max"`
				Value    float64 `json:"value"`
				HasValue bool    `json:"hasValue"`
				Status   string  `json:"status"`
				Marked   bool    `json:"marked"`
			}
			p, err := chromedp.Run(ctx, chromedp.Evaluate[progress](`(() => {
				const bar = document.getElementById("load-progress");
				return {max: bar.max, value: bar.value, hasValue: bar.hasAttribute("value"),
					status: document.getElementById("load-status").textContent,
					marked: performance.getEntriesByName("pop3lab-wasm-start").length === 1};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantTotal > 0 {
				if p.Max != tt.wantTotal || p.Value != tt.wantTotal {
					t.Errorf("progress bar ended at %v of %v, want %v of %v", p.Value, p.Max, tt.wantTotal, tt.wantTotal)
				}
				want := fmt.Sprintf("Loading the simulator: %.1f of %.1f MB", tt.wantTotal/1e6, tt.wantTotal/1e6)
				if p.Status != want {
					t.Errorf("status %q, want %q", p.Status, want)
				}
			} else {
				if p.HasValue {
					t.Errorf("progress bar has a value (%v of %v) with no known total", p.Value, p.Max)
				}
				want := fmt.Sprintf("Loading the simulator: %.1f MB", manifest.Size/1e6)
				if p.Status != want {
					t.Errorf("status %q, want %q", p.Status, want)
				}
			}
			if !p.Marked {
				t.Error(`no performance mark "pop3lab-wasm-start"`)
			}
		})
	}
}

// header looks a response header up by name, in any case.
func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func readJSON(t testing.TB, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}
