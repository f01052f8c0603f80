package render

import (
	"fmt"
	"html"
	"strings"

	"pop3lab/lessons"
)

// parseQuiz reads a quiz block.
func parseQuiz(b block, id string) (*lessons.Quiz, []lineError) {
	q := &lessons.Quiz{ID: id, Line: b.fence}
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
			q.Questions = append(q.Questions, lessons.Question{Line: n, Text: rest})
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
			qu.Answers = append(qu.Answers, lessons.Answer{Line: n, Text: text, Explanation: why, Correct: mark == '+'})
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

// quizHTML renders the quiz as a form the wasm checks; explanations are
// hidden until then.
func quizHTML(q *lessons.Quiz) string {
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
