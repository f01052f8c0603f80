package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"pop3lab/web"
)

func TestGoModPath(t *testing.T) {
	tests := []struct {
		gomod string
		want  string
	}{
		{"module pop3lab\n\ngo 1.26\n", "pop3lab"},
		{"// comment\nmodule pop3lab // the simulator\n", "pop3lab"},
		{"module \"pop3lab\"\n", "pop3lab"},
		{"module\tpop3lab\n", "pop3lab"},
		{"module example.com/other\n", "example.com/other"},
		{"modules pop3lab\n", ""},
		{"go 1.26\n", ""},
	}
	for _, tt := range tests {
		if got := goModPath([]byte(tt.gomod)); got != tt.want {
			t.Errorf("goModPath(%q) = %q, want %q", tt.gomod, got, tt.want)
		}
	}
}

func TestFindModuleRoot(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("src/go.mod", "module pop3lab\n")
	write("src/web/x.txt", "")
	write("src/tools/go.mod", "module pop3lab/tools\n") // a nested module of its own
	write("src/tools/cmd/x.txt", "")
	write("other/go.mod", "module example.com/other\n")

	tests := []struct {
		start   string
		want    string // "" when there is no pop3lab module above start
		wantErr string
	}{
		{"src", "src", ""},
		{"src/web", "src", ""},
		{"src/tools/cmd", "src", ""}, // walks past the nested module to pop3lab
		{"other", "", "no pop3lab source tree here"},
		{".", "", "module pop3lab"},
	}
	for _, tt := range tests {
		got, err := findModuleRoot(filepath.Join(root, tt.start))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("findModuleRoot(%s) = %q, %v; want an error with %q", tt.start, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != filepath.Join(root, tt.want) {
			t.Errorf("findModuleRoot(%s) = %q, %v; want %s", tt.start, got, err, tt.want)
		}
	}
}

// TestBuildCommand builds a site from a throwaway pop3lab module whose ./wasm,
// ./wasm/author and ./wasm/tls are tiny programs, with the real Go toolchain, and
// checks every file.
func TestBuildCommand(t *testing.T) {
	mod := t.TempDir()
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module pop3lab\n\ngo 1.26\n"), 0o644)
	os.MkdirAll(filepath.Join(mod, "wasm"), 0o755)
	os.WriteFile(filepath.Join(mod, "wasm", "main.go"), []byte("package main\n\nfunc main() { println(\"hello\") }\n"), 0o644)
	os.MkdirAll(filepath.Join(mod, "wasm", "author"), 0o755)
	os.WriteFile(filepath.Join(mod, "wasm", "author", "main.go"), []byte("package main\n\nfunc main() { println(\"author\") }\n"), 0o644)
	os.MkdirAll(filepath.Join(mod, "wasm", "tls"), 0o755)
	os.WriteFile(filepath.Join(mod, "wasm", "tls", "main.go"), []byte("package main\n\nfunc main() { println(\"tls\") }\n"), 0o644)
	os.MkdirAll(filepath.Join(mod, "deep", "er"), 0o755)
	t.Chdir(filepath.Join(mod, "deep", "er")) // build finds the module root above
	out := filepath.Join(t.TempDir(), "site")

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "app.wasm: ") || !strings.Contains(stdout.String(), " gzip, ") || !strings.Contains(stdout.String(), " brotli\n") {
		t.Errorf("build does not report the sizes:\n%s", stdout.String())
	}

	wasm := readFile(t, out, "app.wasm")
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Fatalf("app.wasm is not WebAssembly: % x", wasm[:min(8, len(wasm))])
	}
	gz := readFile(t, out, "app.wasm.gz")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	inflated, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(inflated, wasm) {
		t.Fatalf("app.wasm.gz does not inflate to app.wasm (%v)", err)
	}
	br := readFile(t, out, "app.wasm.br")
	if unbr, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); err != nil || !bytes.Equal(unbr, wasm) {
		t.Fatalf("app.wasm.br does not decode to app.wasm (%v)", err)
	}
	var m siteManifest
	if err := json.Unmarshal(readFile(t, out, "app.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Br != "app.wasm.br" || m.BrSize != int64(len(br)) {
		t.Errorf("app.json br %q, brSize %d; app.wasm.br has %d bytes", m.Br, m.BrSize, len(br))
	}
	if m.Wasm != "app.wasm" || m.Gz != "app.wasm.gz" || m.Size != int64(len(wasm)) || m.GzSize != int64(len(gz)) || len(m.SHA256) != 64 {
		t.Errorf("app.json = %+v; app.wasm has %d bytes, app.wasm.gz %d", m, len(wasm), len(gz))
	}
	// The lesson renderer and the TLS layer, the other programs, in the
	// same form.
	for _, tt := range []struct {
		name string
		got  programFiles
	}{{"author", m.Author}, {"tls", m.TLS}} {
		prog := readFile(t, out, tt.name+".wasm")
		progGz := readFile(t, out, tt.name+".wasm.gz")
		progBr := readFile(t, out, tt.name+".wasm.br")
		if zr, err := gzip.NewReader(bytes.NewReader(progGz)); err != nil {
			t.Error(err)
		} else if inflated, err := io.ReadAll(zr); err != nil || !bytes.Equal(inflated, prog) || bytes.Equal(prog, wasm) {
			t.Errorf("%s.wasm.gz does not inflate to %[1]s.wasm, or that is app.wasm (%v)", tt.name, err)
		}
		if unbr, err := io.ReadAll(brotli.NewReader(bytes.NewReader(progBr))); err != nil || !bytes.Equal(unbr, prog) {
			t.Errorf("%s.wasm.br does not decode to %[1]s.wasm (%v)", tt.name, err)
		}
		sum := sha256.Sum256(prog)
		want := programFiles{Wasm: tt.name + ".wasm", Gz: tt.name + ".wasm.gz", Br: tt.name + ".wasm.br",
			Size: int64(len(prog)), GzSize: int64(len(progGz)), BrSize: int64(len(progBr)),
			SHA256: hex.EncodeToString(sum[:]), Version: hex.EncodeToString(sum[:])[:16]}
		if tt.got != want {
			t.Errorf("app.json %s = %+v, want %+v", tt.name, tt.got, want)
		}
		if !strings.Contains(stdout.String(), tt.name+".wasm: ") {
			t.Errorf("build does not report the sizes of %s.wasm:\n%s", tt.name, stdout.String())
		}
	}

	// The service worker's list: every file but the raw program, the
	// manifest, the worker and the course's markdown; the program as the
	// loader asks for it.
	if len(m.Build) != 16 || m.Version != m.SHA256[:16] {
		t.Errorf("app.json build %q, version %q (sha256 %s)", m.Build, m.Version, m.SHA256)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f] = true
		name, _, _ := strings.Cut(f, "?")
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("app.json lists %s: %v", f, err)
		}
	}
	for _, want := range []string{"index.html", "loader.js", "wasm_exec.js", "manifest.webmanifest", "classroom.json",
		"lessons/index.json", "lessons/course.json", "app.wasm.gz?v=" + m.Version,
		"author.wasm.gz?v=" + m.Author.Version, "tls.wasm.gz?v=" + m.TLS.Version} {
		if !listed[want] {
			t.Errorf("app.json files lack %s: %q", want, m.Files)
		}
	}
	for _, unwanted := range []string{"app.wasm", "app.wasm?v=" + m.Version, "app.wasm.br", "author.wasm", "author.wasm?v=" + m.Author.Version, "author.wasm.br", "author.wasm.gz", "tls.wasm", "tls.wasm.br", "app.json", "sw.js", "lessons/sources.json"} {
		if listed[unwanted] {
			t.Errorf("app.json files list %s", unwanted)
		}
	}

	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, out, "wasm_exec.js"), want) {
		t.Error("wasm_exec.js is not the toolchain's")
	}
	err = fs.WalkDir(web.Files(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		shell, _ := fs.ReadFile(web.Files(), name)
		if name == web.ServiceWorker {
			// The build's hash is written into the worker.
			shell = bytes.Replace(shell, []byte(serviceWorkerBuild), []byte(`const build = "`+m.Build+`";`), 1)
		}
		if !bytes.Equal(readFile(t, out, name), shell) {
			t.Errorf("%s differs from the embedded shell", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A build into a directory that holds other files (an author's page,
	// a lesson an earlier build wrote) leaves them as they are, names them,
	// and neither lists them for offline use nor counts them in its hash.
	dirty := filepath.Join(t.TempDir(), "site")
	for name, data := range map[string]string{"handouts/week1.pdf": "%PDF-1.7", "lessons/99-dropped-lesson.html": "<!doctype html>"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dirty, name)), 0o755)
		os.WriteFile(filepath.Join(dirty, name), []byte(data), 0o644)
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"build", "-o", dirty}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	var again siteManifest
	if err := json.Unmarshal(readFile(t, dirty, "app.json"), &again); err != nil {
		t.Fatal(err)
	}
	if again.Build != m.Build || !slices.Equal(again.Files, m.Files) {
		t.Errorf("into a directory with other files: build %s, files %q; into an empty one: build %s, files %q", again.Build, again.Files, m.Build, m.Files)
	}
	if want := "  Left as they were in " + dirty + ", and not part of the site (not cached for offline use): handouts/week1.pdf, lessons/99-dropped-lesson.html\n"; !strings.Contains(stdout.String(), want) {
		t.Errorf("the build does not name the other files (%q):\n%s", want, stdout.String())
	}
	if got := string(readFile(t, dirty, "handouts/week1.pdf")); got != "%PDF-1.7" {
		t.Errorf("the author's file now holds %q", got)
	}
}

func TestBuildCommandOutsideTheModule(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "-o", "site"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "run it inside the pop3lab module") {
		t.Errorf("stderr %q does not say where to run it", stderr.String())
	}
}

// TestServeCommand serves a built site on a free port, checks a few
// answers, and stops it the way SIGINT does, by cancelling the context.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>pop3lab</title>"), 0o644)
	os.WriteFile(filepath.Join(dir, "app.wasm"), []byte("\x00asm\x01\x00\x00\x00"), 0o644)
	os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")) // must not lead out of the site

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--dir", dir, "--quiet"}, pw, &stderr)
		pw.Close()
	}()
	banner := bufio.NewReader(pr)
	line, err := banner.ReadString('\n')
	if err != nil {
		t.Fatalf("no banner: %v; stderr %s", err, stderr.String())
	}
	go io.Copy(io.Discard, banner)
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "Serving pop3lab on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") {
		t.Fatalf("banner %q", line)
	}

	tests := []struct {
		path       string
		wantStatus int
		wantType   string
	}{
		{"", 200, "text/html; charset=utf-8"},
		{"app.wasm", 200, "application/wasm"},
		{"passwd", 404, ""},
		{"nope", 404, ""},
	}
	for _, tt := range tests {
		res, err := http.Get(url + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.wantStatus {
			t.Errorf("/%s: status %d, want %d", tt.path, res.StatusCode, tt.wantStatus)
		}
		if tt.wantType != "" && res.Header.Get("Content-Type") != tt.wantType {
			t.Errorf("/%s: Content-Type %q, want %q", tt.path, res.Header.Get("Content-Type"), tt.wantType)
		}
		if res.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy {
			t.Errorf("/%s: no Content-Security-Policy", tt.path)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
