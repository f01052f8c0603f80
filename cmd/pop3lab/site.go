package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"

	"pop3lab/sim/feed"
	"pop3lab/web"
)

// siteManifest is app.json: what the loader needs to download the program
// with a progress bar when the host sends no Content-Length, or compresses
// nothing (the fields of programFiles, at the top level), and the same for
// the lesson renderer, Author, which the page loads only for the editor's
// lesson preview, and the TLS layer, TLS, which it loads after it is usable
// (the first handshake waits for it).
//
// Build and Files are for the service worker (web/sw.js): the hash of the
// whole build, also written into sw.js so that a new build is a new worker,
// and every file the worker caches for offline use, as the page asks for
// them (the programs with their Version query).
type siteManifest struct {
	programFiles
	Author programFiles `json:"author"`
	TLS    programFiles `json:"tls"`
	Build  string       `json:"build"`
	Files  []string     `json:"files"`
}

// programFiles are the files of one WebAssembly program of the site: the
// program, its gzip and brotli copies and their sizes. SHA256 (hex) of
// the program lets the loader ask for this build's bytes (its first 16
// digits, Version, go in the query), past any cache holding an older one.
type programFiles struct {
	Wasm    string `json:"wasm"`
	Gz      string `json:"gz"`
	Br      string `json:"br,omitempty"` // none in a SCORM package (see siteHost)
	Size    int64  `json:"size"`
	GzSize  int64  `json:"gzSize"`
	BrSize  int64  `json:"brSize,omitempty"`
	SHA256  string `json:"sha256"`
	Version string `json:"version"`
}

// The site's programs: the app, the lesson renderer it loads for the
// editor's preview (it links the markdown renderer, which the app does
// not), and its TLS layer (crypto/tls, which the app does not link either,
// so that the first visit downloads less before the terminal takes
// input). Each is NAME.wasm, compiled from the package, with NAME.wasm.gz
// and (for a web server) NAME.wasm.br beside it.
var sitePrograms = []struct{ name, pkg string }{
	{"app", "./wasm"},
	{"author", "./wasm/author"},
	{"tls", "./wasm/tls"},
}

// A siteHost is what is to serve a built site, which decides its files.
type siteHost int

const (
	// webServer is pop3lab serve or a static host: the site has the
	// programs' brotli copies, which pop3lab serve sends as
	// Content-Encoding: br.
	webServer siteHost = iota
	// lms is a learning management system, which serves each file of a
	// SCORM package as it is: it would never send a brotli copy, so the
	// package has none (4 MB less to upload).
	lms
)

// modulePath is the module whose ./wasm package `pop3lab build` compiles.
const modulePath = "pop3lab"

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("pop3lab build", flag.ContinueOnError)
	flags.SetOutput(stderr)
	out := flags.String("o", "dist", "write the site into `DIR`")
	lessons := flags.String("lessons", "", "build the course from the lessons in `DIR` (default: the built-in course)")
	addLessons := flags.Bool("add", false, "with --lessons: add the lessons to the built-in course instead of replacing it")
	scorm := flags.Bool("scorm", false, "write a SCORM 1.2 package for a learning management system instead: -o names the zip (default course.zip)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: pop3lab build [-o DIR] [--lessons DIR [--add]]")
		fmt.Fprintln(stderr, "       pop3lab build --scorm [-o course.zip] [--lessons DIR [--add]]")
		fmt.Fprintln(stderr, "Builds the browser app as a static site with relative URLs: copy DIR to any web host, under any path.")
		fmt.Fprintln(stderr, "With --scorm, packages it as one SCORM 1.2 SCO (upload the zip to Moodle, Canvas or Blackboard); it")
		fmt.Fprintln(stderr, "reports completion, score and time to the LMS, and works as the plain site outside one.")
		fmt.Fprintln(stderr, "Run it inside the pop3lab source tree: it compiles ./wasm with the Go toolchain.")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return errUsage{"-o DIR is empty"}
	}
	if *scorm {
		outSet := false
		flags.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "o" })
		if !outSet {
			*out = "course.zip"
		}
		if !strings.HasSuffix(strings.ToLower(*out), ".zip") {
			const msg = "with --scorm, -o names the package: a file ending in .zip, such as course.zip"
			fmt.Fprintln(stderr, "pop3lab build: "+msg)
			flags.Usage()
			return errUsage{msg}
		}
		return buildSCORM(ctx, *out, courseChoice{*lessons, *addLessons}, stdout, stderr)
	}
	return buildSite(ctx, *out, courseChoice{*lessons, *addLessons}, webServer, stdout, stderr)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("pop3lab serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "listen on `ADDR` (port 0 picks a free port)")
	dir := flags.String("dir", "", "serve the site built in `DIR`, building it first if DIR does not exist (default: build into a temporary directory)")
	lessons := flags.String("lessons", "", "when building, take the lessons from `DIR`")
	addLessons := flags.Bool("add", false, "with --lessons: add the lessons to the built-in course instead of replacing it")
	quiet := flags.Bool("quiet", false, "do not log requests")
	classroomOn := flags.Bool("classroom", false, "also run the real POP3 server with one account per student, and show their sessions live on the page")
	students := flags.Int("students", 30, "with --classroom: how many student accounts to make (random passwords, printed as a sheet)")
	pop3Opts := defaultPOP3Options()
	flags.StringVar(&pop3Opts.listen, "pop3-listen", "127.0.0.1:1110", "with --classroom: address of plain POP3 with STLS (use 0.0.0.0:1110 for a room)")
	flags.StringVar(&pop3Opts.tlsListen, "pop3-tls-listen", "127.0.0.1:1995", "with --classroom: address of POP3S")
	flags.BoolVar(&pop3Opts.allowInsecureAuth, "allow-insecure-auth", false, "with --classroom: allow USER/PASS without TLS from other machines (to show the class what crosses the wire)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: pop3lab serve [--addr ADDR] [--dir DIR] [--lessons DIR] [--classroom [--students N]]")
		fmt.Fprintln(stderr, "Serves the browser app with its MIME types, compression and Content-Security-Policy.")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, 0); err != nil {
		return err
	}

	site := *dir
	switch {
	case site == "":
		tmp, err := os.MkdirTemp("", "pop3lab-site-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		site = tmp
		if err := buildSite(ctx, site, courseChoice{*lessons, *addLessons}, webServer, stdout, stderr); err != nil {
			return err
		}
	default:
		info, err := os.Stat(site)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := buildSite(ctx, site, courseChoice{*lessons, *addLessons}, webServer, stdout, stderr); err != nil {
				return err
			}
		case err != nil:
			return err
		case !info.IsDir():
			return fmt.Errorf("--dir %s is not a directory", site)
		default:
			if _, err := os.Stat(filepath.Join(site, "app.wasm")); err != nil {
				fmt.Fprintf(stderr, "pop3lab serve: %s has no app.wasm: build it with `pop3lab build -o %s`\n", site, site)
			}
		}
	}

	root, err := os.OpenRoot(site) // no symbolic link leads out of the site
	if err != nil {
		return err
	}
	defer root.Close()
	var handler = web.Handler(root.FS())
	if *classroomOn {
		room, svc, err := startClassroom(pop3Opts, *students, stdout, stderr)
		if err != nil {
			return err
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			svc.shutdown(stop)
		}()
		handler = room.handler(handler)
	}
	if !*quiet {
		handler = logRequests(handler, stderr)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(stdout, "Serving pop3lab on http://%s/\n", ln.Addr())
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// buildSite writes the static site into out: the page shell, app.wasm
// compiled from ./wasm of the pop3lab module, author.wasm from
// ./wasm/author and tls.wasm from ./wasm/tls (see sitePrograms),
// wasm_exec.js of the toolchain that
// compiled them, their gzip copies and, for a webServer host, their brotli
// copies, app.json and the rendered lessons.
func buildSite(ctx context.Context, out string, course courseChoice, host siteHost, stdout, stderr io.Writer) error {
	start := time.Now()
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	modRoot, err := findModuleRoot(cwd)
	if err != nil {
		return err
	}
	goBin, err := findGo()
	if err != nil {
		return err
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	// The js/wasm toolchain's own environment; os/exec keeps the last of
	// duplicate variables, so these win over the caller's GOOS and GOARCH.
	env := append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	for _, p := range sitePrograms {
		build := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(out, p.name+".wasm"), p.pkg)
		build.Dir, build.Env = modRoot, env
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("compiling %s for js/wasm in %s: %w", p.pkg, modRoot, err)
		}
	}

	// wasm_exec.js must come from the toolchain that compiled app.wasm: the
	// same go binary, in the same module (which may select a toolchain).
	goEnv := exec.CommandContext(ctx, goBin, "env", "GOROOT")
	goEnv.Dir, goEnv.Env, goEnv.Stderr = modRoot, env, stderr
	gorootOut, err := goEnv.Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	goroot := strings.TrimSpace(string(gorootOut))
	wasmExec, err := readWasmExec(goroot)
	if err != nil {
		return err
	}

	site := &siteWriter{out: out}
	write := site.write
	if err := write("wasm_exec.js", wasmExec); err != nil {
		return err
	}
	err = fs.WalkDir(web.Files(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if name == web.ServiceWorker {
			return nil // written last, with the build's hash
		}
		data, err := fs.ReadFile(web.Files(), name)
		if err != nil {
			return err
		}
		return write(name, data)
	})
	if err != nil {
		return fmt.Errorf("writing the page shell: %w", err)
	}

	// The programs compress side by side: brotli at its best quality
	// takes a minute on the app alone.
	copies := make([]compressed, len(sitePrograms))
	errs := make([]error, len(sitePrograms))
	var wg sync.WaitGroup
	for i, p := range sitePrograms {
		wg.Go(func() { copies[i], errs[i] = compressProgram(out, p.name+".wasm", host == webServer) })
	}
	wg.Wait()
	var programs []programFiles
	for i, c := range copies {
		if errs[i] != nil {
			return errs[i]
		}
		if err := write(c.files.Gz, c.gz); err != nil {
			return err
		}
		if c.files.Br != "" {
			if err := write(c.files.Br, c.br); err != nil {
				return err
			}
		}
		programs = append(programs, c.files)
	}
	// No classroom on a static host; `serve --classroom` answers this
	// name itself. The file keeps the page's probe from failing with 404.
	none, err := json.Marshal(feed.Info{})
	if err != nil {
		return err
	}
	if err := write(feed.InfoPath, append(none, '\n')); err != nil {
		return err
	}
	if err := renderLessons(site, course); err != nil {
		return fmt.Errorf("lessons: %w", err)
	}
	manifest := siteManifest{programFiles: programs[0], Author: programs[1], TLS: programs[2]}
	manifest.Files, manifest.Build = offlineFiles(site.written, manifest)
	manifestJSON, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	if err := write("app.json", append(manifestJSON, '\n')); err != nil {
		return err
	}
	sw, err := serviceWorker(manifest.Build)
	if err != nil {
		return err
	}
	if err := write(web.ServiceWorker, sw); err != nil {
		return err
	}

	fmt.Fprintf(stdout, "Built the site in %s (%s):\n", out, time.Since(start).Round(time.Millisecond))
	for i, p := range programs {
		fmt.Fprintf(stdout, "  %-20s %10s  compiled from %s/%s\n", p.Wasm, formatSize(p.Size), modRoot, strings.TrimPrefix(sitePrograms[i].pkg, "./"))
	}
	for _, f := range site.written {
		note := ""
		for _, p := range programs {
			switch f.name {
			case p.Gz:
				note = fmt.Sprintf("gzip -9, %.0f%% of %s", 100*float64(f.size)/float64(max(p.Size, 1)), p.Wasm)
			case p.Br:
				note = fmt.Sprintf("brotli 11, %.0f%% of %s (pop3lab serve sends it as Content-Encoding: br)", 100*float64(f.size)/float64(max(p.Size, 1)), p.Wasm)
			}
		}
		if f.name == "wasm_exec.js" {
			note = "from " + goroot
		}
		fmt.Fprintf(stdout, "  %-20s %10s  %s\n", f.name, formatSize(f.size), note)
	}
	// What the directory holds besides the build's own files (the
	// programs that go build wrote, and what the build wrote itself).
	own := map[string]bool{}
	for _, f := range site.written {
		own[f.name] = true
	}
	for _, p := range sitePrograms {
		own[p.name+".wasm"] = true
	}
	all, err := filesIn(out)
	if err != nil {
		return err
	}
	stray := slices.DeleteFunc(all, func(name string) bool { return own[name] || web.Hidden(name) })
	if len(stray) > 0 {
		fmt.Fprintf(stdout, "  Left as they were in %s, and not part of the site (not cached for offline use): %s\n", out, listSome(stray, 5))
	}
	for _, p := range programs {
		line := fmt.Sprintf("%s: %s raw, %s gzip", p.Wasm, formatSize(p.Size), formatSize(p.GzSize))
		if p.Br != "" {
			line += fmt.Sprintf(", %s brotli", formatSize(p.BrSize))
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// compressed is a program of the site with its compressed copies.
type compressed struct {
	files  programFiles
	gz, br []byte // br is nil when the site has no brotli copies
}

// compressProgram makes the gzip copy of the program name in out, and its
// brotli copy when withBrotli is set.
func compressProgram(out, name string, withBrotli bool) (compressed, error) {
	wasm, err := os.ReadFile(filepath.Join(out, name))
	if err != nil {
		return compressed{}, err
	}
	// Brotli runs beside gzip.
	var br []byte
	var brErr error
	var wg sync.WaitGroup
	if withBrotli {
		wg.Go(func() { br, brErr = brotliBest(wasm) })
	}
	gz, err := web.GzipBest(wasm)
	wg.Wait()
	if err != nil {
		return compressed{}, err
	}
	if brErr != nil {
		return compressed{}, fmt.Errorf("brotli: %w", brErr)
	}
	sum := sha256.Sum256(wasm)
	c := compressed{
		files: programFiles{
			Wasm: name, Gz: name + ".gz",
			Size: int64(len(wasm)), GzSize: int64(len(gz)),
			SHA256: hex.EncodeToString(sum[:]),
		},
		gz: gz, br: br,
	}
	c.files.Version = c.files.SHA256[:16]
	if withBrotli {
		c.files.Br, c.files.BrSize = name+".br", int64(len(br))
	}
	return c, nil
}

// notOffline are the files of a built site that the service worker does
// not list: the programs uncompressed and their brotli copies (the worker
// keeps the gzip copies, or the app as this visit downloaded it), the
// manifest and worker themselves, and the course's markdown, which is
// there for authors to start from (the page reads course.json): a first
// visit does not download it.
var notOffline = map[string]bool{
	"app.wasm": true, "app.wasm.br": true, "author.wasm": true, "author.wasm.br": true,
	"tls.wasm": true, "tls.wasm.br": true,
	"app.json": true, web.ServiceWorker: true, "lessons/sources.json": true,
}

// offlineFiles lists the files written (the build's own) that the
// service worker caches, as URLs relative to the
// site (the programs with the query the loader adds), sorted, and the
// build's hash: SHA-256 over every listed file's name and content. Other
// files in the site's directory are not the build's: an author's own
// pages, or what an earlier build wrote that this one did not.
func offlineFiles(written []writtenFile, m siteManifest) (files []string, build string) {
	written = slices.SortedFunc(slices.Values(written), func(a, b writtenFile) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	for _, f := range written {
		if notOffline[f.name] || web.Hidden(f.name) {
			continue // hidden names are never served
		}
		url := f.name
		for _, p := range []programFiles{m.programFiles, m.Author, m.TLS} {
			if f.name == p.Gz || f.name == p.Wasm {
				url += "?v=" + p.Version
			}
		}
		files = append(files, url)
		fmt.Fprintf(h, "%s %x\n", f.name, f.sum)
	}
	return files, hex.EncodeToString(h.Sum(nil))[:16]
}

// siteWriter writes the files of a site into the directory out and
// remembers them: the build's own files.
type siteWriter struct {
	out     string
	written []writtenFile
}

// write writes data as the file name (a slash-separated path relative to
// the site), making its directory as needed.
func (w *siteWriter) write(name string, data []byte) error {
	p := filepath.Join(w.out, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	w.written = append(w.written, writtenFile{name, int64(len(data)), sha256.Sum256(data)})
	return nil
}

// filesIn lists the files under dir, sorted, as slash-separated names
// relative to it.
func filesIn(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	return names, err
}

// listSome joins the first n names, and says how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// serviceWorkerBuild is the line of web/sw.js that names the build.
const serviceWorkerBuild = `const build = "unbuilt";`

// serviceWorker returns web/sw.js for the build.
func serviceWorker(build string) ([]byte, error) {
	src, err := fs.ReadFile(web.Files(), web.ServiceWorker)
	if err != nil {
		return nil, err
	}
	if bytes.Count(src, []byte(serviceWorkerBuild)) != 1 {
		return nil, fmt.Errorf("web/%s has no line %s for the build's hash", web.ServiceWorker, serviceWorkerBuild)
	}
	return bytes.Replace(src, []byte(serviceWorkerBuild), []byte(`const build = "`+build+`";`), 1), nil
}

// writtenFile is a file that the build wrote.
type writtenFile struct {
	name string
	size int64
	sum  [sha256.Size]byte
}

// findModuleRoot walks up from dir to the directory whose go.mod declares
// the pop3lab module.
func findModuleRoot(dir string) (string, error) {
	for d := dir; ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && goModPath(b) == modulePath {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no pop3lab source tree here: pop3lab build compiles the browser app from source, "+
				"so run it inside the pop3lab module (a directory whose go.mod says `module %s`); started from %s", modulePath, dir)
		}
		d = parent
	}
}

// goModPath returns the module path that a go.mod declares.
func goModPath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '"') {
			rest, _, _ = strings.Cut(rest, "//")
			return strings.Trim(strings.TrimSpace(rest), "\"`")
		}
	}
	return ""
}

// findGo returns the go command: the one on PATH, else $GOROOT/bin/go.
func findGo() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if goroot := os.Getenv("GOROOT"); goroot != "" {
		p := filepath.Join(goroot, "bin", "go")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("no go command: pop3lab build needs the Go toolchain on PATH (or GOROOT set) to compile the browser app")
}

// readWasmExec reads the JavaScript support file of a Go toolchain: in
// lib/wasm since Go 1.24, in misc/wasm before.
func readWasmExec(goroot string) ([]byte, error) {
	var errs []error
	for _, dir := range []string{"lib/wasm", "misc/wasm"} {
		b, err := os.ReadFile(filepath.Join(goroot, dir, "wasm_exec.js"))
		if err == nil {
			return b, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("wasm_exec.js of the toolchain in %s: %w", goroot, errors.Join(errs...))
}

// brotliBest compresses b with brotli at its best quality and largest
// window (RFC 7932).
func brotliBest(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	bw := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24})
	if _, err := bw.Write(b); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// formatSize writes a byte count in decimal units, as the loader does: MB
// with two decimals, kB below a megabyte.
func formatSize(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// logRequests logs one line per request: method, path, status, bytes and
// time.
func logRequests(h http.Handler, w io.Writer) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &loggedWriter{ResponseWriter: rw, status: http.StatusOK}
		h.ServeHTTP(lw, r)
		enc := ""
		if e := rw.Header().Get("Content-Encoding"); e != "" {
			enc = " " + e
		}
		fmt.Fprintf(w, "%s %s %s %d %s%s %s\n", start.Format("15:04:05"), r.Method, r.URL.RequestURI(),
			lw.status, formatSize(lw.n), enc, time.Since(start).Round(time.Microsecond))
	})
}

type loggedWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *loggedWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggedWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Flush passes flushes through, for the classroom's event stream.
func (w *loggedWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
