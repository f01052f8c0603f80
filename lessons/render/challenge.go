package render

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"pop3lab/lessons"
	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// Default points of an item and cost of a hint.
const (
	defaultItemPoints = 10
	defaultHintCost   = 5
)

// parseChallenge reads a challenge block.
func parseChallenge(b block, id string) (*lessons.Challenge, []lineError) {
	c := &lessons.Challenge{ID: id, Line: b.fence, Seed: 1}
	var errs []lineError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, lineError{line, "challenge: " + fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	for _, kl := range b.keyedLines(fail) {
		n, line, key, rest, ok := kl.n, kl.line, kl.key, kl.rest, kl.ok
		word, weight, weighted := strings.Cut(key, "(")
		word = strings.TrimSpace(word)
		if !ok || !contains(challengeKeys, word) {
			fail(n, `want "title:", "goal:", "seed:", "setup:", "item:", "hint:" or "solution:", got %q`, truncate(line, 30))
			continue
		}
		points := map[string]int{"item": defaultItemPoints, "hint": defaultHintCost}[word]
		if weighted {
			v, ok := lessons.WholeNumber(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(weight), ")")))
			if !strings.HasSuffix(strings.TrimSpace(weight), ")") || !ok || v < 1 || v > 100 || word != "item" && word != "hint" {
				fail(n, `want "item (N):" or "hint (N):" with N from 1 to 100, got %q`, truncate(key, 30))
				continue
			}
			points = v
		}
		switch word {
		case "title", "goal", "seed":
			if first, dup := seen[word]; dup {
				fail(n, "%s given twice (first on line %d)", word, first)
				continue
			}
			seen[word] = n
			if rest == "" {
				fail(n, "%s: empty", word)
				continue
			}
			switch word {
			case "title":
				c.Title = rest
			case "goal":
				c.Goal = rest
			case "seed":
				v, err := strconv.ParseUint(rest, 10, 64)
				if err != nil {
					fail(n, "seed: want a whole number, got %q", truncate(rest, 20))
					continue
				}
				c.Seed = v
			}
		case "setup":
			c.SetupLines = append(c.SetupLines, lessons.ScenarioLine{Text: rest, Line: n})
		case "solution":
			c.SolutionLines = append(c.SolutionLines, lessons.ScenarioLine{Text: rest, Line: n})
		case "hint":
			if rest == "" {
				fail(n, "hint: empty")
				continue
			}
			c.Hints = append(c.Hints, lessons.Hint{Line: n, Text: rest, Cost: points})
		case "item":
			text, checks, ok := cutExplanation(rest)
			if !ok || text == "" || checks == "" {
				fail(n, `item: want "what to achieve :: check [and check ...]"`)
				continue
			}
			it := lessons.Item{Line: n, Text: text, Points: points}
			bad := false
			for _, part := range strings.Split(checks, " and ") {
				ch, err := lessons.ParseCondition(part)
				if err != nil {
					fail(n, "item: %v", err)
					bad = true
					break
				}
				it.Conditions = append(it.Conditions, ch)
			}
			if !bad {
				c.Items = append(c.Items, it)
			}
		}
	}
	for _, key := range []string{"title", "goal"} {
		if _, ok := seen[key]; !ok {
			fail(b.fence, "missing %s", key)
		}
	}
	if len(c.Items) == 0 && len(errs) == 0 {
		fail(b.fence, `no items: add "item: what to achieve :: check"`)
	}
	if len(c.SolutionLines) == 0 && len(errs) == 0 {
		fail(b.fence, `no reference solution: add "solution:" lines, the scenario steps that reach every item`)
	}
	// Setup and solution must be scenario steps: parse them together, as
	// Check runs them, and map errors back to their lines.
	all := append(append([]lessons.ScenarioLine(nil), c.SetupLines...), c.SolutionLines...)
	if _, err := scenario.Parse(lessons.ScenarioSource(c.Seed, all)); err != nil {
		if list, ok := err.(scenario.ErrorList); ok {
			for _, e := range list {
				fail(lineAt(all, e.Line, b.fence), "%s", e.Msg)
			}
		} else {
			fail(b.fence, "%v", err)
		}
	}
	if len(errs) > 0 {
		sortLineErrors(errs)
		return nil, errs
	}
	return c, nil
}

var challengeKeys = []string{"title", "goal", "seed", "setup", "item", "hint", "solution"}

// lineAt maps a line of lessons.ScenarioSource(seed, lines) to its
// markdown line.
func lineAt(lines []lessons.ScenarioLine, n, fallback int) int {
	if n >= 2 && n-2 < len(lines) {
		return lines[n-2].Line
	}
	return fallback
}

// runChallenge runs a challenge's setup and reference solution on a fresh
// simulation, as Check does, and returns its grade with no hints used, or
// a problem if the solution does not run.
func runChallenge(file string, c *lessons.Challenge) (lessons.Grade, *Problem) {
	s, from, start, p := runReference(file, c)
	if p != nil {
		return lessons.Grade{}, p
	}
	defer s.Close()
	if start.Complete() {
		return lessons.Grade{}, &Problem{File: file, Line: c.Line, Msg: "challenge: every item is done before the learner does anything; make at least one item need work"}
	}
	return c.Grade(s, from, 0), nil
}

// runReference runs a challenge's setup and reference solution on a fresh
// simulation and returns it with the number of the first event after the
// setup, and the grade the learner starts with (right after the setup). The
// caller closes the simulation.
func runReference(file string, c *lessons.Challenge) (s *sim.Simulation, from int, start lessons.Grade, p *Problem) {
	all := append(append([]lessons.ScenarioLine(nil), c.SetupLines...), c.SolutionLines...)
	sc, err := scenario.Parse(lessons.ScenarioSource(c.Seed, all))
	if err != nil {
		return nil, 0, lessons.Grade{}, &Problem{File: file, Line: c.Line, Msg: "challenge: " + err.Error()}
	}
	setupSteps := len(c.Setup().Steps)
	r, err := scenario.NewRunner(sc, sim.Options{})
	if err != nil {
		return nil, 0, lessons.Grade{}, &Problem{File: file, Line: c.Line, Msg: "challenge: the simulation failed: " + err.Error()}
	}
	for i := 0; !r.Done(); i++ {
		if i == setupSteps {
			from = len(r.Sim.Events(0))
			start = c.Grade(r.Sim, from, 0)
		}
		if _, err := r.Next(); err != nil {
			msg := err.Error()
			line := c.Line
			if d, ok := err.(*scenario.Divergence); ok {
				msg, line = fmt.Sprintf("the reference solution diverged at step %d: %s", d.Step, d.Msg), lineAt(all, d.Line, c.Line)
			}
			r.Sim.Close()
			return nil, 0, lessons.Grade{}, &Problem{File: file, Line: line, Msg: "challenge: " + msg}
		}
	}
	if setupSteps == len(sc.Steps) {
		from = len(r.Sim.Events(0))
		start = c.Grade(r.Sim, from, 0)
	}
	return r.Sim, from, start, nil
}

// challengeHTML renders the challenge: its goal and items for reading,
// and the controls the app enables. Hints stay out of the page until
// asked for.
func challengeHTML(c *lessons.Challenge) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<section class="challenge" data-challenge-id="%s" aria-label="Challenge: %s">`+"\n", html.EscapeString(c.ID), html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<h3>Challenge: %s</h3>`+"\n", inlineText(c.Title))
	fmt.Fprintf(&b, `<p class="challenge-goal">%s</p>`+"\n", inlineText(c.Goal))
	fmt.Fprintf(&b, `<p class="challenge-rules">%d items, %d points; a hint costs points. You work in the sandbox: any way to the goal counts.</p>`+"\n", len(c.Items), c.MaxPoints())
	b.WriteString(`<ol class="challenge-items">` + "\n")
	for i, it := range c.Items {
		fmt.Fprintf(&b, `<li data-item="%d">%s <span class="points">(%d points)</span></li>`+"\n", i, inlineText(it.Text), it.Points)
	}
	b.WriteString("</ol>\n")
	b.WriteString(`<p class="challenge-status" aria-live="polite"></p>` + "\n")
	b.WriteString(`<ol class="challenge-hints"></ol>` + "\n")
	b.WriteString(`<div class="challenge-actions"><button type="button" class="start-challenge" disabled>Start challenge</button> <button type="button" class="challenge-hint" hidden>Show a hint</button></div>` + "\n")
	b.WriteString("</section>\n")
	return b.String()
}
