package lessons

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"pop3lab/sim/scenario"
)

// CourseVersion is the version of the course document that EncodeCourse
// writes and DecodeCourse reads. A change of the document's form that an
// older app would misread is a new version.
const CourseVersion = 1

// CourseFile is where a built site keeps its course document, relative
// to the site.
const CourseFile = "lessons/course.json"

// MaxCourseSize bounds a course document DecodeCourse reads: the built-in
// course is about half a megabyte.
const MaxCourseSize = 16 << 20

// courseDocument is the course as the build publishes it (the site's
// lessons/course.json):
//
//	{"version": 1, "lessons": [LESSON, ...]}
//
// with the lessons in course order, each in the JSON form of Lesson: its
// fields under their json names, the rendered HTML included. A scenario's
// parsed form is not in the document: DecodeCourse parses its source.
type courseDocument struct {
	Version int       `json:"version"`
	Lessons []*Lesson `json:"lessons"`
}

// EncodeCourse writes a rendered course, in order, as the course document
// (see DecodeCourse).
func EncodeCourse(course []*Lesson) ([]byte, error) {
	if err := checkCourse(course); err != nil {
		return nil, err
	}
	return json.Marshal(courseDocument{Version: CourseVersion, Lessons: course})
}

// DecodeCourse reads a course document that EncodeCourse wrote: version 1,
// {"version": 1, "lessons": [...]}, no unknown fields and nothing after
// it. It checks the shape of what it reads as far as the app relies on it
// (unique IDs, scenarios and challenge setups that parse, conditions the
// grader knows, byte links to a scenario of their lesson), so a damaged
// document is an error here and never a failure later. The HTML is taken
// as the build rendered it: the document comes from the same site as the
// app.
func DecodeCourse(b []byte) ([]*Lesson, error) {
	if len(b) > MaxCourseSize {
		return nil, fmt.Errorf("the course document is %d bytes; the limit is %d", len(b), MaxCourseSize)
	}
	doc, err := decodeDocument(b)
	if err != nil {
		return nil, err
	}
	for _, l := range doc.Lessons {
		if l == nil {
			return nil, errors.New("the course document is damaged: a lesson is null")
		}
		for i := range l.Scenarios {
			if err := l.Scenarios[i].parse(); err != nil {
				return nil, fmt.Errorf("the course document is damaged: lesson %s: %w", l.Slug, err)
			}
		}
	}
	if err := checkCourse(doc.Lessons); err != nil {
		return nil, fmt.Errorf("the course document is damaged: %w", err)
	}
	return doc.Lessons, nil
}

// decodeDocument decodes b as a course document of CourseVersion with no
// unknown fields and nothing after it but white space, in one pass. A
// document that is not all that is read again for its version alone, to
// say what is wrong with it: not JSON, no version, another version, or
// else damaged. The version comes before the decoder's complaint because
// a document of another version may well have fields this one does not
// know.
func decodeDocument(b []byte) (courseDocument, error) {
	var doc courseDocument
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(&doc)
	if err == nil && doc.Version == CourseVersion && onlyJSONSpace(b[dec.InputOffset():]) {
		return doc, nil
	}
	// Unmarshal also refuses anything after the document.
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return doc, fmt.Errorf("the course document is not JSON: %w", err)
	}
	if probe.Version == nil {
		return doc, errors.New("the course document has no version")
	}
	if *probe.Version != CourseVersion {
		return doc, fmt.Errorf("the course document is version %d; this app reads version %d", *probe.Version, CourseVersion)
	}
	if err != nil {
		return doc, fmt.Errorf("the course document is damaged: %w", err)
	}
	return doc, nil
}

// onlyJSONSpace reports whether b is nothing but JSON's white space.
func onlyJSONSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// parse parses a decoded scenario's source, which must give its title
// and summary and at least one step.
func (s *Scenario) parse() error {
	sc, err := NewScenario(s.ID, s.Source, s.Line)
	switch {
	case err != nil:
		return fmt.Errorf("scenario %s does not parse: %v", s.ID, firstLine(err.Error()))
	case sc.Title != s.Title || sc.Summary != s.Summary:
		return fmt.Errorf("scenario %s: its title and summary are not those of its source", s.ID)
	case len(sc.parsed.Steps) == 0:
		return fmt.Errorf("scenario %s has no steps", s.ID)
	}
	s.parsed = sc.parsed
	return nil
}

// checkCourse checks what the app relies on in a course: at least one
// lesson; slugs and orders unique, orders rising; IDs of scenarios,
// quizzes, cards and challenges unique in the course; questions with a
// right and a wrong answer; challenges whose items have conditions the
// grader knows and whose setup parses; byte links to a scenario of their
// lesson and a step it has.
func checkCourse(course []*Lesson) error {
	if len(course) == 0 {
		return errors.New("no lessons")
	}
	slugs := map[string]bool{}
	ids := map[string]bool{}
	unique := func(kind, id string) error {
		if id == "" {
			return fmt.Errorf("a %s without an ID", kind)
		}
		if ids[kind+" "+id] {
			return fmt.Errorf("%s %s given twice", kind, id)
		}
		ids[kind+" "+id] = true
		return nil
	}
	for i, l := range course {
		if !ValidSlug(l.Slug) {
			return fmt.Errorf("lesson %d: bad slug %q", i+1, truncate(l.Slug, 40))
		}
		if slugs[l.Slug] {
			return fmt.Errorf("lesson %s given twice", l.Slug)
		}
		slugs[l.Slug] = true
		if l.Title == "" || l.HTML == "" || l.Order < 1 || l.Minutes < 1 {
			return fmt.Errorf("lesson %s: no title, HTML, order or time", l.Slug)
		}
		if i > 0 && l.Order <= course[i-1].Order {
			return fmt.Errorf("lesson %s: order %d after %d", l.Slug, l.Order, course[i-1].Order)
		}
		steps := map[string]int{}
		for j := range l.Scenarios {
			s := &l.Scenarios[j]
			if err := unique("scenario", s.ID); err != nil {
				return err
			}
			if s.parsed == nil {
				return fmt.Errorf("scenario %s: not parsed", s.ID)
			}
			steps[s.ID] = len(s.parsed.Steps)
		}
		for _, q := range l.Quizzes {
			if err := unique("quiz", q.ID); err != nil {
				return err
			}
			if len(q.Questions) == 0 {
				return fmt.Errorf("quiz %s has no questions", q.ID)
			}
			for k, qu := range q.Questions {
				if right := len(qu.Correct()); right == 0 || right == len(qu.Answers) {
					return fmt.Errorf("quiz %s: question %d needs a right and a wrong answer", q.ID, k+1)
				}
			}
		}
		cards := map[string]bool{}
		for _, c := range l.Cards {
			if c.ID == "" || c.Term == "" || cards[c.ID] {
				return fmt.Errorf("lesson %s: a card without an ID or term, or given twice (%q)", l.Slug, truncate(c.ID, 40))
			}
			cards[c.ID] = true
		}
		for j := range l.Challenges {
			c := &l.Challenges[j]
			if err := unique("challenge", c.ID); err != nil {
				return err
			}
			if err := c.check(); err != nil {
				return fmt.Errorf("challenge %s: %w", c.ID, err)
			}
		}
		for _, bl := range l.ByteLinks {
			if err := unique("byte link", bl.ID); err != nil {
				return err
			}
			n, ok := steps[bl.Scenario]
			if !ok || bl.Step < 1 || bl.Step > n || !slices.Contains(Findings, bl.Show) {
				return fmt.Errorf("byte link %s: no scenario %q of its lesson with step %d, or nothing to show", bl.ID, truncate(bl.Scenario, 40), bl.Step)
			}
		}
	}
	return nil
}

// check checks a challenge: items with conditions as ParseCondition
// gives them, hints that cost something, and a setup and solution that
// parse as scenario steps (Setup relies on it).
func (c *Challenge) check() error {
	if len(c.Items) == 0 {
		return errors.New("no items")
	}
	for i, it := range c.Items {
		if len(it.Conditions) == 0 || it.Points < 1 {
			return fmt.Errorf("item %d has no conditions or no points", i+1)
		}
		for _, cond := range it.Conditions {
			want, err := newCondition(cond.Not, cond.Kind, cond.Args, cond.Kind)
			if err != nil {
				return fmt.Errorf("item %d: %v", i+1, err)
			}
			if want.Op != cond.Op || want.N != cond.N {
				return fmt.Errorf("item %d: the comparison of %q is not that of its words", i+1, cond.Kind)
			}
		}
	}
	for i, h := range c.Hints {
		if h.Cost < 1 {
			return fmt.Errorf("hint %d costs nothing", i+1)
		}
	}
	for _, lines := range [][][]ScenarioLine{{c.SetupLines}, {c.SetupLines, c.SolutionLines}} {
		if _, err := scenario.Parse(ScenarioSource(c.Seed, lines...)); err != nil {
			return fmt.Errorf("its setup or solution does not parse: %v", firstLine(err.Error()))
		}
	}
	return nil
}

// ValidSlug reports whether s is a lesson's slug: lower-case letters and
// digits in words joined by single hyphens (a lesson's file name is
// SLUG.md, its page SLUG.html).
func ValidSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// firstLine is the first line of a message.
func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
