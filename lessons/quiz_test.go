package lessons

import (
	"slices"
	"testing"
)

// TestQuizFeedback: a learner sees the explanations of the answers they
// chose and no other, so a wrong answer does not give the right one away.
func TestQuizFeedback(t *testing.T) {
	q := Question{Answers: []Answer{{Text: "POP3", Correct: true}, {Text: "IMAP", Correct: true}, {Text: "SMTP"}}}
	for _, tt := range []struct {
		chosen, want []int
	}{
		{nil, nil},
		{[]int{2}, []int{2}},           // wrong alone: only its own feedback
		{[]int{0, 2}, []int{0, 2}},     // one right, one wrong
		{[]int{1, 0}, []int{0, 1}},     // all right, in answer order
		{[]int{0, 0, 7, -1}, []int{0}}, // duplicates and bad indexes ignored
	} {
		got := q.Feedback(tt.chosen)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Feedback(%v) = %v, want %v", tt.chosen, got, tt.want)
		}
	}
}
