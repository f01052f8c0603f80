// Package web is the static shell of pop3lab's browser app: the page, its
// style sheet, the loader that downloads the WebAssembly program with a
// progress bar, and an HTTP handler that serves a built site with the right
// content types, compression and security headers.
//
// A built site (see `pop3lab build`) is the shell plus app.wasm, its gzip copy
// app.wasm.gz, the lesson renderer author.wasm that the editor's preview
// loads (and its copies), the rendered course lessons/course.json, the
// manifest app.json and wasm_exec.js from the Go toolchain that compiled the
// programs. Every URL in it is relative, so any static host can serve it
// under any sub-path.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// embedded is every page, style sheet, script and image of this directory.
//
//go:embed *.html *.css *.js *.svg *.webmanifest
var embedded embed.FS

// Files returns the static shell at its root: index.html, style.css,
// loader.js, favicon.svg and the other pages, scripts and images of this
// package's directory. It never holds wasm_exec.js, which must come from
// the toolchain that compiled app.wasm, even when a copy lies here.
func Files() fs.FS { return shellFS{} }

// shellFS is the embedded files without wasm_exec.js.
type shellFS struct{}

// notShell is the file of this directory that is not part of the shell.
const notShell = "wasm_exec.js"

func (shellFS) Open(name string) (fs.File, error) {
	if name == notShell {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := embedded.Open(name)
	if d, ok := f.(fs.ReadDirFile); ok && name == "." {
		return shellDir{d}, err
	}
	return f, err
}

// shellDir is the root directory of shellFS, listed without wasm_exec.js.
type shellDir struct{ fs.ReadDirFile }

func (d shellDir) ReadDir(n int) ([]fs.DirEntry, error) {
	for {
		entries, err := d.ReadDirFile.ReadDir(n)
		kept := slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == notShell })
		// ReadDir(n > 0) returns at least one entry unless at the end:
		// read on when the only entry was the hidden one.
		if n <= 0 || len(kept) > 0 || err != nil {
			return kept, err
		}
	}
}

func (shellFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := embedded.ReadDir(name)
	if name == "." {
		entries = slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == notShell })
	}
	return entries, err
}

func (s shellFS) ReadFile(name string) ([]byte, error) {
	if name == notShell {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return embedded.ReadFile(name)
}

// ContentSecurityPolicy is the policy that Handler sends with every response.
// It is the policy of the page's meta tag plus frame-ancestors, which only a
// header can carry: scripts come from the site itself and never from inline
// code or event-handler attributes, WebAssembly may compile, and there are no
// plugins, no <base>, no form submissions and no framing by other sites.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the built site in root over HTTP, for `pop3lab serve` and
// the browser tests.
//
// It answers GET and HEAD only. A path that ends in "/" serves that
// directory's index.html; a directory without index.html is not found (there
// are no listings); a directory named without its trailing slash is
// redirected with a relative Location, so the page keeps working under a
// prefix removed by http.StripPrefix. Paths with ".." segments are refused
// with 400; names starting with "." are not found.
//
// Every response carries ContentSecurityPolicy, X-Content-Type-Options:
// nosniff and Referrer-Policy: no-referrer. HTML and JSON are sent with
// Cache-Control: no-cache (always revalidated), and so are the web app
// manifest and the service worker (sw.js); everything else may be cached
// for a minute. When the client accepts brotli, a file NAME with a sibling
// NAME.br (app.wasm and app.wasm.br) is answered with the sibling's bytes
// and Content-Encoding: br. Else, when it accepts gzip, a file NAME with a
// sibling NAME.gz is answered with that sibling's bytes and
// Content-Encoding: gzip, and other text-like files (HTML, CSS, JavaScript,
// JSON, SVG, WebAssembly) are compressed on the fly and kept in memory.
// NAME.gz requested by its own name is sent as it is, application/gzip
// without Content-Encoding, for the loader to inflate with
// DecompressionStream.
//
// The site's page (index.html at its root) comes, for a client that
// accepts brotli, with a Link header that preloads the program's brotli
// copy (see programPreload), so its download starts while the page and its
// scripts still load.
func Handler(root fs.FS) http.Handler {
	return &siteHandler{root: root, gzipped: make(map[string]gzipEntry)}
}

// siteHandler is the http.Handler that Handler returns.
type siteHandler struct {
	root fs.FS

	mu      sync.Mutex
	gzipped map[string]gzipEntry // files compressed on the fly, by name
}

// gzipEntry is a file compressed on the fly, valid while the file keeps
// its modification time and size.
type gzipEntry struct {
	modTime time.Time
	size    int64
	data    []byte
}

// minCompressSize is the size under which compressing costs more than it
// saves (the gzip header and trailer alone take 18 bytes).
const minCompressSize = 256

func (h *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed)
		return
	}
	name, ok := siteName(r.URL.Path)
	if !ok {
		httpError(w, http.StatusBadRequest)
		return
	}
	if Hidden(name) {
		httpError(w, http.StatusNotFound)
		return
	}
	info, err := fs.Stat(h.root, name)
	if err != nil {
		httpError(w, http.StatusNotFound)
		return
	}
	if info.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			redirectToDir(w, r)
			return
		}
		name = path.Join(name, "index.html")
		if info, err = fs.Stat(h.root, name); err != nil || !info.Mode().IsRegular() {
			httpError(w, http.StatusNotFound)
			return
		}
	} else if !info.Mode().IsRegular() || strings.HasSuffix(r.URL.Path, "/") {
		httpError(w, http.StatusNotFound)
		return
	}

	ctype := contentType(name)
	hdr.Set("Content-Type", ctype)
	if name == "index.html" && accepts(r.Header.Get("Accept-Encoding"), "br") {
		if link := h.programPreload(); link != "" {
			hdr.Set("Link", link)
		}
	}
	if alwaysRevalidated(name, ctype) {
		hdr.Set("Cache-Control", "no-cache")
	} else {
		hdr.Set("Cache-Control", "public, max-age=60")
	}

	if compressible(ctype) {
		hdr.Add("Vary", "Accept-Encoding")
		accept := r.Header.Get("Accept-Encoding")
		if accepts(accept, "br") && h.serveBrotli(w, r, name) {
			return
		}
		if acceptsGzip(accept) {
			if h.serveGzip(w, r, name, info) {
				return
			}
		}
	}
	f, err := h.root.Open(name)
	if err != nil {
		httpError(w, http.StatusNotFound)
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			httpError(w, http.StatusInternalServerError)
			return
		}
		content = bytes.NewReader(b)
	}
	http.ServeContent(w, r, name, info.ModTime(), content)
}

// serveBrotli answers with the bytes of name.br and Content-Encoding: br
// when the site has that file (app.wasm.br, written by the build). It
// reports false, having written nothing, when it has not.
func (h *siteHandler) serveBrotli(w http.ResponseWriter, r *http.Request, name string) bool {
	info, err := fs.Stat(h.root, name+".br")
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	data, err := fs.ReadFile(h.root, name+".br")
	if err != nil {
		return false
	}
	serveEncoded(w, r, name, "br", info.ModTime(), data)
	return true
}

// serveGzip answers with the gzip encoding of name: the bytes of name.gz
// when the site has it, else name compressed on the fly. It reports false,
// having written nothing, when it has nothing better than the plain file.
func (h *siteHandler) serveGzip(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo) bool {
	var (
		data    []byte
		modTime time.Time
	)
	if gzInfo, err := fs.Stat(h.root, name+".gz"); err == nil && gzInfo.Mode().IsRegular() {
		b, err := fs.ReadFile(h.root, name+".gz")
		if err != nil {
			return false
		}
		data, modTime = b, gzInfo.ModTime()
	} else {
		if info.Size() < minCompressSize {
			return false
		}
		b, err := h.compressed(name, info)
		if err != nil {
			return false
		}
		data, modTime = b, info.ModTime()
	}
	serveEncoded(w, r, name, "gzip", modTime, data)
	return true
}

// serveEncoded answers with data, the encoding of name in the given
// content coding.
func serveEncoded(w http.ResponseWriter, r *http.Request, name, coding string, modTime time.Time, data []byte) {
	w.Header().Set("Content-Encoding", coding)
	// ServeContent leaves Content-Length out for an encoded body; with it,
	// the browser knows the download's size and the response is not chunked.
	// (A 304 or an error drops it again.)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	// Byte ranges of the encoded form are of no use to anyone here, and
	// ServeContent would compute them on the encoded bytes: send it whole.
	r = r.Clone(r.Context())
	r.Header.Del("Range")
	r.Header.Del("If-Range")
	http.ServeContent(w, r, name, modTime, bytes.NewReader(data))
}

// compressed returns name compressed with gzip, from the cache when the file
// has not changed since.
func (h *siteHandler) compressed(name string, info fs.FileInfo) ([]byte, error) {
	h.mu.Lock()
	e, ok := h.gzipped[name]
	h.mu.Unlock()
	if ok && e.modTime.Equal(info.ModTime()) && e.size == info.Size() {
		return e.data, nil
	}
	raw, err := fs.ReadFile(h.root, name)
	if err != nil {
		return nil, err
	}
	gz, err := GzipBest(raw)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.gzipped[name] = gzipEntry{modTime: info.ModTime(), size: int64(len(raw)), data: gz}
	h.mu.Unlock()
	return gz, nil
}

// alwaysRevalidated reports whether a file is sent with Cache-Control:
// no-cache: the pages, the JSON manifests, the web app manifest and the
// service worker, whose bytes say which build is current.
func alwaysRevalidated(name, ctype string) bool {
	return strings.HasPrefix(ctype, "text/html") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "application/manifest+json") || path.Base(name) == ServiceWorker
}

// ServiceWorker is the name of the site's service worker script.
const ServiceWorker = "sw.js"

// siteName turns a URL path into a name in the site's fs.FS, "." for the
// root. It refuses paths with ".." segments, backslashes or NUL bytes.
func siteName(urlPath string) (string, bool) {
	if strings.ContainsAny(urlPath, "\\\x00") {
		return "", false
	}
	for seg := range strings.SplitSeq(urlPath, "/") {
		if seg == ".." {
			return "", false
		}
	}
	name := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		return "", false
	}
	return name, true
}

// Hidden reports whether a slash-separated name has a segment that starts
// with a dot, such as .git or .env: a site never serves those, even when
// the directory has them.
func Hidden(name string) bool {
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") && seg != "." {
			return true
		}
	}
	return false
}

// redirectToDir redirects a directory named without its trailing slash to
// the same name with it. The Location is relative ("./course/"), computed
// from the path the client asked for (RequestURI), not from r.URL.Path, which
// http.StripPrefix may have shortened: so the redirect is right under any
// prefix.
func redirectToDir(w http.ResponseWriter, r *http.Request) {
	asked := r.URL.EscapedPath()
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "" {
		asked = u.EscapedPath()
	}
	loc := "./"
	if base := path.Base(asked); base != "/" && base != "." && base != "" {
		loc = "./" + base + "/"
	}
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusMovedPermanently)
}

// httpError writes a short plain-text error with the status's text.
func httpError(w http.ResponseWriter, code int) {
	w.Header().Set("Cache-Control", "no-cache")
	http.Error(w, strconv.Itoa(code)+" "+strings.ToLower(http.StatusText(code)), code)
}

// contentTypes are the types of the files a site holds. Text types name
// their charset, so a browser never guesses.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".wasm":        "application/wasm",
	".gz":          "application/gzip",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".pcap":        "application/vnd.tcpdump.pcap",
	".eml":         "message/rfc822",
}

// contentType returns the Content-Type for a file name.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// compressible reports whether a content type shrinks under gzip.
func compressible(ctype string) bool {
	mediaType, _, _ := strings.Cut(ctype, ";")
	switch mediaType {
	case "application/json", "application/manifest+json", "image/svg+xml", "application/wasm",
		"text/javascript", "application/javascript":
		return true
	}
	return strings.HasPrefix(mediaType, "text/")
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (RFC 9110 §12.5.3): listed as gzip (or x-gzip) or *, with a non-zero q
// value, and not refused by name.
func acceptsGzip(header string) bool { return accepts(header, "gzip") }

// accepts reports whether an Accept-Encoding header accepts a content
// coding (RFC 9110 §12.5.3): listed by name or as *, with a non-zero q
// value, and not refused by name.
func accepts(header, coding string) bool {
	named, star := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		switch c := strings.ToLower(strings.TrimSpace(name)); {
		case c == coding || (coding == "gzip" && c == "x-gzip"):
			named = q
		case c == "*":
			star = q
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// GzipBest compresses b with gzip at the best compression: the form a
// built site ships its .gz siblings in, and the one served on the fly.
func GzipBest(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// programPreload is the Link header value that preloads the program as
// the loader fetches it first: app.wasm with the build's version query,
// brotli-encoded (so only when the site has the brotli copy; a preload of
// the raw program from a host that does not compress it would download
// 18 MB). The request matches the loader's fetch (as=fetch, crossorigin:
// CORS mode, same-origin credentials), which then takes the preloaded
// response. It is "" when the site's app.json does not name one.
func (h *siteHandler) programPreload() string {
	b, err := fs.ReadFile(h.root, "app.json")
	if err != nil {
		return ""
	}
	var m struct {
		Wasm    string `json:"wasm"`
		Br      string `json:"br"`
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &m) != nil || m.Wasm == "" || m.Br == "" || m.Version == "" || !fs.ValidPath(m.Wasm) {
		return ""
	}
	if info, err := fs.Stat(h.root, m.Br); err != nil || !info.Mode().IsRegular() {
		return ""
	}
	u := url.URL{Path: m.Wasm, RawQuery: "v=" + url.QueryEscape(m.Version)}
	return "<" + u.String() + ">; rel=preload; as=fetch; crossorigin"
}
