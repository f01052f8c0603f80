package render

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"pop3lab/lessons"
	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/eavesdrop"
)

var byteLinkKeys = []string{"scenario", "step", "show", "caption"}

// byteBlock is a bytes block on its way to a ByteLink: the lines of its
// keys, for problems, and the scenario it runs, by number and title, for
// its button.
type byteBlock struct {
	*lessons.ByteLink
	scenarioNumber, scenarioLine, stepLine int
	scenarioTitle                          string
}

// parseByteLink reads a bytes block; the scenario it names is checked
// once the whole lesson is read (resolveByteLinks).
func parseByteLink(b block, id string) (*byteBlock, []lineError) {
	bl := &byteBlock{ByteLink: &lessons.ByteLink{ID: id, Line: b.fence}, scenarioNumber: 1, scenarioLine: b.fence}
	var errs []lineError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, lineError{line, "bytes: " + fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	for _, kl := range b.keyedLines(fail) {
		n, line, key, rest, ok := kl.n, kl.line, strings.TrimSpace(kl.key), kl.rest, kl.ok
		if !ok || !contains(byteLinkKeys, key) {
			fail(n, `want "scenario:", "step:", "show:" or "caption:", got %q`, truncate(line, 30))
			continue
		}
		if first, dup := seen[key]; dup {
			fail(n, "%s given twice (first on line %d)", key, first)
			continue
		}
		seen[key] = n
		switch key {
		case "scenario", "step":
			v, ok := lessons.WholeNumber(rest)
			if !ok || v < 1 {
				fail(n, "%s: want a whole number from 1, got %q", key, truncate(rest, 20))
				continue
			}
			if key == "scenario" {
				bl.scenarioNumber, bl.scenarioLine = v, n
			} else {
				bl.Step, bl.stepLine = v, n
			}
		case "show":
			if !contains(lessons.Findings, rest) {
				fail(n, "show: want one of %q, got %q", lessons.Findings, truncate(rest, 30))
				continue
			}
			bl.Show = rest
		case "caption":
			if rest == "" {
				fail(n, "caption: empty")
				continue
			}
			bl.Caption = rest
		}
	}
	bad := len(errs) > 0
	for _, key := range []string{"step", "show", "caption"} {
		if _, ok := seen[key]; !ok && !bad {
			fail(b.fence, "missing %s", key)
		}
	}
	if len(errs) > 0 {
		sortLineErrors(errs)
		return nil, errs
	}
	return bl, nil
}

// resolveByteLinks points each bytes block at its pop3 block, and reports
// blocks that name a scenario the lesson lacks or a step past its end.
func (d *doc) resolveByteLinks() {
	for _, bl := range d.byteLinks {
		if bl.scenarioNumber > len(d.scenarios) {
			d.errorf(bl.scenarioLine, "bytes: scenario %d: the lesson has %d pop3 blocks", bl.scenarioNumber, len(d.scenarios))
			continue
		}
		sc := d.scenarios[bl.scenarioNumber-1]
		bl.Scenario, bl.scenarioTitle = sc.ID, sc.Title
		if bl.scenarioTitle == "" {
			bl.scenarioTitle = "Try it"
		}
		if steps := len(sc.Parsed().Steps); bl.Step > steps {
			d.errorf(bl.stepLine, "bytes: step %d: scenario %d has %d steps", bl.Step, bl.scenarioNumber, steps)
		}
	}
}

// check looks for what the block shows in s, the simulation of its
// scenario run to its step, as the page does when a learner opens it: in
// the connection the step used, annotated from its bytes. It returns why
// the page would have nothing to show, or "".
func (bl *byteBlock) check(s *sim.Simulation) string {
	conn := s.LastConn()
	var recs []annotate.Record
	if conn > 0 {
		recs = annotate.Annotate(s.Segments(conn))
	}
	_, err := eavesdrop.Find(conn, recs, bl.Show)
	switch {
	case errors.Is(err, eavesdrop.ErrNoConnection):
		return fmt.Sprintf("bytes: by step %d the scenario has made no connection", bl.Step)
	case err != nil:
		return fmt.Sprintf("bytes: at step %d %v", bl.Step, err)
	}
	return ""
}

// html renders the block as a button the app enables; on a page without
// the app it stays disabled, like "Run in simulator".
func (bl *byteBlock) html() string {
	return fmt.Sprintf(`<p class="byte-link"><button type="button" class="open-bytes" data-byte-link="%s" disabled>%s</button> <span class="meta">runs “%s” to step %d and opens the byte view</span></p>`+"\n",
		html.EscapeString(bl.ID), html.EscapeString(bl.Caption), html.EscapeString(bl.scenarioTitle), bl.Step)
}
