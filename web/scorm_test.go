//go:build !js

package web_test

import (
	"archive/zip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pop3lab/lessons/render"
	"pop3lab/wasm/view"
)

// lmsRuntime is the SCORM 1.2 run-time of a real LMS-side library, pinned
// in testdata/npm/package.json (scripts/install-deps.sh runs npm ci there).
const lmsRuntime = "testdata/npm/node_modules/scorm-again/dist/scorm12.js"

// lmsHost is the page an LMS shows around a SCO: the SCORM 1.2 API as
// window.API, recording every value the package sets, and the package's
// launch page in a frame. SUSPEND is the suspend data the LMS kept from an
// earlier attempt ("" for a first one).
const lmsHost = `<!doctype html>
<html><head><meta charset="utf-8"><title>LMS</title><script src="scorm12.js"></script><script>
window.__sets = [];
window.__calls = [];
window.API = new Scorm12API({autocommit: false, logLevel: 5});
const suspend = SUSPEND;
if (suspend) window.API.loadFromJSON({core: {entry: "resume", lesson_status: "incomplete"}, suspend_data: suspend});
window.API.on("LMSSetValue.cmi.*", (element, value) => window.__sets.push([element, value]));
for (const m of ["LMSInitialize", "LMSCommit", "LMSFinish"]) window.API.on(m, () => window.__calls.push(m));
</script></head>
<body><iframe id="sco" src="pkg/index.html" width="1280" height="900" title="pop3lab"></iframe></body></html>
`

// TestSCORMPackageInLMS builds the SCORM package, checks its manifest
// against the SCORM 1.2 schemas, and runs it in a page that provides the
// SCORM 1.2 API as an LMS does: a first attempt reports "incomplete" and
// the score of one quiz, and on leaving the time spent; a resumed attempt
// whose suspend data holds the whole course done reports "completed" and
// 100.
func TestSCORMPackageInLMS(t *testing.T) {
	runtimeJS, err := os.ReadFile(lmsRuntime)
	if err != nil {
		t.Fatalf("the LMS run-time is not installed (run scripts/install-deps.sh, or npm ci in web/testdata/npm): %v", err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "pop3lab")
	zipPath := filepath.Join(tmp, "course.zip")
	for _, args := range [][]string{{"go", "build", "-o", bin, "./cmd/pop3lab"}, {bin, "build", "--scorm", "-o", zipPath}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	root := filepath.Join(tmp, "lms")
	unzip(t, zipPath, filepath.Join(root, "pkg"))
	validateManifest(t, filepath.Join(root, "pkg"))
	// An LMS serves each file as it is: the package has no brotli copies,
	// and its app.json names none, so the loader does not ask for one.
	brs, _ := filepath.Glob(filepath.Join(root, "pkg", "*.br"))
	if len(brs) != 0 {
		t.Errorf("the package has brotli copies, which an LMS never sends: %q", brs)
	}
	if manifest, err := os.ReadFile(filepath.Join(root, "pkg", "app.json")); err != nil || strings.Contains(string(manifest), `"br"`) {
		t.Errorf("app.json of the package names a brotli copy (%v):\n%s", err, manifest)
	}
	os.WriteFile(filepath.Join(root, "scorm12.js"), runtimeJS, 0o644)

	course, err := render.Course()
	if err != nil {
		t.Fatal(err)
	}
	done := view.NewProgress()
	questions, points := 0, 0
	for _, l := range course {
		done.Completed[l.Slug], done.Read[l.Slug] = true, true
		for _, q := range l.Quizzes {
			done.Score(l.Slug, q.ID, len(q.Questions), len(q.Questions))
			questions += len(q.Questions)
		}
		for _, c := range l.Challenges {
			done.ChallengeResult(c.ID, c.MaxPoints(), c.MaxPoints(), true)
			points += c.MaxPoints()
		}
	}
	full, _ := done.Save()
	fullJS, _ := json.Marshal(string(full))
	os.WriteFile(filepath.Join(root, "first.html"), []byte(strings.Replace(lmsHost, "SUSPEND", `""`, 1)), 0o644)
	os.WriteFile(filepath.Join(root, "resumed.html"), []byte(strings.Replace(lmsHost, "SUSPEND", string(fullJS), 1)), 0o644)
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	defer srv.Close()

	frame := `document.getElementById("sco").contentDocument`

	// First attempt: incomplete, 0, then lesson 1's quiz answered right.
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/first.html")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the package to find the API", frame+` && `+frame+`.documentElement.dataset.lms === "scorm12" && window.__calls.includes("LMSInitialize")`)
	waitFor(t, ctx, "the first report", `window.__sets.some(s => s[0] === "cmi.core.score.raw")`)
	first := js[[][]string](t, ctx, `window.__sets.filter(s => s[0] !== "cmi.suspend_data")`)
	want := [][]string{{"cmi.core.lesson_status", "incomplete"}, {"cmi.core.score.min", "0"}, {"cmi.core.score.max", "100"}, {"cmi.core.score.raw", "0"}}
	if !equalPairs(first, want) {
		t.Errorf("first values set %q, want %q", first, want)
	}
	waitFor(t, ctx, "the course in the frame", frame+`.querySelector('#lesson-select option[value="`+course[0].Slug+`"]') !== null`)
	js[bool](t, ctx, `(() => { const d = `+frame+`; const s = d.getElementById("lesson-select"); s.value = "`+course[0].Slug+`"; s.dispatchEvent(new Event("change")); return true; })()`)
	waitFor(t, ctx, "lesson 1 in the frame", frame+`.querySelector("#lesson form.quiz") !== null`)
	quiz := course[0].Quizzes[0]
	for i, q := range quiz.Questions {
		for _, j := range q.Correct() {
			js[bool](t, ctx, `(`+frame+`.querySelector('#lesson form.quiz input[name="`+quiz.Name(i)+`"][value="`+strconv.Itoa(j)+`"]').checked = true, true)`)
		}
	}
	js[bool](t, ctx, `(`+frame+`.querySelector("#lesson form.quiz button[type=submit]").click(), true)`)
	score := strconv.Itoa(len(quiz.Questions) * view.QuestionPoints * 100 / (questions*view.QuestionPoints + points))
	waitFor(t, ctx, "the quiz's score", `window.API.cmi.core.score.raw === "`+score+`"`)
	if got := js[[]string](t, ctx, `window.__sets.filter(s => s[0] === "cmi.core.score.raw").map(s => s[1])`); strings.Join(got, " ") != "0 "+score {
		t.Errorf("score.raw set to %q, want 0 then %s", got, score)
	}
	suspend := js[string](t, ctx, `window.API.cmi.suspend_data`)
	if !strings.Contains(suspend, `"completed":{"`+course[0].Slug+`":true}`) {
		t.Errorf("suspend_data %s", suspend)
	}
	// Leaving the page: session time, exit, commit, finish.
	js[bool](t, ctx, `(document.getElementById("sco").src = "about:blank", true)`)
	waitFor(t, ctx, "LMSFinish", `window.__calls.includes("LMSFinish")`)
	last := js[[][]string](t, ctx, `window.__sets.slice(-2)`)
	if len(last) != 2 || last[0][0] != "cmi.core.session_time" || !regexp.MustCompile(`^\d{4}:\d{2}:\d{2}\.\d{2}$`).MatchString(last[0][1]) || !equalPairs(last[1:], [][]string{{"cmi.core.exit", "suspend"}}) {
		t.Errorf("on leaving: %q", last)
	}
	// The LMS keeps the time as whole seconds (HH:MM:SS); read it the way
	// it commits it, as JSON.
	if set, kept := seconds(last[0][1]), seconds(js[string](t, ctx, `JSON.parse(JSON.stringify(window.API.cmi)).core.session_time`)); set < 0 || kept < 0 || kept-set > 1 || set-kept > 1 {
		t.Errorf("the LMS keeps session_time %v s, the package set %q", kept, last[0][1])
	}
	if got := js[string](t, ctx, `window.API.cmi.core.lesson_status`); got != "incomplete" {
		t.Errorf("lesson_status %q", got)
	}

	// A resumed attempt whose suspend data holds the whole course.
	ctx = newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/resumed.html")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "completed", `window.API.cmi.core.lesson_status === "completed"`)
	if got := js[string](t, ctx, `window.API.cmi.core.score.raw`); got != "100" {
		t.Errorf("score.raw %q, want 100", got)
	}
	waitFor(t, ctx, "the progress in the frame", frame+`.getElementById("course-progress-text").textContent.startsWith("`+strconv.Itoa(len(course))+` of `+strconv.Itoa(len(course))+` lessons done")`)
	js[bool](t, ctx, `(document.getElementById("sco").src = "about:blank", true)`)
	waitFor(t, ctx, "LMSFinish", `window.__calls.includes("LMSFinish")`)
	if got := js[[]string](t, ctx, `window.__sets.filter(s => s[0] === "cmi.core.exit").map(s => s[1])`); len(got) != 1 || got[0] != "" {
		t.Errorf("exit on a completed course %q, want \"\"", got)
	}
}

// seconds reads a SCORM 1.2 CMITimespan, [H]HHH:MM:SS[.SS]; -1 if it is not one.
func seconds(ts string) float64 {
	m := regexp.MustCompile(`^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)$`).FindStringSubmatch(ts)
	if m == nil {
		return -1
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	s, _ := strconv.ParseFloat(m[3], 64)
	return float64(h*3600+min*60) + s
}

func equalPairs(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != 2 || a[i][0] != b[i][0] || a[i][1] != b[i][1] {
			return false
		}
	}
	return true
}

func unzip(t *testing.T, zipPath, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") {
			t.Fatalf("zip entry %q", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// validateManifest checks dir/imsmanifest.xml against the SCORM 1.2
// schema files the package carries, with xmllint (libxml2-utils).
func validateManifest(t *testing.T, dir string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is not installed (Debian: libxml2-utils; scripts/install-deps.sh installs it)")
	}
	all := `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2" schemaLocation="imscp_rootv1p1p2.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="adlcp_rootv1p2.xsd"/>
  <xsd:import namespace="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1" schemaLocation="imsmd_rootv1p2p1.xsd"/>
</xsd:schema>
`
	// The wrapper must sit beside the schema files it imports.
	schema := filepath.Join(dir, "..", "all-scorm12.xsd")
	for _, f := range []string{"imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("the package lacks %s: %v", f, err)
		}
		os.WriteFile(filepath.Join(dir, "..", f), b, 0o644)
	}
	os.WriteFile(schema, []byte(all), 0o644)
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, filepath.Join(dir, "imsmanifest.xml")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "validates") {
		t.Fatalf("imsmanifest.xml does not validate against the SCORM 1.2 schemas: %v\n%s", err, out)
	}
}
