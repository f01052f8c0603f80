package view

import (
	"fmt"
	"strings"

	"pop3lab/sim/scenario"
)

// EditorProblem is a problem of the scenario in the editor, at its line:
// from parsing as the author types, or from running it.
type EditorProblem struct {
	Line int
	Msg  string
	// Run is true for a problem found by running the scenario.
	Run bool
}

// Text is the problem as the editor lists it.
func (p EditorProblem) Text() string {
	what := "line"
	if p.Run {
		what = "running, line"
	}
	return fmt.Sprintf("%s %d: %s", what, p.Line, p.Msg)
}

// ParseProblems parses src and returns its problems, one per line, and
// the number of steps when it parses.
func ParseProblems(src string) ([]EditorProblem, int) {
	sc, err := scenario.Parse(src)
	if err == nil {
		return nil, len(sc.Steps)
	}
	var out []EditorProblem
	if list, ok := err.(scenario.ErrorList); ok {
		for _, e := range list {
			out = append(out, EditorProblem{Line: e.Line, Msg: e.Msg})
		}
		return out, 0
	}
	return []EditorProblem{{Line: 1, Msg: err.Error()}}, 0
}

// Gutter is the editor's line numbers for src: one per line, each with
// whether a problem is on it.
func Gutter(src string, problems []EditorProblem) []GutterLine {
	n := strings.Count(src, "\n") + 1
	bad := map[int]bool{}
	for _, p := range problems {
		bad[p.Line] = true
	}
	out := make([]GutterLine, n)
	for i := range out {
		out[i] = GutterLine{N: i + 1, Problem: bad[i+1]}
	}
	return out
}

// GutterLine is one line number of the editor.
type GutterLine struct {
	N       int
	Problem bool
}

// LineOffset is the offset in src where line (1-based) starts, for
// moving the caret to a problem.
func LineOffset(src string, line int) int {
	at := 0
	for i := 1; i < line; i++ {
		j := strings.IndexByte(src[at:], '\n')
		if j < 0 {
			return len(src)
		}
		at += j + 1
	}
	return at
}

// IsLesson reports whether the editor holds a lesson rather than a
// scenario: its text starts with front matter ("---").
func IsLesson(src string) bool {
	return strings.HasPrefix(strings.TrimLeft(src, " \t\r\n"), "---")
}

// ScenarioAsLesson makes a plain scenario previewable as a lesson: it
// wraps it in front matter and a pop3 block. Text that already starts
// with front matter is returned as it is.
func ScenarioAsLesson(src string) string {
	if IsLesson(src) {
		return src
	}
	title := "Scenario preview"
	if sc, err := scenario.Parse(src); err == nil && sc.Title != "" {
		title = sc.Title
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\norder: 1\nminutes: 5\nobjectives:\n  - Step through the scenario and predict each answer.\nsecplus:\n  - 4.5\n---\n\n", strings.ReplaceAll(title, ":", " -"))
	b.WriteString("A preview of the scenario in the editor, as a lesson shows it.\n\n```pop3\n")
	b.WriteString(strings.TrimRight(src, "\n"))
	b.WriteString("\n```\n")
	return b.String()
}
