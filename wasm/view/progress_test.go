package view

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestProgressQuizAndCompletion(t *testing.T) {
	p := NewProgress()
	p.Score("01-where", "01-where-quiz1", 2, 4)
	if p.Completed["01-where"] || p.Percent(10) != 0 {
		t.Fatal("a partly right quiz completed the lesson")
	}
	p.Score("01-where", "01-where-quiz1", 4, 4)
	p.Score("01-where", "01-where-quiz1", 1, 4)
	if !p.Completed["01-where"] || p.Percent(10) != 10 || p.Quizzes["01-where-quiz1"] != (QuizScore{Right: 1, Total: 4, Best: 4}) {
		t.Fatalf("progress %+v", p)
	}
	b, _ := p.Save()
	q, err := LoadProgress(b)
	if err != nil || !reflect.DeepEqual(q, p) {
		t.Fatalf("round trip %+v, %v", q, err)
	}
}

func TestLeitnerSchedule(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	p := NewProgress()
	deck := []string{"a", "b", "c"}
	if got := p.Due(deck, now); !reflect.DeepEqual(got, deck) {
		t.Fatalf("new cards due: %v", got)
	}
	p.Review("a", true, now)  // box 2: tomorrow
	p.Review("b", false, now) // box 1: now
	if got := p.Due(deck, now); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Fatalf("due after review: %v", got)
	}
	if got := p.Due(deck, now.Add(25*time.Hour)); !reflect.DeepEqual(got, deck) {
		t.Fatalf("due tomorrow: %v", got)
	}
	for range 10 {
		p.Review("a", true, now)
	}
	if p.Cards["a"].Box != len(ReviewIntervals) {
		t.Fatalf("box %d", p.Cards["a"].Box)
	}
	p.Review("a", false, now)
	if p.Cards["a"].Box != 1 {
		t.Fatal("a forgotten card goes back to box 1")
	}
}

// TestProgressRead: a lesson counts as read once opened, or once
// completed in progress saved before lessons were marked read.
func TestProgressRead(t *testing.T) {
	p := NewProgress()
	if p.IsRead("01-where") {
		t.Fatal("read before opening")
	}
	if !p.MarkRead("01-where") || p.MarkRead("01-where") || !p.IsRead("01-where") {
		t.Fatalf("MarkRead: %+v", p.Read)
	}
	old, err := LoadProgress([]byte(`{"v":1,"completed":{"02-anatomy":true}}`))
	if err != nil || !old.IsRead("02-anatomy") || old.IsRead("01-where") || old.Read == nil {
		t.Fatalf("old progress: %+v, %v", old, err)
	}
}

// TestProgressChallenges: the latest and best score of a challenge, and
// its completion, survive a save; a retry that scores lower keeps the best.
func TestProgressChallenges(t *testing.T) {
	p := NewProgress()
	for _, tt := range []struct {
		score    int
		complete bool
		changed  bool
		want     ChallengeScore
	}{
		{10, false, true, ChallengeScore{Score: 10, Max: 40, Best: 10}},
		{10, false, false, ChallengeScore{Score: 10, Max: 40, Best: 10}},
		{35, true, true, ChallengeScore{Score: 35, Max: 40, Best: 35, Complete: true}},
		{0, false, true, ChallengeScore{Score: 0, Max: 40, Best: 35, Complete: true}}, // a retry
	} {
		if got := p.ChallengeResult("08-attacks-challenge-1", tt.score, 40, tt.complete); got != tt.changed {
			t.Errorf("score %d: changed = %v", tt.score, got)
		}
		if got := p.Challenges["08-attacks-challenge-1"]; got != tt.want {
			t.Errorf("score %d: %+v, want %+v", tt.score, got, tt.want)
		}
	}
	b, _ := p.Save()
	q, err := LoadProgress(b)
	if err != nil || !reflect.DeepEqual(q, p) {
		t.Fatalf("round trip %s: %+v, %v", b, q, err)
	}
}

// TestProgressMerge: importing progress from another browser keeps the
// better of both, whichever side it is on.
func TestProgressMerge(t *testing.T) {
	here := NewProgress()
	here.Read["01"], here.Completed["01"] = true, true
	here.Quizzes["q1"] = QuizScore{Right: 2, Total: 4, Best: 3}
	here.Quizzes["q2"] = QuizScore{Right: 4, Total: 4, Best: 4}
	here.Cards["a"] = CardState{Box: 3, Due: 100}
	here.Cards["b"] = CardState{Box: 1, Due: 50}
	here.Challenges["c1"] = ChallengeScore{Score: 10, Max: 40, Best: 30, Complete: true}
	there := NewProgress()
	there.Read["02"] = true
	there.Quizzes["q1"] = QuizScore{Right: 4, Total: 4, Best: 4}
	there.Quizzes["q2"] = QuizScore{Right: 1, Total: 4, Best: 1}
	there.Cards["a"] = CardState{Box: 2, Due: 900}
	there.Cards["b"] = CardState{Box: 1, Due: 70}
	there.Cards["c"] = CardState{Box: 5, Due: 10}
	there.Challenges["c1"] = ChallengeScore{Score: 35, Max: 40, Best: 35}
	there.Challenges["c2"] = ChallengeScore{Score: 5, Max: 30, Best: 5}
	there.Last = "02"
	here.Merge(there)
	want := &Progress{
		Version:   ProgressVersion,
		Completed: map[string]bool{"01": true},
		Read:      map[string]bool{"01": true, "02": true},
		Quizzes:   map[string]QuizScore{"q1": {4, 4, 4}, "q2": {4, 4, 4}},
		Cards:     map[string]CardState{"a": {3, 100}, "b": {1, 70}, "c": {5, 10}},
		Challenges: map[string]ChallengeScore{
			"c1": {Score: 35, Max: 40, Best: 35, Complete: true},
			"c2": {Score: 5, Max: 30, Best: 5},
		},
		Last: "02",
	}
	if !reflect.DeepEqual(here, want) {
		t.Errorf("merged:\n%+v\nwant:\n%+v", here, want)
	}
}

func TestLoadProgressCorrupt(t *testing.T) {
	for _, in := range []string{"", "[]", `{"v":9}`, `{"v":1,"cards":{"x":{"box":0,"due":1}}}`, `{"v":1,"challenges":{"x":{"Score":50,"Max":40,"Best":50}}}`} {
		if _, err := LoadProgress([]byte(in)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("LoadProgress(%q) = %v", in, err)
		}
	}
}
