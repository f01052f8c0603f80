package server

import (
	"sync"
	"time"
)

// failureBudget limits login attempts that fail, per remote address and
// per user name, over a sliding window: at most limit of them in any
// window. It is shared by every session of a server, so parallel
// connections draw on one budget.
//
// An attempt takes a place before its credentials are checked and
// settles it after: a failure keeps it for the window, a success gives it
// back. While a key's places are all taken but some only by attempts not
// yet settled, a new attempt waits for them (a credential check is quick)
// instead of being refused: so parallel guesses can never all pass the
// check at once, and parallel right logins (many users behind one NAT)
// are never refused.
//
// This is the guessing defence; LOGIN-DELAY (RFC 2449 §6.5) is load
// control after successful logins and is kept apart.
type failureBudget struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	settled *sync.Cond // signalled when an attempt settles
	// attempts holds, per key, the attempts within the window, oldest
	// first: at most limit of them.
	attempts map[string][]attempt
	nextID   uint64
	// sweepAt is the number of keys at which expired ones are removed.
	sweepAt int
}

// attempt is one login attempt counted against a key.
type attempt struct {
	at      time.Time
	id      uint64
	pending bool // its credentials are being checked
}

// minSweep is the key count below which the budget never sweeps.
const minSweep = 1024

func newFailureBudget(limit int, window time.Duration) *failureBudget {
	b := &failureBudget{limit: limit, window: window, attempts: make(map[string][]attempt), sweepAt: minSweep}
	b.settled = sync.NewCond(&b.mu)
	return b
}

// Budget keys: an address and a user name never collide.
func addressBudgetKey(addr string) string { return "address " + addr }
func userBudgetKey(user string) string    { return "user " + user }

// reserve counts an attempt at now against every key if each has room,
// and returns its ticket for settle. If a key's failures fill its budget,
// nothing is counted and retry is when that key will have room again.
// A nil budget allows everything.
func (b *failureBudget) reserve(now time.Time, keys ...string) (ticket uint64, retry time.Time, ok bool) {
	if b == nil {
		return 0, time.Time{}, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		wait := false
		for _, k := range keys {
			failed, pending := b.count(k, now)
			switch {
			case len(failed) >= b.limit:
				if at := failed[len(failed)-b.limit].Add(b.window); at.After(retry) {
					retry = at
				}
			case len(failed)+pending >= b.limit:
				wait = true
			}
		}
		if !retry.IsZero() {
			return 0, retry, false
		}
		if !wait {
			break
		}
		b.settled.Wait()
	}
	b.nextID++
	for _, k := range keys {
		b.attempts[k] = append(b.attempts[k], attempt{at: now, id: b.nextID, pending: true})
	}
	b.maybeSweep(now)
	return b.nextID, time.Time{}, true
}

// settle ends the attempt of ticket: a failure keeps its place for the
// window, a success gives it back.
func (b *failureBudget) settle(ticket uint64, failed bool, keys ...string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		as := b.attempts[k]
		for i := range as {
			if as[i].id != ticket {
				continue
			}
			if failed {
				as[i].pending = false
			} else {
				as = append(as[:i], as[i+1:]...)
			}
			break
		}
		if len(as) == 0 {
			delete(b.attempts, k)
		} else {
			b.attempts[k] = as
		}
	}
	b.settled.Broadcast()
}

// count drops the settled attempts of key that left the window and
// returns the times of the failures left and the number of attempts
// still pending. b.mu must be held.
func (b *failureBudget) count(key string, now time.Time) (failed []time.Time, pending int) {
	as := b.attempts[key]
	kept := as[:0]
	for _, a := range as {
		switch {
		case a.pending:
			pending++
		case !a.at.Add(b.window).After(now):
			continue // left the window
		default:
			failed = append(failed, a.at)
		}
		kept = append(kept, a)
	}
	if len(kept) == 0 {
		delete(b.attempts, key)
	} else {
		b.attempts[key] = kept
	}
	return failed, pending
}

// maybeSweep removes keys with no attempt left in the window once the
// map has doubled since the last sweep, so that memory follows the
// attempts of one window. b.mu must be held.
func (b *failureBudget) maybeSweep(now time.Time) {
	if len(b.attempts) < b.sweepAt {
		return
	}
	for k := range b.attempts {
		b.count(k, now)
	}
	b.sweepAt = max(2*len(b.attempts), minSweep)
}
