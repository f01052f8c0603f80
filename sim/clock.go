package sim

import (
	"sync"
	"time"
)

// defaultStart is where the virtual clock starts unless Options.Start says
// otherwise.
var defaultStart = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// Clock is the simulation's virtual clock: time moves only when the
// simulation says so. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (never back).
func (c *Clock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// tick moves the clock on by a millisecond: each step of a session takes
// a little time, so that captures and transcripts show an order.
func (c *Clock) tick() { c.Advance(time.Millisecond) }
