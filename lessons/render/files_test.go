package render

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestFilesIsAFileSystem(t *testing.T) {
	f := Files{"01-a.md": "one", "02-b.md": "two"}
	if err := fstest.TestFS(f, "01-a.md", "02-b.md"); err != nil {
		t.Fatal(err)
	}
}

// TestMergeAddsToTheCourse: an author's folder added to the built-in
// course loads as one course, the author's lesson last.
func TestMergeAddsToTheCourse(t *testing.T) {
	extra := Files{"12-our-policy.md": `---
title: Our mail policy
order: 12
minutes: 3
objectives:
- Know which port our mail uses
secplus:
- 4.5
---
Use port 995 with implicit TLS.
`}
	merged, err := Merge(CourseFS(), extra)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(merged, "*.md")
	if len(names) != 12 {
		t.Fatalf("%d files", len(names))
	}
	course, err := Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	if last := course[len(course)-1]; last.Title != "Our mail policy" || last.Order != 12 {
		t.Fatalf("last lesson %q (order %d)", last.Title, last.Order)
	}
}
