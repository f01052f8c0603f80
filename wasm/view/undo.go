package view

import "pop3lab/sim"

// SampleSeed seeds the sample sandbox.
const SampleSeed = 1

// Sandbox is the learner's own simulation as the page keeps it: the seed
// and the actions it replays from.
type Sandbox struct {
	Seed    uint64
	Actions []sim.Action
}

// Sample is the sandbox of a first visit: the sample maildrop, untouched.
func Sample() Sandbox { return Sandbox{Seed: SampleSeed} }

// Empty reports a sandbox with nothing done in it.
func (s Sandbox) Empty() bool { return len(s.Actions) == 0 }

// Undo holds what Back can bring back beyond the last action: the sandbox
// before a reset, and the learner's sandbox while a lab runs. A lab never
// replaces the sandbox: leaving it, or pressing Back at its first step,
// brings the sandbox back.
type Undo struct {
	beforeReset *Sandbox
	outside     *Sandbox // the sandbox, while a lab runs
}

// Reset returns the sample sandbox and remembers cur (or, in a lab, the
// sandbox outside it) for Back. It reports whether there is anything for
// Back to bring back.
func (u *Undo) Reset(cur Sandbox) (Sandbox, bool) {
	if u.outside != nil {
		cur, u.outside = *u.outside, nil
	}
	if !cur.Empty() {
		c := cur
		u.beforeReset = &c
	}
	return Sample(), u.beforeReset != nil
}

// Back returns the sandbox one action before cur, or the one before the
// last reset; ok is false when there is nothing to undo.
func (u *Undo) Back(cur Sandbox) (Sandbox, bool) {
	if !cur.Empty() {
		return Sandbox{Seed: cur.Seed, Actions: cur.Actions[:len(cur.Actions)-1]}, true
	}
	if u.beforeReset != nil {
		prev := *u.beforeReset
		u.beforeReset = nil
		return prev, true
	}
	return cur, false
}

// CanBack reports whether Back would change the sandbox cur.
func (u *Undo) CanBack(cur Sandbox) bool { return !cur.Empty() || u.beforeReset != nil }

// StartLab keeps the sandbox cur while a lab runs. Starting a second lab
// keeps the first one's sandbox, not the first lab.
func (u *Undo) StartLab(cur Sandbox) {
	if u.outside == nil {
		c := cur
		u.outside = &c
	}
}

// InLab reports whether a lab runs.
func (u *Undo) InLab() bool { return u.outside != nil }

// LeaveLab returns the sandbox kept when the lab started.
func (u *Undo) LeaveLab() (Sandbox, bool) {
	if u.outside == nil {
		return Sandbox{}, false
	}
	s := *u.outside
	u.outside = nil
	return s, true
}
