package render

import (
	"strings"
	"testing"
)

// TestCourseChecks runs Check on the built-in course: every front
// matter, link, quiz and card, and every pop3 block run on the
// simulator.
func TestCourseChecks(t *testing.T) {
	for _, p := range Check(CourseFS()) {
		t.Error(p)
	}
}

// TestCourseShape holds the course to its brief: eleven lessons of 5 to
// 15 minutes (the review up to 30), each with a runnable scenario, a quiz
// of 3 to 6 questions and cards; the review, last, has at least 12
// questions and the whole deck.
func TestCourseShape(t *testing.T) {
	course, err := Course()
	if err != nil {
		t.Fatal(err)
	}
	if len(course) != 11 {
		t.Fatalf("%d lessons, want 11", len(course))
	}
	last := len(course) - 1
	deck := map[string]bool{}
	for i, l := range course {
		if l.Order != i+1 {
			t.Errorf("%s: order %d, want %d", l.Slug, l.Order, i+1)
		}
		if limit := map[bool]int{true: 30, false: 15}[i == last]; l.Minutes < 5 || l.Minutes > limit {
			t.Errorf("%s: %d minutes, want 5 to %d", l.Slug, l.Minutes, limit)
		}
		if len(l.Scenarios) == 0 || len(l.Quizzes) != 1 || len(l.Cards) == 0 {
			t.Errorf("%s: %d scenarios, %d quizzes, %d cards", l.Slug, len(l.Scenarios), len(l.Quizzes), len(l.Cards))
			continue
		}
		if i >= 2 && len(l.Challenges) == 0 {
			t.Errorf("%s: no challenge (every lesson from 3 on has one)", l.Slug)
		}
		questions := len(l.Quizzes[0].Questions)
		if i < last && (questions < 3 || questions > 6) || i == last && questions < 12 {
			t.Errorf("%s: %d questions", l.Slug, questions)
		}
		if i < last {
			for _, c := range l.Cards {
				deck[c.ID] = true
			}
		}
		if strings.Contains(l.HTML, "<script") {
			t.Errorf("%s: the HTML holds a script tag", l.Slug)
		}
	}
	review := map[string]bool{}
	for _, c := range course[last].Cards {
		review[c.ID] = true
	}
	for id := range deck {
		if !review[id] {
			t.Errorf("the review deck lacks %s", id)
		}
	}
	if len(review) != len(deck) {
		t.Errorf("the review deck has %d cards, the lessons %d", len(review), len(deck))
	}
}

// BenchmarkCourseCheck measures Check on the built-in course, as
// pop3lab lessons check and pop3lab build run it: every pop3 block run
// on the simulator, each bytes block looked for at its step.
func BenchmarkCourseCheck(b *testing.B) {
	for b.Loop() {
		if ps := Check(CourseFS()); len(ps) > 0 {
			b.Fatal(ps[0])
		}
	}
}
