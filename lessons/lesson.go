package lessons

import (
	"fmt"
	"html"
	"strings"
)

// Lesson is one lesson of the course, parsed and rendered (by package
// render, at build time). Its JSON form is part of the course document
// (see EncodeCourse).
type Lesson struct {
	// Slug is the file name without ".md" ("03-the-commands"); the
	// rendered page is SLUG.html.
	Slug string `json:"slug"`
	// Title, Order and Minutes come from the front matter: the title,
	// the place in the course (1, 2, ...), the estimated time.
	Title   string `json:"title"`
	Order   int    `json:"order"`
	Minutes int    `json:"minutes"`
	// Objectives are the learning objectives; SecPlus the numbers of the
	// CompTIA Security+ SY0-701 objectives the lesson serves ("3.3").
	Objectives []string `json:"objectives"`
	SecPlus    []string `json:"secplus"`
	// Source is the markdown file as given.
	Source string `json:"source"`
	// HTML is the lesson as an <article>: title, time, objectives and
	// the rendered markdown. It holds no script and no raw HTML.
	HTML string `json:"html"`
	// Scenarios, Quizzes and Cards are the custom blocks in order. The
	// cards include those gathered from other lessons by @include.
	Scenarios  []Scenario  `json:"scenarios"`
	Quizzes    []Quiz      `json:"quizzes"`
	Cards      []Card      `json:"cards"`
	Challenges []Challenge `json:"challenges"`
	// ByteLinks are the bytes blocks: buttons into the byte view.
	ByteLinks []ByteLink `json:"byteLinks"`
}

// RenderPage returns a lesson's page content: a course navigation, the
// lesson article, and links to the previous and next lessons. course is
// the whole course in order (it may be nil). Links are relative to the
// lessons' folder ("02-anatomy-of-a-session.html"); the caller adds the
// page around it.
func RenderPage(l *Lesson, course []*Lesson) string {
	var b strings.Builder
	b.WriteString(`<nav class="course-nav" aria-label="Course">` + "\n<ol>\n")
	var prev, next *Lesson
	for i, c := range course {
		current := ""
		if c.Slug == l.Slug {
			current = ` aria-current="page"`
			if i > 0 {
				prev = course[i-1]
			}
			if i+1 < len(course) {
				next = course[i+1]
			}
		}
		fmt.Fprintf(&b, `<li><a href="%s.html"%s>%s</a> <span class="minutes">%d min</span></li>`+"\n",
			html.EscapeString(c.Slug), current, html.EscapeString(c.Title), c.Minutes)
	}
	b.WriteString("</ol>\n</nav>\n")
	b.WriteString(l.HTML)
	b.WriteString(Pager(prev, next, ""))
	return b.String()
}

// StartLink returns the link that ends the course's introduction: "Start
// lesson 1: TITLE", to PREFIX + SLUG.html, with data-lesson as in Pager.
func StartLink(first *Lesson, prefix string) string {
	return fmt.Sprintf(`<nav class="lesson-pager" aria-label="Start the course">`+"\n"+`<a rel="next" href="%s%s.html" data-lesson="%s">Start lesson %d: %s →</a>`+"\n</nav>\n",
		html.EscapeString(prefix), html.EscapeString(first.Slug), html.EscapeString(first.Slug), first.Order, html.EscapeString(first.Title))
}

// Pager returns the links that end a lesson: back to prev, on to next
// ("Next: lesson 4, ..."), either of which may be nil. Each link goes to
// PREFIX + SLUG.html and carries data-lesson, which the app uses to open
// the lesson in its own pane. Without prev and next it returns "".
func Pager(prev, next *Lesson, prefix string) string {
	if prev == nil && next == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<nav class="lesson-pager" aria-label="Previous and next lesson">` + "\n")
	if prev != nil {
		fmt.Fprintf(&b, `<a rel="prev" href="%s%s.html" data-lesson="%s">← %s</a>`+"\n",
			html.EscapeString(prefix), html.EscapeString(prev.Slug), html.EscapeString(prev.Slug), html.EscapeString(prev.Title))
	}
	if next != nil {
		fmt.Fprintf(&b, `<a rel="next" href="%s%s.html" data-lesson="%s">Next: lesson %d, %s →</a>`+"\n",
			html.EscapeString(prefix), html.EscapeString(next.Slug), html.EscapeString(next.Slug), next.Order, html.EscapeString(next.Title))
	}
	b.WriteString("</nav>\n")
	return b.String()
}
