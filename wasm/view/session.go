package view

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"pop3lab/sim"
)

// SessionVersion is the version of the saved-session format.
const SessionVersion = 1

// MaxSavedActions bounds a saved session; older actions are not kept.
const MaxSavedActions = 2000

// ErrCorrupt means a saved session could not be read.
var ErrCorrupt = errors.New("the saved session could not be read")

// Saved is what the browser keeps of the sandbox: the seed and the
// actions, from which the simulation replays the server maildrop, the
// mail client's mailbox and the settings exactly.
type Saved struct {
	Version int           `json:"v"`
	Seed    uint64        `json:"seed"`
	Actions []SavedAction `json:"actions"`
}

// SavedAction is a sim.Action in a stable JSON form.
type SavedAction struct {
	Kind     string        `json:"k"`
	Line     string        `json:"line,omitempty"`
	Attack   string        `json:"attack,omitempty"`
	Subject  string        `json:"subject,omitempty"`
	Body     string        `json:"body,omitempty"`
	Duration time.Duration `json:"d,omitempty"`
	Settings *sim.Settings `json:"settings,omitempty"`
}

// Save encodes a seed and actions.
func Save(seed uint64, actions []sim.Action) ([]byte, error) {
	if len(actions) > MaxSavedActions {
		actions = actions[len(actions)-MaxSavedActions:]
	}
	s := Saved{Version: SessionVersion, Seed: seed}
	for _, a := range actions {
		sa := SavedAction{Kind: a.Kind.String(), Line: a.Line, Attack: string(a.Attack), Subject: a.Subject, Body: a.Body, Duration: a.Duration}
		if a.Kind == sim.ActSettings {
			st := a.Settings
			sa.Settings = &st
		}
		s.Actions = append(s.Actions, sa)
	}
	return json.Marshal(s)
}

// Load decodes a saved session. Anything unexpected gives an error
// wrapping ErrCorrupt, and the caller starts afresh.
func Load(b []byte) (seed uint64, actions []sim.Action, err error) {
	var s Saved
	if err := json.Unmarshal(b, &s); err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if s.Version != SessionVersion {
		return 0, nil, fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, s.Version, SessionVersion)
	}
	if len(s.Actions) > MaxSavedActions {
		return 0, nil, fmt.Errorf("%w: %d actions", ErrCorrupt, len(s.Actions))
	}
	for i, sa := range s.Actions {
		k, err := sim.ParseActionKind(sa.Kind)
		if err != nil {
			return 0, nil, fmt.Errorf("%w: action %d has unknown kind %q", ErrCorrupt, i+1, sa.Kind)
		}
		a := sim.Action{Kind: k, Line: sa.Line, Attack: sim.Attack(sa.Attack), Subject: sa.Subject, Body: sa.Body, Duration: sa.Duration}
		if k == sim.ActSettings {
			if sa.Settings == nil {
				return 0, nil, fmt.Errorf("%w: action %d: settings missing", ErrCorrupt, i+1)
			}
			a.Settings = *sa.Settings
		}
		if k == sim.ActWait && (a.Duration <= 0 || a.Duration > 366*24*time.Hour) {
			return 0, nil, fmt.Errorf("%w: action %d: wait of %v", ErrCorrupt, i+1, a.Duration)
		}
		actions = append(actions, a)
	}
	return s.Seed, actions, nil
}
