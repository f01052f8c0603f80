package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pop3lab/lessons"
)

// exampleCourse is the example course folder the README points authors to.
const exampleCourse = "../../lessons/example"

// TestExampleCourse: the example folder checks clean and publishes its
// pages, a contents page, the rendered course the app reads and the
// sources it was rendered from.
func TestExampleCourse(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"lessons", "check", exampleCourse}, &out, &errOut); code != 0 {
		t.Fatalf("lessons check: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	site := t.TempDir()
	if err := renderLessons(&siteWriter{out: site}, courseChoice{Dir: exampleCourse}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"lessons/01-our-mail-settings.html", "lessons/index.html", "lessons/index.json", "lessons/course.json", "lessons/sources.json"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	var sources struct{ Files map[string]string }
	b, _ := os.ReadFile(filepath.Join(site, "lessons/sources.json"))
	if err := json.Unmarshal(b, &sources); err != nil || len(sources.Files) != 1 || !strings.Contains(sources.Files["01-our-mail-settings.md"], "POP3S on port 995") {
		t.Fatalf("sources.json: %v %v", sources.Files, err)
	}
	b, _ = os.ReadFile(filepath.Join(site, "lessons/course.json"))
	course, err := lessons.DecodeCourse(b)
	if err != nil || len(course) != 1 || course[0].Slug != "01-our-mail-settings" || !strings.Contains(course[0].HTML, "POP3S on port 995") {
		t.Fatalf("course.json: %d lessons, %v", len(course), err)
	}

	// Added to the built-in course: the example's order 1 clashes with
	// the built-in lesson 1 and is refused; as lesson 12 it joins.
	if err := renderLessons(&siteWriter{out: t.TempDir()}, courseChoice{Dir: exampleCourse, AddToBuiltin: true}); err == nil || !strings.Contains(err.Error(), "order 1") {
		t.Fatalf("clashing order: %v", err)
	}
	dir := t.TempDir()
	src, _ := os.ReadFile(filepath.Join(exampleCourse, "01-our-mail-settings.md"))
	os.WriteFile(filepath.Join(dir, "12-our-mail-settings.md"), bytes.Replace(src, []byte("order: 1\n"), []byte("order: 12\n"), 1), 0o644)
	site = t.TempDir()
	if err := renderLessons(&siteWriter{out: site}, courseChoice{Dir: dir, AddToBuiltin: true}); err != nil {
		t.Fatal(err)
	}
	var index []struct{ Title string }
	b, _ = os.ReadFile(filepath.Join(site, "lessons/index.json"))
	if json.Unmarshal(b, &index); len(index) != 12 || index[11].Title != "Our mail settings" {
		t.Fatalf("merged course index: %+v", index)
	}
	b, _ = os.ReadFile(filepath.Join(site, "lessons/course.json"))
	if course, err := lessons.DecodeCourse(b); err != nil || len(course) != 12 || course[11].Title != "Our mail settings" {
		t.Fatalf("merged course.json: %d lessons, %v", len(course), err)
	}
}

// TestBrokenCourseIsRefused: a scenario that diverges stops the build
// with the file and line.
func TestBrokenCourseIsRefused(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(exampleCourse, "01-our-mail-settings.md"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), "S: +OK Send your password.", "S: +OK Welcome.", 1)
	if err := os.WriteFile(filepath.Join(dir, "01-our-mail-settings.md"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(broken[:strings.Index(broken, "S: +OK Welcome.")], "\n")
	err = renderLessons(&siteWriter{out: t.TempDir()}, courseChoice{Dir: dir})
	want := filepath.Join(dir, "01-our-mail-settings.md") + ":" + strconv.Itoa(line) + ":"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("build error %v, want it to name %s", err, want)
	}
}
