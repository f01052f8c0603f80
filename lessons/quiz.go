package lessons

import (
	"fmt"
	"html"
	"strings"
)

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
	ID string
	// Line is the markdown line of the block's opening fence.
	Line int
	// Questions in order.
	Questions []Question
}

// Question is one question of a quiz.
type Question struct {
	// Line is the markdown line of the "?" line.
	Line int
	// Text is the question, markdown code spans and all.
	Text string
	// Answers in the order written; the rendered inputs have their
	// 0-based index as value.
	Answers []Answer
}

// Answer is one answer of a question.
type Answer struct {
	// Line is the markdown line of the answer.
	Line int
	// Text is the answer, Explanation why it is right or wrong.
	Text, Explanation string
	// Correct marks a right answer ("+").
	Correct bool
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

// parseQuiz reads a quiz block.
func parseQuiz(b block, id string) (*Quiz, []lineError) {
	q := &Quiz{ID: id, Line: b.fence}
	var errs []lineError
	// broken marks questions with a bad answer line: checking their
	// answer counts would only repeat that problem.
	broken := map[int]bool{}
	report := func(line int, format string, args ...any) {
		errs = append(errs, lineError{line, "quiz: " + fmt.Sprintf(format, args...)})
	}
	fail := func(line int, format string, args ...any) {
		report(line, format, args...)
		broken[len(q.Questions)-1] = true
	}
	for i, raw := range b.contentLines() {
		n := b.line(i + 1)
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if hasControl(line) {
			fail(n, "control character in the line")
			continue
		}
		mark, rest := line[0], strings.TrimSpace(line[1:])
		if len(line) > 1 && line[1] != ' ' && line[1] != '\t' {
			mark = 0
		}
		switch mark {
		case '?':
			q.Questions = append(q.Questions, Question{Line: n, Text: rest})
			if rest == "" {
				fail(n, "empty question")
			}
			if strings.Contains(rest, "(Choose ") {
				fail(n, `leave out "(Choose N.)": it is added to questions with several right answers`)
			}
		case '+', '-':
			if len(q.Questions) == 0 {
				fail(n, `answer before the first "? question"`)
				continue
			}
			text, why, ok := cutExplanation(rest)
			switch {
			case !ok:
				fail(n, `answer without an explanation: write "answer :: why it is right or wrong"`)
				continue
			case text == "":
				fail(n, `empty answer before "::"`)
				continue
			case why == "":
				fail(n, `empty explanation after "::"`)
				continue
			}
			qu := &q.Questions[len(q.Questions)-1]
			for _, a := range qu.Answers {
				if a.Text == text {
					fail(n, "answer %q given twice (line %d)", truncate(text, 30), a.Line)
				}
			}
			qu.Answers = append(qu.Answers, Answer{Line: n, Text: text, Explanation: why, Correct: mark == '+'})
		default:
			fail(n, `want "? question", "+ right answer :: why" or "- wrong answer :: why", got %q`, truncate(line, 30))
		}
	}
	if len(q.Questions) == 0 && len(errs) == 0 {
		report(b.fence, "no questions")
	}
	for i, qu := range q.Questions {
		right := len(qu.Correct())
		switch {
		case broken[i]:
		case len(qu.Answers) < 2:
			report(qu.Line, "the question has %d answer(s): want at least 2", len(qu.Answers))
		case right == 0:
			report(qu.Line, `the question has no correct answer: mark the right ones with "+"`)
		case right == len(qu.Answers):
			report(qu.Line, `every answer is marked correct: mark the wrong ones with "-"`)
		}
	}
	if len(errs) > 0 {
		sortLineErrors(errs)
		return nil, errs
	}
	return q, nil
}

// html renders the quiz as a form the wasm checks; explanations are
// hidden until then.
func (q *Quiz) html() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<form class="quiz" data-quiz-id="%s">`+"\n", html.EscapeString(q.ID))
	for i, qu := range q.Questions {
		kind := "radio"
		if qu.Multiple() {
			kind = "checkbox"
		}
		fmt.Fprintf(&b, `<fieldset class="question"><legend><span class="question-number">%d.</span> %s`, i+1, inlineText(qu.Text))
		if qu.Multiple() {
			fmt.Fprintf(&b, ` <span class="choose">(Choose %s.)</span>`, numberWord(len(qu.Correct())))
		}
		b.WriteString("</legend>\n")
		for j, a := range qu.Answers {
			fmt.Fprintf(&b, `<div class="answer"><label><input type="%s" name="%s" value="%d"> %s</label>`, kind, html.EscapeString(q.Name(i)), j, inlineText(a.Text))
			fmt.Fprintf(&b, `<p class="explanation" hidden>%s</p></div>`+"\n", inlineText(a.Explanation))
		}
		b.WriteString(`<p class="question-result" aria-live="polite"></p>` + "</fieldset>\n")
	}
	b.WriteString(`<button type="submit">Check</button> <output class="quiz-result" aria-live="polite"></output>` + "\n</form>\n")
	return b.String()
}

// numberWord spells small counts as the exam does: "(Choose two.)".
func numberWord(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}

// cutExplanation splits "text :: why" at the first "::" that stands
// alone between spaces (so "::1" in an answer stays whole).
func cutExplanation(s string) (text, why string, ok bool) {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != ':' || s[i+1] != ':' {
			continue
		}
		before := i == 0 || s[i-1] == ' ' || s[i-1] == '\t'
		after := i+2 == len(s) || s[i+2] == ' ' || s[i+2] == '\t'
		if before && after {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:]), true
		}
	}
	return s, "", false
}

// inlineText escapes text for HTML and turns `code spans` into <code>.
// An unpaired backtick stays a backtick.
func inlineText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		b.WriteString("<code>" + html.EscapeString(s[i+1:i+1+j]) + "</code>")
		s = s[i+2+j:]
	}
	b.WriteString(html.EscapeString(s))
	return b.String()
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f })
}

func sortLineErrors(errs []lineError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Line < errs[j-1].Line; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}
