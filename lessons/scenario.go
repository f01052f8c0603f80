package lessons

import (
	"pop3lab/sim/scenario"
)

// Scenario is a ```pop3 block: a runnable scenario in the format of
// package scenario, shown as a transcript with a "Run in simulator"
// button.
type Scenario struct {
	// ID is "SLUG-N" for the Nth pop3 block of the lesson; the rendered
	// figure carries it as data-scenario-id.
	ID string `json:"id"`
	// Title and Summary come from the scenario's header; Title is ""
	// if it has none (the figure then says "Try it").
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Source is the scenario text, for scenario.Parse.
	Source string `json:"source"`
	// Line is the markdown line of the block's opening fence.
	Line int `json:"line"`

	// parsed is Source parsed; it is not in the JSON form, which
	// DecodeCourse parses again.
	parsed *scenario.Scenario
}

// NewScenario parses a pop3 block's source as a scenario with the given
// ID, opening at markdown line line. A source that does not parse gives
// scenario.Parse's error (a scenario.ErrorList, with lines of the source).
func NewScenario(id, source string, line int) (*Scenario, error) {
	sc, err := scenario.Parse(source)
	if err != nil {
		return nil, err
	}
	return &Scenario{ID: id, Title: sc.Title, Summary: sc.Summary, Source: source, Line: line, parsed: sc}, nil
}

// Parsed returns the parsed scenario, ready for scenario.Run or
// scenario.NewRunner.
func (s *Scenario) Parsed() *scenario.Scenario { return s.parsed }
