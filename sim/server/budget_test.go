package server

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"pop3lab/sim/internal/pop3test"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// addrConn gives a connection another remote address.
type addrConn struct {
	net.Conn
	remote net.Addr
}

func (c addrConn) RemoteAddr() net.Addr { return c.remote }

// dialFrom connects over a pipe that the server sees coming from ip.
func dialFrom(t *testing.T, srv *Server, ip string) *client {
	c, s := net.Pipe()
	go srv.ServeConn(addrConn{s, &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}})
	cl := newClient(t, c)
	cl.greeting()
	return cl
}

func budgetEnv(t *testing.T, budget int) (*testEnv, *fakeClock) {
	// The connections' deadlines use this clock too: start it now.
	clock := &fakeClock{t: time.Now()}
	env := newEnv(t, func(c *Config) {
		c.Now = clock.Now
		c.AuthFailureBudget = budget
		c.AuthFailureWindow = 10 * time.Minute
		c.MaxConnsPerAddress, c.MaxUnauthenticatedPerAddress = -1, -1
	})
	return env, clock
}

const budgetRefusal = "-ERR [AUTH] Failed-login budget exhausted for this user or your address; try again in 600 seconds."

// tryLogin sends USER and PASS and returns the answer to PASS.
func tryLogin(c *client, user, pass string) string {
	c.t.Helper()
	c.cmd("USER " + user)
	c.expect("+OK Send your password.")
	c.cmd("PASS " + pass)
	return c.line()
}

// TestFailureBudgetHoldsParallelGuessing: 40 sessions guessing at once
// from one address get exactly the budget's 5 checked guesses; the other
// 35, and then the right password, are refused with the time to retry.
// Once the window has passed, the right password logs in.
func TestFailureBudgetHoldsParallelGuessing(t *testing.T) {
	env, clock := budgetEnv(t, 5)
	const guessers = 40
	answers := make(chan string, guessers)
	var wg sync.WaitGroup
	for i := range guessers {
		c := newClient(t, pop3test.Pipe.Dial(t, env.srv))
		c.greeting()
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.cmd("USER alice")
			if l, _ := c.r.ReadString('\n'); l != "+OK Send your password.\r\n" {
				answers <- "USER: " + l
				return
			}
			c.cmd(fmt.Sprintf("PASS guess%d", i))
			l, _ := c.r.ReadString('\n')
			answers <- l[:max(len(l)-2, 0)]
		}()
	}
	wg.Wait()
	close(answers)
	count := map[string]int{}
	for a := range answers {
		count[a]++
	}
	want := map[string]int{"-ERR [AUTH] Authentication failed.": 5, budgetRefusal: guessers - 5}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Fatalf("answers %v, want %v", count, want)
	}
	c := newClient(t, pop3test.Pipe.Dial(t, env.srv))
	c.greeting()
	if got := tryLogin(c, "alice", "wonderland"); got != budgetRefusal {
		t.Fatalf("right password while the budget is spent: %q", got)
	}
	clock.Advance(10 * time.Minute)
	if got := tryLogin(c, "alice", "wonderland"); got != "+OK alice's maildrop has 3 messages (262 octets)." {
		t.Fatalf("right password after the window: %q", got)
	}
}

// TestFailureBudgetPerAddressAndUser: failures spread over user names
// spend the address's budget; failures spread over addresses spend the
// user's. A login that succeeds costs nothing.
func TestFailureBudgetPerAddressAndUser(t *testing.T) {
	t.Run("address", func(t *testing.T) {
		env, _ := budgetEnv(t, 3)
		c := dialFrom(t, env.srv, "192.0.2.1")
		for _, u := range []string{"carol", "dave"} {
			expectAnswer(t, tryLogin(c, u, "x"), "-ERR [AUTH] Authentication failed.")
		}
		c = dialFrom(t, env.srv, "192.0.2.1")
		expectAnswer(t, tryLogin(c, "erin", "x"), "-ERR [AUTH] Authentication failed.")
		expectAnswer(t, tryLogin(c, "bob", "pass with spaces"), budgetRefusal)
		// Another address is not affected.
		other := dialFrom(t, env.srv, "192.0.2.2")
		expectAnswer(t, tryLogin(other, "bob", "pass with spaces"), "+OK bob's maildrop has 0 messages (0 octets).")
	})
	t.Run("user", func(t *testing.T) {
		env, _ := budgetEnv(t, 3)
		// Successful logins do not draw on the budget.
		for i := range 5 {
			c := dialFrom(t, env.srv, "198.51.100.9")
			expectAnswer(t, tryLogin(c, "alice", "wonderland"), "+OK alice's maildrop has 3 messages (262 octets).")
			c.cmd("QUIT")
			c.expect("+OK Logging out; no messages deleted.")
			c.expectEOF()
			env.events.WaitFor(t, "the session closed", func(evs []Event) bool { return closedSessions(evs) == i+1 })
		}
		for i := range 3 {
			c := dialFrom(t, env.srv, fmt.Sprintf("192.0.2.%d", 10+i))
			expectAnswer(t, tryLogin(c, "alice", "guess"), "-ERR [AUTH] Authentication failed.")
		}
		c := dialFrom(t, env.srv, "192.0.2.20")
		expectAnswer(t, tryLogin(c, "alice", "wonderland"), budgetRefusal)
		expectAnswer(t, tryLogin(c, "bob", "pass with spaces"), "+OK bob's maildrop has 0 messages (0 octets).")
	})
}

func expectAnswer(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("answer %q, want %q", got, want)
	}
}

// TestAuthDelayOnEveryAnswer: a right password waits as long as a wrong
// one and as a refusal of the spent budget, so that timing (or hanging up
// early) does not tell them apart.
func TestAuthDelayOnEveryAnswer(t *testing.T) {
	env, _ := budgetEnv(t, 1)
	c := dialFrom(t, env.srv, "192.0.2.1")
	expectAnswer(t, tryLogin(c, "bob", "wrong"), "-ERR [AUTH] Authentication failed.")
	expectAnswer(t, tryLogin(c, "bob", "pass with spaces"), budgetRefusal)
	other := dialFrom(t, env.srv, "192.0.2.2")
	expectAnswer(t, tryLogin(other, "alice", "wonderland"), "+OK alice's maildrop has 3 messages (262 octets).")
	want := []time.Duration{DefaultAuthFailureDelay, DefaultAuthFailureDelay, DefaultAuthFailureDelay}
	if got := *env.sleeps; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delays %v, want %v", got, want)
	}
}

// TestFailureBudgetWindow: the window slides: each failure leaves it
// window after it was made; a success gives its place back.
func TestFailureBudgetWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	b := newFailureBudget(2, time.Minute)
	for _, step := range []struct {
		at     time.Duration
		ok     bool
		retry  time.Duration
		failed bool
	}{
		{0, true, 0, true},
		{10 * time.Second, true, 0, false}, // a success costs nothing
		{20 * time.Second, true, 0, true},
		{30 * time.Second, false, time.Minute, false},
		{60 * time.Second, true, 0, true}, // the first left the window
		{70 * time.Second, false, 80 * time.Second, false},
		{80 * time.Second, true, 0, false},
		{81 * time.Second, true, 0, true},
	} {
		ticket, retry, ok := b.reserve(t0.Add(step.at), "k")
		if ok != step.ok || (!ok && !retry.Equal(t0.Add(step.retry))) {
			t.Fatalf("at %v: ok=%t retry=%v, want ok=%t retry=%v", step.at, ok, retry.Sub(t0), step.ok, step.retry)
		}
		if ok {
			b.settle(ticket, step.failed, "k")
		}
	}
}

// TestFailureBudgetWaitsForPending: when the places are taken by
// attempts still being checked, a new attempt waits for them: it gets the
// place a success gives back, and the refusal once a failure keeps it.
func TestFailureBudgetWaitsForPending(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, failed := range []bool{false, true} {
		b := newFailureBudget(1, time.Minute)
		first, _, _ := b.reserve(t0, "k")
		done := make(chan bool)
		go func() {
			_, _, ok := b.reserve(t0, "k")
			done <- ok
		}()
		select {
		case <-done:
			t.Fatal("the second attempt did not wait for the first")
		case <-time.After(20 * time.Millisecond):
		}
		b.settle(first, failed, "k")
		if ok := <-done; ok == failed {
			t.Fatalf("first failed=%t: second allowed=%t", failed, ok)
		}
	}
}

// TestParallelRightLoginsNotRefused: many right logins at once from one
// address (users behind one NAT) never meet the budget, however small.
func TestParallelRightLoginsNotRefused(t *testing.T) {
	env, _ := budgetEnv(t, 1)
	const logins = 30
	answers := make(chan string, logins)
	var wg sync.WaitGroup
	for i := range logins {
		c := newClient(t, pop3test.Pipe.Dial(t, env.srv))
		c.greeting()
		user, pass := "alice", "wonderland"
		if i%2 == 1 {
			user, pass = "bob", "pass with spaces"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.cmd("USER " + user)
			c.r.ReadString('\n')
			c.cmd("PASS " + pass)
			l, _ := c.r.ReadString('\n')
			answers <- l
		}()
	}
	wg.Wait()
	close(answers)
	for a := range answers {
		// One session per maildrop wins the lock; the others are told
		// it is in use, never that a budget is spent.
		if !strings.HasPrefix(a, "+OK ") && a != "-ERR [IN-USE] Maildrop is locked by another POP3 session.\r\n" {
			t.Errorf("answer %q", a)
		}
	}
}
