package server

import (
	"sync"
	"time"
)

// failureBudget limits login attempts that fail, per remote address and
// per user name, over a sliding window: at most limit of them in any
// window. It is shared by every session of a server, so parallel
// connections draw on one budget. An attempt takes its place before the
// credentials are checked, so that parallel guesses cannot all pass the
// check at once; a login that succeeds gives its place back.
//
// This is the guessing defence; LOGIN-DELAY (RFC 2449 §6.5) is load
// control after successful logins and is kept apart.
type failureBudget struct {
	limit  int
	window time.Duration

	mu sync.Mutex
	// attempts holds, per key, the times of the attempts counted within
	// the window, oldest first, at most limit of them.
	attempts map[string][]time.Time
	// sweepAt is the number of keys at which expired ones are removed.
	sweepAt int
}

// minSweep is the key count below which the budget never sweeps.
const minSweep = 1024

func newFailureBudget(limit int, window time.Duration) *failureBudget {
	return &failureBudget{limit: limit, window: window, attempts: make(map[string][]time.Time), sweepAt: minSweep}
}

// Budget keys: an address and a user name never collide.
func addressBudgetKey(addr string) string { return "address " + addr }
func userBudgetKey(user string) string    { return "user " + user }

// reserve counts an attempt at now against every key if each has room.
// If one has none, nothing is counted and retry is when that key will
// have room again.
func (b *failureBudget) reserve(now time.Time, keys ...string) (retry time.Time, ok bool) {
	if b == nil {
		return time.Time{}, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		ts := b.current(k, now)
		if len(ts) >= b.limit {
			if at := ts[len(ts)-b.limit].Add(b.window); at.After(retry) {
				retry = at
			}
			ok = false
		}
	}
	if !retry.IsZero() {
		return retry, false
	}
	for _, k := range keys {
		b.attempts[k] = append(b.attempts[k], now)
	}
	b.maybeSweep(now)
	return time.Time{}, true
}

// refund gives back an attempt that reserve counted at t: the login
// succeeded.
func (b *failureBudget) refund(t time.Time, keys ...string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		ts := b.attempts[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(t) {
				ts = append(ts[:i], ts[i+1:]...)
				break
			}
		}
		if len(ts) == 0 {
			delete(b.attempts, k)
		} else {
			b.attempts[k] = ts
		}
	}
}

// current drops the attempts of key that left the window and returns
// the rest. b.mu must be held.
func (b *failureBudget) current(key string, now time.Time) []time.Time {
	ts := b.attempts[key]
	cut := 0
	for cut < len(ts) && !ts[cut].Add(b.window).After(now) {
		cut++
	}
	if cut == 0 {
		return ts
	}
	ts = ts[cut:]
	if len(ts) == 0 {
		delete(b.attempts, key)
		return nil
	}
	b.attempts[key] = ts
	return ts
}

// maybeSweep removes keys with no attempt left in the window once the
// map has doubled since the last sweep, so that memory follows the
// attempts of one window. b.mu must be held.
func (b *failureBudget) maybeSweep(now time.Time) {
	if len(b.attempts) < b.sweepAt {
		return
	}
	for k := range b.attempts {
		b.current(k, now)
	}
	b.sweepAt = max(2*len(b.attempts), minSweep)
}
