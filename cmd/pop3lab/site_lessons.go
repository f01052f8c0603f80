package main

import (
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"strings"

	"pop3lab/lessons"
	"pop3lab/lessons/render"
)

// renderLessons writes the course into the built site (see
// courseChoice): one static page per lesson, DIR/lessons/SLUG.html,
// readable without JavaScript; DIR/lessons/index.json listing them;
// DIR/lessons/course.json, the rendered course the app reads; and
// DIR/lessons/sources.json, the markdown. A course that fails
// render.Check is not published: the error names file:line.
func renderLessons(site *siteWriter, choice courseChoice) error {
	fsys, prefix, err := courseSource(choice)
	if err != nil {
		return err
	}
	if problems := render.Check(fsys); len(problems) > 0 {
		return problemsError(prefix, problems)
	}
	course, err := render.Load(fsys)
	if err != nil {
		return err
	}
	type entry struct {
		Slug       string   `json:"slug"`
		Title      string   `json:"title"`
		Order      int      `json:"order"`
		Minutes    int      `json:"minutes"`
		Objectives []string `json:"objectives"`
		SecPlus    []string `json:"secplus"`
	}
	index := make([]entry, 0, len(course))
	for _, l := range course {
		if err := site.write("lessons/"+l.Slug+".html", []byte(lessonPage(l, course))); err != nil {
			return err
		}
		index = append(index, entry{l.Slug, l.Title, l.Order, l.Minutes, l.Objectives, l.SecPlus})
	}
	data, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	if err := site.write("lessons/index.json", append(data, '\n')); err != nil {
		return err
	}
	if err := site.write("lessons/index.html", []byte(contentsPage(course))); err != nil {
		return err
	}
	// The app reads the rendered course from course.json, so an author's
	// course replaces the built-in one there too, and the app needs no
	// markdown renderer.
	doc, err := lessons.EncodeCourse(course)
	if err != nil {
		return err
	}
	if err := site.write(lessons.CourseFile, append(doc, '\n')); err != nil {
		return err
	}
	// The markdown the course was built from, for authors who start from
	// it.
	sources, err := courseSources(fsys)
	if err != nil {
		return err
	}
	return site.write("lessons/sources.json", sources)
}

// courseSources encodes the lesson files as {"files": {name: markdown}}.
func courseSources(fsys fs.FS) ([]byte, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files[n] = string(b)
	}
	return json.Marshal(struct {
		Files map[string]string `json:"files"`
	}{files})
}

// contentsPage lists the course, for reading without JavaScript.
func contentsPage(course []*lessons.Lesson) string {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	fmt.Fprintf(&b, `<meta http-equiv="Content-Security-Policy" content="%s">`+"\n", lessonPageCSP)
	b.WriteString("<title>The course · pop3lab</title>\n")
	b.WriteString(`<link rel="stylesheet" href="../style.css">` + "\n</head>\n")
	b.WriteString(`<body class="lesson-page">` + "\n<main>\n<h1>The course</h1>\n<ol>\n")
	for _, l := range course {
		fmt.Fprintf(&b, `<li><a href="%s.html">%s</a> · about %d minutes</li>`+"\n", html.EscapeString(l.Slug), html.EscapeString(l.Title), l.Minutes)
	}
	b.WriteString("</ol>\n" + `<p><a href="../index.html">Open the simulator</a></p>` + "\n</main>\n</body>\n</html>\n")
	return b.String()
}

// lessonPageCSP allows the page's own style sheet and nothing active: the
// prerendered lessons hold no script.
const lessonPageCSP = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"

// lessonPage is a complete, small HTML page for one lesson.
func lessonPage(l *lessons.Lesson, course []*lessons.Lesson) string {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	fmt.Fprintf(&b, `<meta http-equiv="Content-Security-Policy" content="%s">`+"\n", lessonPageCSP)
	fmt.Fprintf(&b, "<title>%s · pop3lab</title>\n", html.EscapeString(l.Title))
	b.WriteString(`<link rel="stylesheet" href="../style.css">` + "\n</head>\n")
	b.WriteString(`<body class="lesson-page">` + "\n")
	b.WriteString(`<header class="site-header"><a href="../index.html">pop3lab</a>: POP3 and CompTIA Security+, a course with a simulator</header>` + "\n")
	b.WriteString("<main>\n")
	b.WriteString(lessons.RenderPage(l, course))
	b.WriteString(`<p class="open-in-app"><a href="../index.html">Open the simulator</a> to run this lesson's scenarios and check your answers.</p>` + "\n")
	b.WriteString("</main>\n</body>\n</html>\n")
	return b.String()
}
