package view

import (
	"testing"
	"time"
)

func TestLMSStatusAndScore(t *testing.T) {
	totals := CourseTotals{
		Lessons:    []string{"01", "02"},
		Quizzes:    map[string]int{"01-quiz-1": 4, "02-quiz-1": 6},
		Challenges: map[string]int{"02-challenge-1": 40},
	}
	p := NewProgress()
	tests := []struct {
		do     func()
		status string
		score  int
	}{
		{func() {}, "incomplete", 0},
		{func() { p.Score("01", "01-quiz-1", 4, 4) }, "incomplete", 28},                  // 40 of 140
		{func() { p.Score("02", "02-quiz-1", 3, 6) }, "incomplete", 50},                  // 70 of 140
		{func() { p.ChallengeResult("02-challenge-1", 35, 40, true) }, "incomplete", 75}, // 105 of 140
		{func() { p.Score("02", "02-quiz-1", 6, 6) }, "completed", 96},                   // 135 of 140
		{func() { p.ChallengeResult("02-challenge-1", 40, 40, true) }, "completed", 100},
		{func() { p.Quizzes["gone-quiz"] = QuizScore{Best: 9} }, "completed", 100}, // not in the course
	}
	for i, tt := range tests {
		tt.do()
		if got := p.LMSStatus(totals); got != tt.status {
			t.Errorf("step %d: status %q, want %q", i, got, tt.status)
		}
		if got := p.LMSScore(totals); got != tt.score {
			t.Errorf("step %d: score %d, want %d", i, got, tt.score)
		}
	}
	if NewProgress().LMSStatus(CourseTotals{}) != "incomplete" || NewProgress().LMSScore(CourseTotals{}) != 0 {
		t.Error("an empty course")
	}
}

func TestSCORMTime(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0000:00:00.00"},
		{-time.Second, "0000:00:00.00"},
		{1234 * time.Millisecond, "0000:00:01.23"},
		{time.Hour + 2*time.Minute + 3*time.Second + 450*time.Millisecond, "0001:02:03.45"},
		{25 * time.Hour, "0025:00:00.00"},
		{20000 * time.Hour, "9999:59:59.99"},
	} {
		if got := SCORMTime(tt.d); got != tt.want {
			t.Errorf("SCORMTime(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
