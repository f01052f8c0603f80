package render

import (
	"fmt"
	"html"
	"io/fs"
	"sort"
	"strings"

	"pop3lab/lessons"
	"pop3lab/lessons/course"
)

// Course returns the built-in course (package course) in order.
func Course() ([]*lessons.Lesson, error) {
	return Load(course.FS())
}

// CourseFS returns the built-in course's files, for Check.
func CourseFS() fs.FS { return course.FS() }

// Parse reads and renders one lesson. name is the file name, used for
// the slug and in errors. Parse sees one file: cards that a lesson
// includes from others (@include) are left out, and links to other
// lessons are not checked; Load does both. On failure the error is
// Problems, each naming name:line.
func Parse(name, src string) (*lessons.Lesson, error) {
	d := parseDoc(name, src)
	if ps := d.problemList(); len(ps) > 0 {
		return nil, Problems(ps)
	}
	l, err := d.lesson()
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Load reads every *.md file at the top of fsys as a lesson, resolves
// the links and card includes between them, and returns the lessons by
// order. Any problem that Check would find without running scenarios
// fails the load, as Problems.
func Load(fsys fs.FS) ([]*lessons.Lesson, error) {
	docs, problems := loadDocs(fsys)
	if len(problems) > 0 {
		return nil, Problems(problems)
	}
	out := make([]*lessons.Lesson, 0, len(docs))
	for _, d := range docs {
		l, err := d.lesson()
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// loadDocs parses every lesson of fsys and checks what is between them:
// unique orders, links to other lessons and their headings, card
// includes. The docs come back by order, then file name.
func loadDocs(fsys fs.FS) ([]*doc, []Problem) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, []Problem{{File: ".", Msg: err.Error()}}
	}
	if len(names) == 0 {
		return nil, []Problem{{File: ".", Msg: "no lessons: want one NAME.md file per lesson"}}
	}
	sort.Strings(names)
	var docs []*doc
	var problems []Problem
	byFile := map[string]*doc{}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, Problem{File: name, Msg: err.Error()})
			continue
		}
		d := parseDoc(name, string(src))
		docs = append(docs, d)
		byFile[name] = d
	}
	orders := map[int]*doc{}
	for _, d := range docs {
		if d.fm.Order == 0 {
			continue
		}
		if first, dup := orders[d.fm.Order]; dup {
			d.errorf(d.fm.OrderLine, "front matter: order %d is also the order of %s", d.fm.Order, first.file)
			continue
		}
		orders[d.fm.Order] = d
	}
	for _, d := range docs {
		for _, l := range d.links {
			if !l.internal || l.file == "" {
				continue
			}
			target, ok := byFile[l.file]
			switch {
			case !ok:
				d.errorf(l.line, "link to %q: there is no lesson %s in the course folder", truncate(l.dest, 40), l.file)
			case l.fragment != "" && !target.headingIDs[l.fragment]:
				d.errorf(l.line, "link to %q: %s has no heading with the ID %q%s", truncate(l.dest, 40), l.file, l.fragment, suggestIDs(target.headingIDs))
			}
		}
		for _, cb := range d.decks {
			for _, inc := range cb.includes {
				target, ok := byFile[inc.file]
				switch {
				case !ok:
					d.errorf(inc.line, "cards: @include %s: there is no such lesson in the course folder", inc.file)
				case target == d:
					d.errorf(inc.line, "cards: @include %s: a lesson cannot include its own cards", inc.file)
				default:
					for _, tb := range target.decks {
						cb.cards = append(cb.cards, tb.own...)
					}
				}
			}
		}
	}
	for _, d := range docs {
		problems = append(problems, d.problemList()...)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].fm.Order != docs[j].fm.Order {
			return docs[i].fm.Order < docs[j].fm.Order
		}
		return docs[i].file < docs[j].file
	})
	sortProblems(problems)
	return docs, problems
}

// problemList names the doc's problems with its file, in line order.
func (d *doc) problemList() []Problem {
	ps := make([]Problem, len(d.problems))
	for i, e := range d.problems {
		ps[i] = Problem{File: d.file, Line: e.Line, Msg: e.Msg}
	}
	sortProblems(ps)
	return ps
}

// lesson renders a doc that has no problems.
func (d *doc) lesson() (*lessons.Lesson, error) {
	body, err := d.render()
	if err != nil {
		return nil, fmt.Errorf("%s: rendering: %w", d.file, err)
	}
	l := &lessons.Lesson{
		Slug: d.slug, Title: d.fm.Title, Order: d.fm.Order, Minutes: d.fm.Minutes,
		Objectives: d.fm.Objectives, SecPlus: d.fm.SecPlus, Source: d.source,
	}
	for _, s := range d.scenarios {
		l.Scenarios = append(l.Scenarios, *s.Scenario)
	}
	for _, q := range d.quizzes {
		l.Quizzes = append(l.Quizzes, *q)
	}
	for _, cb := range d.decks {
		l.Cards = append(l.Cards, cb.cards...)
	}
	for _, c := range d.challenges {
		l.Challenges = append(l.Challenges, *c)
	}
	for _, bl := range d.byteLinks {
		l.ByteLinks = append(l.ByteLinks, *bl.ByteLink)
	}
	l.HTML = articleHTML(l, body)
	return l, nil
}

// articleHTML wraps a rendered lesson body in its article and header.
func articleHTML(l *lessons.Lesson, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<article class="lesson" data-lesson="%s">`+"\n", html.EscapeString(l.Slug))
	fmt.Fprintf(&b, "<header>\n<h1>%s</h1>\n", html.EscapeString(l.Title))
	fmt.Fprintf(&b, `<p class="lesson-meta">Lesson %d · about %d minutes</p>`+"\n", l.Order, l.Minutes)
	b.WriteString(`<section class="objectives" aria-label="Learning objectives">` + "\n<p>After this lesson you can:</p>\n<ul>\n")
	for _, o := range l.Objectives {
		fmt.Fprintf(&b, "<li>%s</li>\n", inlineText(o))
	}
	b.WriteString("</ul>\n")
	b.WriteString(`<p class="secplus">CompTIA Security+ SY0-701:</p>` + "\n" + `<ul class="secplus">` + "\n")
	for _, n := range l.SecPlus {
		o, _ := LookupObjective(n)
		fmt.Fprintf(&b, `<li><span class="objective-number">%s</span> %s</li>`+"\n", html.EscapeString(o.Number), html.EscapeString(o.Title))
	}
	b.WriteString("</ul>\n</section>\n</header>\n")
	b.WriteString(body)
	b.WriteString("</article>\n")
	return b.String()
}
