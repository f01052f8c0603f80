package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/client"
	"pop3lab/sim/wording"
)

// Divergence is the first place where a run did not go as the scenario
// expected.
type Divergence struct {
	// Line is the scenario line of the failed check or step.
	Line int
	// Step is the 1-based step.
	Step int
	// Msg says what was expected and what happened.
	Msg string
}

func (d *Divergence) Error() string {
	return fmt.Sprintf("line %d (step %d): %s", d.Line, d.Step, d.Msg)
}

// StepResult is what one step did, for printing as a run goes.
type StepResult struct {
	Index  int // 0-based
	Step   Step
	Result sim.Result
	// Err is a learner-level failure of the action (a -ERR, a refusal);
	// the run goes on and checks decide whether it was expected.
	Err error
}

// Runner steps a scenario through a simulation.
type Runner struct {
	Scenario *Scenario
	Sim      *sim.Simulation
	next     int
	last     *client.Report
}

// NewRunner builds a fresh simulation for sc, seeded by the scenario's
// seed. base may carry other options (a shared certificate).
func NewRunner(sc *Scenario, base sim.Options) (*Runner, error) {
	base.Seed = sc.Seed
	s, err := sim.New(base)
	if err != nil {
		return nil, err
	}
	return &Runner{Scenario: sc, Sim: s}, nil
}

// StepsDone returns how many steps have run.
func (r *Runner) StepsDone() int { return r.next }

// Done reports whether every step has run.
func (r *Runner) Done() bool { return r.next >= len(r.Scenario.Steps) }

// Next runs the next step and its checks. It returns the step's result
// and a *Divergence if a check failed.
func (r *Runner) Next() (StepResult, error) {
	if r.Done() {
		return StepResult{}, errors.New("scenario: no steps left")
	}
	i := r.next
	r.next++
	st := r.Scenario.Steps[i]
	sr := StepResult{Index: i, Step: st}
	if st.Note != "" {
		if _, err := r.Sim.Apply(sim.Action{Kind: sim.ActNote, Line: st.Note}); err != nil {
			return sr, err
		}
	}
	if st.Kind == sim.ActNote {
		return sr, nil
	}
	action, err := r.action(st)
	if err != nil {
		return sr, &Divergence{Line: st.Line, Step: i + 1, Msg: err.Error()}
	}
	res, err := r.Sim.Apply(action)
	sr.Result = res
	if err != nil && !sim.IsLearnerError(err) {
		return sr, &Divergence{Line: st.Line, Step: i + 1, Msg: "the simulation failed: " + err.Error()}
	}
	sr.Err = err
	if res.Report != nil {
		r.last = res.Report
	}
	if err := r.check(i, st, res); err != nil {
		return sr, err
	}
	return sr, nil
}

// Run runs every remaining step, calling each (if not nil) after each
// step, and stops at the first divergence.
func (r *Runner) Run(each func(StepResult)) error {
	for !r.Done() {
		sr, err := r.Next()
		if each != nil {
			each(sr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Run runs a parsed scenario on a fresh simulation, calling each (if not
// nil) after each step, and returns the simulation for exports.
func Run(sc *Scenario, base sim.Options, each func(StepResult)) (*sim.Simulation, error) {
	r, err := NewRunner(sc, base)
	if err != nil {
		return nil, err
	}
	return r.Sim, r.Run(each)
}

// action turns a step into a simulation action.
func (r *Runner) action(st Step) (sim.Action, error) {
	switch st.Kind {
	case sim.ActSettings:
		settings := r.Sim.Settings()
		for _, kv := range st.Settings {
			if err := settings.Set(st.Scope, kv.Key, kv.Value); err != nil {
				return sim.Action{}, err
			}
		}
		return sim.Action{Kind: sim.ActSettings, Settings: settings}, nil
	case sim.ActConnect, sim.ActGetMail, sim.ActPreview, sim.ActDrop:
		return sim.Action{Kind: st.Kind}, nil
	case sim.ActSend:
		return sim.Action{Kind: sim.ActSend, Line: st.Text}, nil
	case sim.ActAttack:
		return sim.Action{Kind: sim.ActAttack, Attack: sim.Attack(st.Text), Line: st.Arg}, nil
	case sim.ActDeliver:
		return sim.Action{Kind: sim.ActDeliver, Subject: st.Text, Body: st.Arg}, nil
	case sim.ActWait:
		return sim.Action{Kind: sim.ActWait, Duration: st.Duration}, nil
	}
	return sim.Action{}, fmt.Errorf("unknown step kind %v", st.Kind)
}

// check runs a step's checks against its result and the simulation.
func (r *Runner) check(i int, st Step, res sim.Result) error {
	lines := res.Lines
	at := 0
	checkedLines := false
	diverge := func(c Check, format string, args ...any) error {
		return &Divergence{Line: c.Line, Step: i + 1, Msg: fmt.Sprintf(format, args...)}
	}
	for _, c := range st.Checks {
		switch c.Kind {
		case CheckLine, CheckPattern:
			checkedLines = true
			if at >= len(lines) {
				return diverge(c, "expected %s, but the server sent nothing more", describeCheck(c))
			}
			got := lines[at]
			at++
			if c.Kind == CheckLine && got != c.Text || c.Kind == CheckPattern && !c.Matches(got) {
				return diverge(c, "expected %s, but the server sent %q", describeCheck(c), got)
			}
		case CheckSkipRest:
			checkedLines = true
			at = len(lines)
		case CheckExpect:
			if err := r.expect(c); err != nil {
				return diverge(c, "%v", err)
			}
		}
	}
	if checkedLines && at < len(lines) {
		return &Divergence{Line: st.Line, Step: i + 1, Msg: fmt.Sprintf("the server sent more than the S: lines expect, starting with %q (end the checks with \"S: ...\" to skip the rest)", lines[at])}
	}
	return nil
}

func describeCheck(c Check) string {
	if c.Kind == CheckPattern {
		return fmt.Sprintf("a line matching %s", c.Text)
	}
	return fmt.Sprintf("%q", c.Text)
}

// expect checks one fact about the simulation.
func (r *Runner) expect(c Check) error {
	snap := r.Sim.Snapshot()
	args := c.Args
	switch c.Text {
	case "tap":
		// What the eavesdropper saw on the newest connection.
		conn := r.Sim.LastConn()
		tap := r.Sim.Eavesdropper(conn)
		has := strings.Contains(tap, args[1])
		if args[0] == "has" && !has {
			return fmt.Errorf("the eavesdropper did not see %q on connection %d", args[1], conn)
		}
		if args[0] == "lacks" && has {
			return fmt.Errorf("the eavesdropper saw %q on connection %d", args[1], conn)
		}
	case "state":
		state := snap.State
		if !snap.Connected {
			state = "CLOSED"
		}
		if state != args[0] {
			return fmt.Errorf("expected the session in %s, but it is in %s", args[0], state)
		}
	case "server":
		switch args[0] {
		case "messages":
			n := 0
			for _, m := range snap.Server {
				if !m.Deleted {
					n++
				}
			}
			if want, _ := strconv.Atoi(args[1]); n != want {
				return fmt.Errorf("expected %d messages on the server, found %d", want, n)
			}
		case "ran", "discarded":
			if !r.serverDid(args[0], args[1]) {
				return fmt.Errorf("expected the server to have %s %q, but it did not", args[0], args[1])
			}
		}
	case "local":
		if want, _ := strconv.Atoi(args[1]); len(snap.Local) != want {
			return fmt.Errorf("expected %d messages in the local mailbox, found %d", want, len(snap.Local))
		}
	case "fetched":
		if r.last == nil {
			return errors.New("expected a mail-client report, but no Get mail ran")
		}
		if want, _ := strconv.Atoi(args[0]); r.last.Fetched != want {
			return fmt.Errorf("expected the mail client to fetch %d messages, it fetched %d", want, r.last.Fetched)
		}
	case "closed":
		if snap.Connected {
			return fmt.Errorf("expected the connection closed, but it is open in %s", snap.State)
		}
	case "tls":
		on := snap.TLS
		if !snap.Connected && r.last != nil {
			on = r.last.TLS != "none" && r.last.TLS != ""
		}
		if want, _ := wording.ParseOnOff(args[0]); on != want {
			return fmt.Errorf("expected TLS %s, but it is %s", args[0], wording.OnOff(on))
		}
	case "warning":
		if r.last == nil {
			return errors.New("expected a mail-client warning, but no mail-client action ran")
		}
		for _, w := range r.last.Warnings {
			if strings.Contains(w, args[0]) {
				return nil
			}
		}
		return fmt.Errorf("expected a mail-client warning containing %q; warnings: %q", args[0], r.last.Warnings)
	}
	return nil
}

// serverDid looks for a command the server executed, or bytes it
// discarded, in the whole log.
func (r *Runner) serverDid(what, text string) bool {
	for _, e := range r.Sim.Events(0) {
		switch {
		case what == "ran" && e.Kind == sim.EvCommand && e.Text == text:
			return true
		case what == "discarded" && e.Kind == sim.EvDiscard && strings.Contains(string(e.Data), text):
			return true
		}
	}
	return false
}
