package render

import (
	"strings"
	"testing"
)

// FuzzBlocks feeds the same text to the front-matter, quiz, cards and
// challenge parsers. None may panic, and what they accept must hold their
// promises: complete front matter, questions with a right and a wrong
// answer, challenges with a goal, items and a solution, and rendered HTML
// without markup from the input.
func FuzzBlocks(f *testing.F) {
	f.Add("---\ntitle: T\norder: 1\nminutes: 5\nobjectives:\n  - O\nsecplus:\n  - 1.4\n---\n")
	f.Add("? Q `code`\n+ A :: why\n- B :: why not\n")
	f.Add("? Q\n+ A :: x\n+ B :: y\n- C :: z\n\n? R\n- ::1 :: IPv6\n+ 1 :: one\n")
	f.Add("POP3 :: Retrieval.\nA <b> :: <script>alert(1)</script>\n@include 01-x.md\n")
	f.Add("---\ntitle: \"quoted \\\"x\\\"\"\norder: 01\nsecplus:\n- 9.9\n---")
	f.Add("title: <b>T</b>\ngoal: G\nsetup: attack: strip-stls\nitem (20): I :: not credentials in-clear and ran \"DELE 2\" >= 1\nhint (5): H\nsolution: do: get-mail\n")
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Split(src, "\n")
		fm, errs := parseFrontMatter(lines)
		if len(errs) == 0 {
			if fm.Title == "" || fm.Order < 1 || fm.Minutes < 1 || fm.Minutes > maxMinutes || len(fm.Objectives) == 0 || len(fm.SecPlus) == 0 {
				t.Errorf("front matter accepted but incomplete: %+v", fm)
			}
			for _, n := range fm.SecPlus {
				if _, ok := LookupObjective(n); !ok {
					t.Errorf("front matter accepted unknown objective %q", n)
				}
			}
		}
		for _, e := range errs {
			if e.Line < 1 || e.Line > len(lines) {
				t.Errorf("front matter error at line %d of %d: %s", e.Line, len(lines), e.Msg)
			}
		}

		b := block{fence: 1, source: src}
		for i := range b.contentLines() {
			b.lines = append(b.lines, i+2)
		}
		if q, errs := parseQuiz(b, "x-quiz-1"); len(errs) == 0 {
			for _, qu := range q.Questions {
				right := len(qu.Correct())
				if len(qu.Answers) < 2 || right == 0 || right == len(qu.Answers) {
					t.Errorf("quiz accepted a question with %d answers, %d right", len(qu.Answers), right)
				}
				for _, a := range qu.Answers {
					if a.Text == "" || a.Explanation == "" {
						t.Errorf("quiz accepted an answer without text or explanation: %+v", a)
					}
				}
				if !qu.IsRight(qu.Correct()) {
					t.Errorf("the right answers are not right: %+v", qu)
				}
			}
			assertNoMarkup(t, quizHTML(q))
		} else if q != nil {
			t.Error("parseQuiz returned a quiz and errors")
		}

		if cb, errs := parseCards(b, "x"); len(errs) == 0 {
			seen := map[string]bool{}
			for _, c := range cb.cards {
				if seen[c.ID] {
					t.Errorf("cards accepted the ID %q twice", c.ID)
				}
				seen[c.ID] = true
			}
			assertNoMarkup(t, cb.html())
		}

		if c, errs := parseChallenge(b, "x-challenge-1"); len(errs) == 0 {
			if c.Title == "" || c.Goal == "" || len(c.Items) == 0 || len(c.SolutionLines) == 0 {
				t.Errorf("challenge accepted without title, goal, items or solution: %+v", c)
			}
			for _, it := range c.Items {
				if it.Text == "" || len(it.Conditions) == 0 || it.Points < 1 {
					t.Errorf("challenge accepted an empty item: %+v", it)
				}
			}
			c.Setup() // panics if the setup it accepted does not parse
			assertNoMarkup(t, challengeHTML(c))
		} else {
			for _, e := range errs {
				if e.Line < 1 || e.Line > len(b.lines)+1 {
					t.Errorf("challenge error at line %d of %d: %s", e.Line, len(b.lines)+1, e.Msg)
				}
			}
		}
	})
}

// FuzzParse renders arbitrary lesson bodies: whatever Parse accepts has
// no script, no event handler attribute and no dangerous link.
func FuzzParse(f *testing.F) {
	f.Add("# T\n\n[a](#t) <b>x</b> [j](javascript:x)\n")
	f.Add("```pop3\nconnect\nC: USER <script>\n```\n")
	f.Add("```quiz\n? Q\n+ A :: a\n- B :: b\n```\n```cards\nX :: Y\n```\n")
	f.Add("| a | b |\n|---|---|\n| <i> | www.example.com |\n\n- [ ] task\n")
	f.Add("```challenge\ntitle: T\ngoal: <script>\nitem: I :: login terminal\nsolution: connect\n```\n")
	f.Add("---\ntitle: T\norder: 1\nminutes: 5\nobjectives:\n  - O\nsecplus:\n  - 1.4\n---")
	f.Fuzz(func(t *testing.T, body string) {
		// As a body after good front matter, and as a whole file.
		for _, src := range []string{lessonSource(1, body), body} {
			l, err := Parse("01-fuzz.md", src)
			if err != nil {
				continue
			}
			assertNoMarkup(t, l.HTML)
		}
	})
}

// assertNoMarkup fails if HTML holds markup that only input could have
// put there.
func assertNoMarkup(t *testing.T, html string) {
	t.Helper()
	lower := strings.ToLower(html)
	for _, bad := range []string{"<script", "<img", "<iframe", "<style", " onerror=", " onclick=", `href="javascript`, `href="data`, `href="vbscript`} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML holds %q:\n%s", bad, html)
		}
	}
}
