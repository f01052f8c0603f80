package lessons

import "fmt"

// Quiz is a ```quiz block: Security+-style questions, each with one or
// several right answers and an explanation for every answer. The format:
//
//	? Which port does POP3 over implicit TLS use?
//	- 110 :: Plain POP3; STLS may upgrade it, but it starts in plaintext.
//	+ 995 :: POP3S, implicit TLS (RFC 8314).
//	- 143 :: IMAP.
//
// "?" starts a question, "+" is a right answer, "-" a wrong one, and
// " :: " separates an answer from its explanation. A question with
// several "+" answers is a multiple-answer question ("Choose two.").
// Text may hold `code spans`. Blank lines are ignored.
type Quiz struct {
	// ID is "SLUG-quiz-N" for the Nth quiz of the lesson; the rendered
	// form carries it as data-quiz-id.
	ID string `json:"id"`
	// Line is the markdown line of the block's opening fence.
	Line int `json:"line"`
	// Questions in order.
	Questions []Question `json:"questions"`
}

// Question is one question of a quiz.
type Question struct {
	// Line is the markdown line of the "?" line.
	Line int `json:"line"`
	// Text is the question, markdown code spans and all.
	Text string `json:"text"`
	// Answers in the order written; the rendered inputs have their
	// 0-based index as value.
	Answers []Answer `json:"answers"`
}

// Answer is one answer of a question.
type Answer struct {
	// Line is the markdown line of the answer.
	Line int `json:"line"`
	// Text is the answer, Explanation why it is right or wrong.
	Text        string `json:"text"`
	Explanation string `json:"explanation"`
	// Correct marks a right answer ("+").
	Correct bool `json:"correct"`
}

// Multiple reports whether the question has several right answers.
func (q Question) Multiple() bool { return len(q.Correct()) > 1 }

// Correct returns the 0-based indexes of the right answers.
func (q Question) Correct() []int {
	var idx []int
	for i, a := range q.Answers {
		if a.Correct {
			idx = append(idx, i)
		}
	}
	return idx
}

// IsRight reports whether chosen (0-based answer indexes, any order) is
// exactly the set of right answers.
func (q Question) IsRight(chosen []int) bool {
	seen := map[int]bool{}
	for _, i := range chosen {
		if i < 0 || i >= len(q.Answers) || !q.Answers[i].Correct || seen[i] {
			return false
		}
		seen[i] = true
	}
	return len(seen) == len(q.Correct())
}

// Feedback returns the 0-based indexes of the answers whose explanations
// a learner sees after choosing chosen: those chosen, in answer order, and
// no other. A wrong choice so shows only why it is wrong, not which answer
// is right, and the learner can try again.
func (q Question) Feedback(chosen []int) []int {
	picked := map[int]bool{}
	for _, i := range chosen {
		if i >= 0 && i < len(q.Answers) {
			picked[i] = true
		}
	}
	var show []int
	for i := range q.Answers {
		if picked[i] {
			show = append(show, i)
		}
	}
	return show
}

// Name returns the name of question i's inputs in the rendered form.
func (q *Quiz) Name(i int) string { return fmt.Sprintf("%s-q%d", q.ID, i+1) }
