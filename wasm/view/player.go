package view

import (
	"errors"
	"fmt"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// Player steps a lab or a lesson's scenario for the page: which step is
// next, "step k of n", one sentence of narration per step, the panel the
// step concerns, and a mail-client step (Get mail: a dozen commands) taken
// one command at a time. It owns the scenario's simulation.
type Player struct {
	// Source is the scenario's text; Back replays it.
	Source   string
	Scenario *scenario.Scenario
	runner   *scenario.Runner
	// reveal holds the commands of the current mail-client step not yet
	// shown: Log indexes where each starts. While it is not empty, Next
	// shows the next command instead of running the next step.
	reveal []int
	// shown is how much of the log the page may render; -1: all of it.
	shown int
	// last is the result of the step that ran last.
	last Played
}

// Played is what one press of Step did.
type Played struct {
	// Step is the 1-based number of the step shown; Of is the total.
	Step, Of int
	// Command and Commands count within a mail-client step: "command 4 of
	// 18"; both 0 for other steps.
	Command, Commands int
	// Narration is the sentence for this press.
	Narration string
	// Panel is the part of the page it concerns: "terminal", "client",
	// "wire", "server" or "diagram".
	Panel string
	// Kind is the scenario keyword of the step ("C", "do", "attack", ...).
	Kind string
	// Err is a divergence or failure; the scenario cannot go on.
	Err error
	// Finished is true once the last step is fully shown.
	Finished bool
}

// NewPlayer parses src and readies it on a fresh simulation.
func NewPlayer(src string, opts sim.Options) (*Player, error) {
	sc, err := scenario.Parse(src)
	if err != nil {
		return nil, err
	}
	r, err := scenario.NewRunner(sc, opts)
	if err != nil {
		return nil, err
	}
	return &Player{Source: src, Scenario: sc, runner: r, shown: -1}, nil
}

// Sim is the scenario's simulation.
func (p *Player) Sim() *sim.Simulation { return p.runner.Sim }

// Title is the scenario's title, or "Scenario".
func (p *Player) Title() string {
	if p.Scenario.Title != "" {
		return p.Scenario.Title
	}
	return "Scenario"
}

// Steps is the number of steps.
func (p *Player) Steps() int { return len(p.Scenario.Steps) }

// Done is how many steps have run.
func (p *Player) Done() int { return p.runner.StepsDone() }

// Finished reports whether every step has run and been shown.
func (p *Player) Finished() bool { return p.runner.Done() && len(p.reveal) == 0 }

// Shown is how many events of the log the page may render: during a
// mail-client step, up to the command being shown; otherwise all of them
// (-1).
func (p *Player) Shown() int { return p.shown }

// Last is what the last press did.
func (p *Player) Last() Played { return p.last }

// Next runs the next step, or shows the next command of a mail-client
// step.
func (p *Player) Next() Played {
	if len(p.reveal) > 0 {
		return p.revealNext()
	}
	if p.runner.Done() {
		return p.last
	}
	before := len(p.runner.Sim.Events(0))
	sr, err := p.runner.Next()
	st := sr.Step
	pl := Played{Step: sr.Index + 1, Of: p.Steps(), Narration: Narrate(st), Panel: panelOf(st), Kind: st.Keyword()}
	if err != nil {
		pl.Err = err
		var d *scenario.Divergence
		if errors.As(err, &d) {
			pl.Narration = "The session went differently from the scenario at " + d.Error()
		} else {
			pl.Narration = err.Error()
		}
		p.shown, p.reveal = -1, nil
		p.last = pl
		return pl
	}
	if st.Kind == sim.ActGetMail || st.Kind == sim.ActPreview {
		events := p.runner.Sim.Events(before)
		var starts []int
		for i, e := range events {
			if e.Kind == sim.EvCommand {
				// A command starts with the segment that carried it,
				// logged before the server read it.
				start := before + i
				if e.Segment >= before && e.Segment < start {
					start = e.Segment
				}
				starts = append(starts, start)
			}
		}
		if len(starts) > 1 {
			// Show the step's opening (the connection, the greeting)
			// and its first command now; the others one press each.
			p.reveal = starts[1:]
			p.shown = starts[1]
			pl.Command, pl.Commands = 1, len(starts)
			pl.Narration = strings.TrimSpace(pl.Narration + " " + commandSentence(commandAt(events[starts[0]-before:]), 1, len(starts)))
		}
	}
	pl.Finished = p.Finished()
	p.last = pl
	return pl
}

// revealNext shows the next command of the current mail-client step.
func (p *Player) revealNext() Played {
	events := p.runner.Sim.Events(p.reveal[0])
	pl := p.last
	pl.Command++
	pl.Narration = commandSentence(commandAt(events), pl.Command, pl.Commands)
	p.reveal = p.reveal[1:]
	if len(p.reveal) > 0 {
		p.shown = p.reveal[0]
	} else {
		p.shown = -1
	}
	pl.Finished = p.Finished()
	p.last = pl
	return pl
}

// commandAt is the first command line in events.
func commandAt(events []sim.Event) string {
	for _, e := range events {
		if e.Kind == sim.EvCommand {
			return e.Text
		}
	}
	return ""
}

func commandSentence(cmd string, k, n int) string {
	return fmt.Sprintf("Command %d of %d: the mail client sends %s.", k, n, Masked(cmd))
}

// Masked is a command line with a password hidden, for narration and
// speaker notes read out in a room.
func Masked(line string) string {
	word, rest, _ := strings.Cut(line, " ")
	switch strings.ToUpper(word) {
	case "PASS":
		return word + " ••••••"
	case "APOP":
		if user, _, ok := strings.Cut(rest, " "); ok {
			return word + " " + user + " (digest)"
		}
	case "AUTH":
		if mech, _, ok := strings.Cut(rest, " "); ok {
			return word + " " + mech + " (credentials)"
		}
	}
	return line
}

// Revealing reports whether the next press shows the next command of a
// mail-client step rather than running a step.
func (p *Player) Revealing() bool { return len(p.reveal) > 0 }

// SkipTo runs steps until k have run (or the scenario ends or fails),
// showing each whole: for Back and for a shared link.
func (p *Player) SkipTo(k int) {
	for p.Done() < k && !p.runner.Done() {
		if pl := p.Next(); pl.Err != nil {
			break
		}
		p.reveal, p.shown = nil, -1
	}
	p.last = Played{Step: p.Done(), Of: p.Steps()}
	if p.Done() > 0 {
		st := p.Scenario.Steps[p.Done()-1]
		p.last.Narration, p.last.Panel, p.last.Kind = Narrate(st), panelOf(st), st.Keyword()
	}
	p.last.Finished = p.Finished()
}

// Back returns a player at the step before this one (or, inside a
// mail-client step, at that step's start). It replays on a fresh
// simulation; the caller closes the old one.
func (p *Player) Back() (*Player, error) {
	// Inside a mail-client step, Back undoes the whole step.
	target := max(p.Done()-1, 0)
	q, err := NewPlayer(p.Source, sim.Options{})
	if err != nil {
		return nil, err
	}
	q.SkipTo(target)
	return q, nil
}

// Progress is "Step 3 of 12", with "· command 4 of 18" inside a
// mail-client step.
func (pl Played) Progress() string {
	s := fmt.Sprintf("Step %d of %d", pl.Step, pl.Of)
	if pl.Commands > 0 {
		s += fmt.Sprintf(" · command %d of %d", pl.Command, pl.Commands)
	}
	return s
}

// Narrate is one step's narration: the author's note, or a sentence that
// says what the step does.
func Narrate(st scenario.Step) string {
	if note := strings.TrimSpace(st.Note); note != "" {
		return note
	}
	switch st.Kind {
	case sim.ActConnect:
		return "The client opens a connection; the server greets it."
	case sim.ActSend:
		return "The client sends " + Masked(st.Text) + "."
	case sim.ActGetMail:
		return "The mail client gets mail."
	case sim.ActPreview:
		return "The mail client previews the headers with TOP."
	case sim.ActAttack:
		if st.Text == "off" {
			return "The attacker stops tampering and only watches."
		}
		return "The attacker switches to " + st.Text + "."
	case sim.ActDeliver:
		return "A new message, \u201c" + st.Text + "\u201d, is delivered to the maildrop."
	case sim.ActWait:
		return "Time passes: " + st.Duration.String() + "."
	case sim.ActDrop:
		return "The connection drops without QUIT."
	case sim.ActSettings:
		if st.Scope == "client" {
			return "The mail client's settings change: " + settingsText(st.Settings) + "."
		}
		return "The server's settings change: " + settingsText(st.Settings) + "."
	}
	return ""
}

func settingsText(s []scenario.Setting) string {
	var parts []string
	for _, kv := range s {
		parts = append(parts, kv.Key+" "+kv.Value)
	}
	return strings.Join(parts, ", ")
}

// panelOf is the part of the page a step concerns.
func panelOf(st scenario.Step) string {
	switch st.Kind {
	case sim.ActGetMail, sim.ActPreview:
		return "client"
	case sim.ActSettings:
		return st.Scope
	case sim.ActAttack:
		return "wire"
	case sim.ActDeliver, sim.ActWait:
		return "server"
	}
	return "terminal"
}

// Question is what predict mode asks the room before a step, and the
// answer the scenario expects; ok is false for steps with nothing to
// predict.
func Question(st scenario.Step) (question, answer string, ok bool) {
	switch st.Kind {
	case sim.ActSend:
		question = "The client sends " + Masked(st.Text) + ". What will the server answer?"
	case sim.ActConnect:
		question = "The client connects. What will the server answer?"
	default:
		return "", "", false
	}
	var lines []string
	for _, c := range st.Checks {
		switch c.Kind {
		case scenario.CheckLine:
			lines = append(lines, c.Text)
		case scenario.CheckPattern:
			lines = append(lines, "a line like "+c.Text)
		case scenario.CheckSkipRest:
			lines = append(lines, "…")
		}
	}
	if len(lines) == 0 {
		answer = "whatever the server says: the scenario does not fix it"
	} else {
		answer = strings.Join(lines, " / ")
	}
	return question, answer, true
}

// Notes are the speaker notes for the press that said said: what to say,
// what to ask the room about the next step and its answer, and what comes
// next.
func (p *Player) Notes(said string) string {
	var b strings.Builder
	progress := "not started"
	if p.last.Step > 0 {
		progress = p.last.Progress()
	}
	fmt.Fprintf(&b, "%s · %s\n\nSay: %s", p.Title(), progress, said)
	switch {
	case p.Finished():
		b.WriteString("\n\nAsk the room: what would have stopped this? Which setting, which port, which check?")
	case p.Revealing():
		b.WriteString("\n\nNext: the mail client's next command. Ask the room what it will send, and why.")
	default:
		next := p.Scenario.Steps[p.Done()]
		if q, ans, ok := Question(next); ok {
			fmt.Fprintf(&b, "\n\nAsk the room: %s\nAnswer: %s", q, ans)
		}
		fmt.Fprintf(&b, "\n\nNext, step %d of %d: %s", p.Done()+1, p.Steps(), Narrate(next))
	}
	return b.String()
}
