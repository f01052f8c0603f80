package view

import (
	"errors"
	"fmt"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// ReplayBudget bounds the work the page replays at once, to open a shared
// link or restore a saved sandbox, in estimated milliseconds under
// js/wasm: a few seconds at most, so that no link or stored session can
// freeze the tab.
const ReplayBudget = 6000

// ErrTooLarge means a session would cost more than ReplayBudget to replay.
var ErrTooLarge = errors.New("the session is too large to replay here")

// ActionCost is the estimated replay time of an action, in milliseconds
// under js/wasm (measured by the sim benchmarks under Node: a Get mail of
// the 2.2 MB sample over STLS takes about 60 ms; a typed line about 1).
func ActionCost(a sim.Action) int {
	switch a.Kind {
	case sim.ActGetMail:
		return 60
	case sim.ActPreview:
		return 20
	case sim.ActConnect:
		return 8
	}
	return 1
}

// ReplayCost is the estimated replay time of actions.
func ReplayCost(actions []sim.Action) int {
	n := 0
	for _, a := range actions {
		n += ActionCost(a)
	}
	return n
}

// ScenarioCost is the estimated time to run the first steps of sc.
func ScenarioCost(sc *scenario.Scenario, steps int) int {
	n := 0
	for i, st := range sc.Steps {
		if i >= steps {
			break
		}
		switch st.Kind {
		case sim.ActGetMail, sim.ActPreview:
			n += 60
		case sim.ActConnect:
			n += 8
		default:
			n++
		}
	}
	return n
}

// CheckBudget returns ErrTooLarge (wrapped with the size) when actions
// cost more than ReplayBudget.
func CheckBudget(actions []sim.Action) error {
	if c := ReplayCost(actions); c > ReplayBudget {
		return fmt.Errorf("%w: %d actions, about %d s", ErrTooLarge, len(actions), c/1000)
	}
	return nil
}
