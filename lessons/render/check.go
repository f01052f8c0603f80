package render

import (
	"errors"
	"fmt"
	"io/fs"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// Check validates a course folder: every *.md file at the top of fsys is
// a lesson. It reports, in file and line order:
//   - front matter that is missing, incomplete or invalid (unknown keys,
//     SY0-701 objective numbers that do not exist, orders used twice);
//   - pop3 blocks that do not parse, and those that do but whose run on a
//     fresh simulation diverges from their expectations, at the markdown
//     line of the failed check;
//   - bytes blocks that name no scenario of the lesson or a step past its
//     end, and those whose show finds nothing in the connection the step
//     used, as the page would find it (a block at or after the step where
//     its scenario diverges is not looked at: that is the pop3 block's
//     problem);
//   - quizzes with a question without a correct answer or an answer
//     without an explanation, and malformed cards;
//   - challenges that do not parse, whose setup and reference solution
//     do not run, or whose solution leaves an item undone (at the item's
//     line);
//   - raw HTML, links with schemes other than http, https and mailto
//     (javascript: and data: above all), and relative links or anchors
//     that do not resolve to a lesson and one of its headings.
//
// An empty result means the course is good to publish.
func Check(fsys fs.FS) []Problem {
	docs, problems := loadDocs(fsys)
	for _, d := range docs {
		for _, s := range d.scenarios {
			problems = append(problems, runScenario(d.file, s, d.byteLinks)...)
		}
		for _, c := range d.challenges {
			g, p := runChallenge(d.file, c)
			if p != nil {
				problems = append(problems, *p)
				continue
			}
			for i, done := range g.Done {
				if !done {
					problems = append(problems, Problem{File: d.file, Line: c.Items[i].Line, Msg: fmt.Sprintf("challenge: item %d (%q) is not reached by the reference solution", i+1, truncate(c.Items[i].Text, 40))})
				}
			}
		}
	}
	sortProblems(problems)
	return problems
}

// runScenario runs a pop3 block on a fresh simulation, maps a divergence
// to its markdown line, and checks each of links that runs the block: at
// its step, as the page does.
func runScenario(file string, s *scenarioBlock, links []*byteBlock) []Problem {
	r, err := scenario.NewRunner(s.Parsed(), sim.Options{})
	if err != nil {
		return []Problem{{File: file, Line: s.Line, Msg: "pop3: the simulation failed: " + err.Error()}}
	}
	defer r.Sim.Close()
	var problems []Problem
	for !r.Done() {
		if _, err := r.Next(); err != nil {
			var div *scenario.Divergence
			if errors.As(err, &div) {
				return append(problems, Problem{File: file, Line: s.markdownLine(div.Line), Msg: fmt.Sprintf("pop3: the run diverged at step %d: %s", div.Step, div.Msg)})
			}
			return append(problems, Problem{File: file, Line: s.Line, Msg: "pop3: the simulation failed: " + err.Error()})
		}
		for _, bl := range links {
			if bl.Scenario == s.ID && bl.Step == r.StepsDone() {
				if msg := bl.check(r.Sim); msg != "" {
					problems = append(problems, Problem{File: file, Line: bl.Line, Msg: msg})
				}
			}
		}
	}
	return problems
}
