package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// testSite is a built site in miniature: the files of `pop3lab build`, with
// a wasm body that is not valid WebAssembly (the handler does not care) and a
// gzip copy that differs from a fresh compression, so a test can tell which
// one was served.
func testSite(t *testing.T) (fstest.MapFS, []byte) {
	t.Helper()
	mod := time.Date(2025, 11, 26, 9, 0, 0, 0, time.UTC)
	wasm := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("wasm body "), 500)...)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Comment = "prebuilt" // marks the copy that the build wrote
	zw.Write(wasm)
	zw.Close()
	page := "<!doctype html><title>pop3lab</title>" + strings.Repeat("<p>lesson text</p>", 40)
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), ModTime: mod} }
	return fstest.MapFS{
		"index.html":           file(page),
		"style.css":            file(strings.Repeat("body { margin: 0 }\n", 40)),
		"loader.js":            file(strings.Repeat("console.log('loading');\n", 40)),
		"wasm_exec.js":         file(strings.Repeat("globalThis.Go = class {};\n", 40)),
		"favicon.svg":          file(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"sw.js":                file(`const build = "1";`),
		"manifest.webmanifest": file(`{"name": "pop3lab"}`),
		"app.json":             file(`{"wasm":"app.wasm","gz":"app.wasm.gz","size":5008,"gzSize":60}`),
		"big.json":             file("[" + strings.Repeat(`"x",`, 200) + `"x"]`),
		"app.wasm":             {Data: wasm, ModTime: mod},
		"app.wasm.gz":          {Data: gz.Bytes(), ModTime: mod},
		"notes.bin":            file("\x01\x02"),
		"course/index.html":    file(page),
		"empty/readme.txt":     file("no index here"),
		".git/config":          file("[core]"),
		"course/.env":          file("SECRET=1"),
		"course/lesson1.md":    file("# POP3"),
		"course/scenario.gz":   file("not really gzip"),
	}, wasm
}

func TestHandler(t *testing.T) {
	site, wasm := testSite(t)
	h := Handler(site)
	const anyGzip = "gzip, deflate, br"

	tests := []struct {
		name           string
		method         string
		path           string
		acceptEncoding string

		wantStatus   int
		wantType     string // Content-Type, when set
		wantEncoding string // Content-Encoding ("" for none)
		wantCache    string // Cache-Control, when set
		wantLocation string
		wantBody     []byte // after decoding, when set
		wantGzipNote string // the gzip header comment, to tell the build's copy from a fresh one
	}{
		// Content types.
		{name: "root is index.html", path: "/", wantStatus: 200, wantType: "text/html; charset=utf-8", wantCache: "no-cache"},
		{name: "index.html by name", path: "/index.html", wantStatus: 200, wantType: "text/html; charset=utf-8"},
		{name: "css", path: "/style.css", wantStatus: 200, wantType: "text/css; charset=utf-8", wantCache: "public, max-age=60"},
		{name: "js", path: "/loader.js", wantStatus: 200, wantType: "text/javascript; charset=utf-8"},
		{name: "wasm_exec.js", path: "/wasm_exec.js", wantStatus: 200, wantType: "text/javascript; charset=utf-8"},
		{name: "svg", path: "/favicon.svg", wantStatus: 200, wantType: "image/svg+xml"},
		{name: "json", path: "/app.json", wantStatus: 200, wantType: "application/json", wantCache: "no-cache"},
		{name: "wasm", path: "/app.wasm", wantStatus: 200, wantType: "application/wasm", wantBody: wasm},
		{name: "service worker revalidated", path: "/sw.js", wantStatus: 200, wantType: "text/javascript; charset=utf-8", wantCache: "no-cache"},
		{name: "web app manifest", path: "/manifest.webmanifest", wantStatus: 200, wantType: "application/manifest+json", wantCache: "no-cache"},
		{name: "markdown", path: "/course/lesson1.md", wantStatus: 200, wantType: "text/markdown; charset=utf-8"},
		{name: "unknown type", path: "/notes.bin", wantStatus: 200, wantType: "application/octet-stream"},
		{name: "head", method: "HEAD", path: "/style.css", wantStatus: 200, wantType: "text/css; charset=utf-8"},

		// Compression.
		{name: "wasm from its gzip copy", path: "/app.wasm", acceptEncoding: anyGzip, wantStatus: 200,
			wantType: "application/wasm", wantEncoding: "gzip", wantBody: wasm, wantGzipNote: "prebuilt"},
		{name: "wasm gzip by q value", path: "/app.wasm", acceptEncoding: "br;q=1, gzip;q=0.5", wantStatus: 200,
			wantEncoding: "gzip", wantBody: wasm, wantGzipNote: "prebuilt"},
		{name: "gzip refused by q=0", path: "/app.wasm", acceptEncoding: "gzip;q=0, br", wantStatus: 200,
			wantType: "application/wasm", wantBody: wasm},
		{name: "gzip through *", path: "/app.wasm", acceptEncoding: "*", wantStatus: 200, wantEncoding: "gzip", wantBody: wasm},
		{name: "identity only", path: "/app.wasm", acceptEncoding: "identity", wantStatus: 200, wantBody: wasm},
		{name: "gzip copy by its own name is not re-encoded", path: "/app.wasm.gz", acceptEncoding: anyGzip,
			wantStatus: 200, wantType: "application/gzip", wantGzipNote: "prebuilt"},
		{name: "html compressed on the fly", path: "/", acceptEncoding: anyGzip, wantStatus: 200,
			wantType: "text/html; charset=utf-8", wantEncoding: "gzip", wantGzipNote: "-"},
		{name: "css compressed on the fly", path: "/style.css", acceptEncoding: "gzip", wantStatus: 200, wantEncoding: "gzip"},
		{name: "js compressed on the fly", path: "/loader.js", acceptEncoding: "gzip", wantStatus: 200, wantEncoding: "gzip"},
		{name: "json compressed on the fly", path: "/big.json", acceptEncoding: "gzip", wantStatus: 200,
			wantType: "application/json", wantEncoding: "gzip"},
		{name: "tiny file sent as is", path: "/app.json", acceptEncoding: "gzip", wantStatus: 200},
		{name: "binary never compressed", path: "/notes.bin", acceptEncoding: "gzip", wantStatus: 200},
		{name: "head of gzip", method: "HEAD", path: "/app.wasm", acceptEncoding: "gzip", wantStatus: 200, wantEncoding: "gzip"},

		// Directories and missing files.
		{name: "directory with index", path: "/course/", wantStatus: 200, wantType: "text/html; charset=utf-8"},
		{name: "directory without slash redirects relatively", path: "/course", wantStatus: 301, wantLocation: "./course/"},
		{name: "redirect keeps the query", path: "/course?lesson=2", wantStatus: 301, wantLocation: "./course/?lesson=2"},
		{name: "no directory listing", path: "/empty/", wantStatus: 404},
		{name: "missing file", path: "/nope.js", wantStatus: 404},
		{name: "file with trailing slash", path: "/index.html/", wantStatus: 404},
		{name: "missing gzip sibling of missing file", path: "/nope.wasm", acceptEncoding: "gzip", wantStatus: 404},
		{name: "dot directory hidden", path: "/.git/config", wantStatus: 404},
		{name: "dot file hidden", path: "/course/.env", wantStatus: 404},

		// Traversal and methods.
		{name: "dot-dot refused", path: "/../embed.go", wantStatus: 400},
		{name: "dot-dot inside refused", path: "/course/../../etc/passwd", wantStatus: 400},
		{name: "backslash refused", path: `/..\embed.go`, wantStatus: 400},
		{name: "NUL refused", path: "/index.html\x00.png", wantStatus: 400},
		{name: "post refused", method: "POST", path: "/", wantStatus: 405},
		{name: "delete refused", method: "DELETE", path: "/app.wasm", wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			req := httptest.NewRequest(method, "http://example.test/", nil)
			req.URL.Path = tt.path // also paths that NewRequest would refuse to parse
			req.RequestURI = tt.path
			if q := strings.Index(tt.path, "?"); q >= 0 {
				req.URL.Path, req.URL.RawQuery = tt.path[:q], tt.path[q+1:]
			}
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()

			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %q", res.StatusCode, tt.wantStatus, rec.Body.String())
			}
			// Security headers go with every response, errors and redirects too.
			for k, want := range map[string]string{
				"Content-Security-Policy": ContentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
			} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if tt.wantType != "" {
				if got := res.Header.Get("Content-Type"); got != tt.wantType {
					t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
				}
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.wantEncoding)
			}
			if tt.wantCache != "" {
				if got := res.Header.Get("Cache-Control"); got != tt.wantCache {
					t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
				}
			}
			if got := res.Header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			if tt.wantStatus != 200 {
				return
			}
			if compressible(res.Header.Get("Content-Type")) {
				if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
					t.Errorf("Vary = %q, want Accept-Encoding", got)
				}
			}
			body := rec.Body.Bytes()
			if method == "HEAD" {
				if len(body) != 0 {
					t.Errorf("HEAD has a body of %d bytes", len(body))
				}
				if res.Header.Get("Content-Length") == "" {
					t.Error("HEAD without Content-Length")
				}
				return
			}
			if cl := res.Header.Get("Content-Length"); cl == "" || cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %q for a body of %d bytes", cl, len(body))
			}
			if tt.wantEncoding == "gzip" || tt.wantGzipNote != "" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("body is not gzip: %v", err)
				}
				note := zr.Comment
				if note == "" {
					note = "-"
				}
				if tt.wantGzipNote != "" && note != tt.wantGzipNote {
					t.Errorf("gzip comment %q, want %q (which copy was served?)", note, tt.wantGzipNote)
				}
				if tt.wantEncoding == "gzip" {
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatalf("inflate: %v", err)
					}
				}
			}
			name, _ := siteName(tt.path)
			if info, err := fs.Stat(site, name); err == nil && info.IsDir() {
				name += "/index.html"
			}
			want := tt.wantBody
			if want == nil && tt.wantEncoding == "gzip" {
				want = site[strings.TrimPrefix(name, "./")].Data
			}
			if want != nil && !bytes.Equal(body, want) {
				t.Errorf("body: %d bytes, want the %d bytes of %s", len(body), len(want), name)
			}
		})
	}
}

// TestHandlerUnderPrefix serves the site under a sub-path, as a course page
// would, through a real listener: the redirect to the directory must stay
// under the prefix.
func TestHandlerUnderPrefix(t *testing.T) {
	site, _ := testSite(t)
	mux := http.NewServeMux()
	mux.Handle("/course/pop3lab/", http.StripPrefix("/course/pop3lab", Handler(site)))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	tests := []struct {
		path         string
		wantStatus   int
		wantLocation string
	}{
		{"/course/pop3lab/", 200, ""},
		{"/course/pop3lab/app.wasm", 200, ""},
		{"/course/pop3lab/course", 301, "./course/"},
		{"/course/pop3lab/course/", 200, ""},
		{"/course/pop3lab/nope", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := client.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if got := res.Header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location %q, want %q", got, tt.wantLocation)
			}
			if res.Header.Get("Content-Security-Policy") != ContentSecurityPolicy {
				t.Error("no Content-Security-Policy")
			}
		})
	}
	// The relative redirect resolves under the prefix, not at the host root.
	res, err := http.Get(srv.URL + "/course/pop3lab/course")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Request.URL.Path; got != "/course/pop3lab/course/" || res.StatusCode != 200 {
		t.Errorf("redirect ended at %s with %d, want /course/pop3lab/course/ with 200", got, res.StatusCode)
	}
}

// TestHandlerCompressOnceAndRevalidate checks that on-the-fly compression is
// cached and follows changes of the file.
func TestHandlerCompressOnceAndRevalidate(t *testing.T) {
	site, _ := testSite(t)
	h := Handler(site).(*siteHandler)
	get := func() string {
		req := httptest.NewRequest("GET", "/style.css", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		return string(b)
	}
	if got := get(); got != string(site["style.css"].Data) {
		t.Fatalf("first: %q", got)
	}
	if len(h.gzipped) != 1 {
		t.Fatalf("cache holds %d entries, want 1", len(h.gzipped))
	}
	site["style.css"] = &fstest.MapFile{Data: []byte(strings.Repeat("p { color: red }\n", 40)), ModTime: time.Now()}
	if got := get(); got != string(site["style.css"].Data) {
		t.Fatalf("after change: %q", got)
	}
}

// TestHandlerBrotli serves app.wasm from its brotli copy to a client that
// accepts br, and from the gzip copy (or as it is) to the others.
func TestHandlerBrotli(t *testing.T) {
	site, wasm := testSite(t)
	br := []byte("brotli bytes of app.wasm")
	site["app.wasm.br"] = &fstest.MapFile{Data: br, ModTime: site["app.wasm"].ModTime}
	h := Handler(site)
	tests := []struct {
		accept, wantEncoding string
		wantBody             []byte // as sent, not decoded
	}{
		{"gzip, deflate, br, zstd", "br", br},
		{"br;q=0.1, gzip;q=1", "br", br}, // any q > 0 accepts
		{"gzip, br;q=0", "gzip", nil},
		{"gzip", "gzip", nil},
		{"identity", "", wasm},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/app.wasm", nil)
		req.Header.Set("Accept-Encoding", tt.accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if got := res.Header.Get("Content-Encoding"); got != tt.wantEncoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.wantEncoding)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q", tt.accept, ct)
		}
		if tt.wantBody != nil && !bytes.Equal(rec.Body.Bytes(), tt.wantBody) {
			t.Errorf("Accept-Encoding %q: body %q", tt.accept, rec.Body.Bytes())
		}
		if tt.wantEncoding == "br" && res.Header.Get("Content-Length") != strconv.Itoa(len(br)) {
			t.Errorf("Content-Length %q, want %d", res.Header.Get("Content-Length"), len(br))
		}
	}
}

// TestFiles checks the embedded shell: the files exist, and the page loads
// loader.js and then wasm_exec.js as deferred external scripts, the
// loader blocking the first rendering (the program's download starts
// before the browser lays the page out, and before wasm_exec.js runs),
// with no inline script that the policy would block.
func TestFiles(t *testing.T) {
	for _, name := range []string{"index.html", "style.css", "loader.js", "favicon.svg"} {
		b, err := fs.ReadFile(Files(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	if _, err := fs.Stat(Files(), "wasm_exec.js"); err == nil {
		t.Error("the shell has a wasm_exec.js; it must come from the toolchain that built app.wasm")
	}
	if err := fstest.TestFS(Files(), "index.html", "style.css", "loader.js", "favicon.svg"); err != nil {
		t.Error(err)
	}
	page, _ := fs.ReadFile(Files(), "index.html")
	for _, want := range []string{
		`<script src="loader.js" defer blocking="render"></script>
<script src="wasm_exec.js" defer></script>`,
		`id="loading"`, `id="load-progress"`, `id="load-status"`, `id="lesson"`,
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if n, m := bytes.Count(page, []byte("<script")), bytes.Count(page, []byte("<script src=")); n != m {
		t.Errorf("index.html has %d inline scripts", n-m)
	}
	if bytes.Contains(page, []byte(`src="/`)) || bytes.Contains(page, []byte(`href="/`)) {
		t.Error("index.html has an absolute URL; the site must work under any sub-path")
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"deflate, gzip;q=0.8", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"br", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"gzip;q=0, *", false},
		{"identity;q=1, *;q=0.1", true},
		{"gzip;q=bogus", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// The site's page preloads the program's brotli copy, with the query the
// loader fetches it by, and only for a client that accepts brotli from a
// site that has the copy; other pages never do.
func TestHandlerPreloadsTheProgram(t *testing.T) {
	const link = `<app.wasm?v=0123abcd>; rel=preload; as=fetch; crossorigin`
	withBr := func() fstest.MapFS {
		site, _ := testSite(t)
		site["app.wasm.br"] = &fstest.MapFile{Data: []byte("brotli bytes"), ModTime: site["app.wasm"].ModTime}
		site["app.json"] = &fstest.MapFile{Data: []byte(`{"wasm":"app.wasm","gz":"app.wasm.gz","br":"app.wasm.br","version":"0123abcd"}`)}
		return site
	}
	noBr, _ := testSite(t)
	tests := []struct {
		name, path, accept string
		site               fstest.MapFS
		want               string
	}{
		{"the page, brotli accepted", "/", "gzip, br", withBr(), link},
		{"the page by name", "/index.html", "br", withBr(), link},
		{"brotli not accepted", "/", "gzip", withBr(), ""},
		{"brotli refused", "/", "gzip, br;q=0", withBr(), ""},
		{"a site without the brotli copy", "/", "gzip, br", noBr, ""},
		{"another directory's page", "/course/", "gzip, br", withBr(), ""},
		{"not a page", "/style.css", "gzip, br", withBr(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			rec := httptest.NewRecorder()
			Handler(tt.site).ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("%s: %d", tt.path, rec.Code)
			}
			if got := rec.Result().Header.Get("Link"); got != tt.want {
				t.Errorf("Link %q, want %q", got, tt.want)
			}
		})
	}
}
