package view

import (
	"fmt"
	"time"
)

// CourseTotals is what a course offers to score: its lessons, the
// questions of each quiz and the points of each challenge, by ID.
type CourseTotals struct {
	Lessons    []string
	Quizzes    map[string]int
	Challenges map[string]int
}

// QuestionPoints is what one quiz question weighs in the course score
// against challenge points (a challenge item is worth 10 by default).
const QuestionPoints = 10

// LMSStatus is the SCORM 1.2 cmi.core.lesson_status for the progress:
// "completed" once every lesson of the course is, else "incomplete".
func (p *Progress) LMSStatus(t CourseTotals) string {
	if len(t.Lessons) == 0 {
		return "incomplete"
	}
	for _, l := range t.Lessons {
		if !p.Completed[l] {
			return "incomplete"
		}
	}
	return "completed"
}

// LMSScore is the course score from 0 to 100 for SCORM 1.2
// cmi.core.score.raw: the best result of every quiz (QuestionPoints a
// question) and every challenge (its points after hints), over all that
// the course offers. Results for quizzes or challenges the course does not
// have (an older course) do not count.
func (p *Progress) LMSScore(t CourseTotals) int {
	got, total := 0, 0
	for id, n := range t.Quizzes {
		total += n * QuestionPoints
		got += min(p.Quizzes[id].Best, n) * QuestionPoints
	}
	for id, n := range t.Challenges {
		total += n
		got += min(p.Challenges[id].Best, n)
	}
	if total == 0 {
		return 0
	}
	return got * 100 / total
}

// SCORMTime writes a duration as a SCORM 1.2 CMITimespan, HHHH:MM:SS.SS
// (hours of 2 to 4 digits; 9999 hours at most).
func SCORMTime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	cs := int64(d / (10 * time.Millisecond)) // centiseconds
	h := min(cs/360000, 9999)
	if h == 9999 {
		return "9999:59:59.99"
	}
	cs -= h * 360000
	m := cs / 6000
	cs -= m * 6000
	return fmt.Sprintf("%04d:%02d:%02d.%02d", h, m, cs/100, cs%100)
}
