// Package server is the POP3 server: the RFC 1939 state machine
// (AUTHORIZATION, TRANSACTION, UPDATE) with the RFC 2449 extensions, STLS
// (RFC 2595), SASL PLAIN (RFC 5034, RFC 4616), APOP, the RFC 2449 and
// RFC 3206 response codes, limits against abuse, and an observer hook.
//
// The server does not know whether it is simulated: it serves any net.Conn,
// an in-memory link in the browser or a TCP connection in `pop3lab pop3`.
package server

import (
	"crypto/subtle"
	"io"
	"time"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/secure"
)

// Defaults for the zero values of Config.
const (
	// DefaultIdleTimeout is the autologout timer. RFC 1939 §3 asks for at
	// least 10 minutes.
	DefaultIdleTimeout = 10 * time.Minute
	// DefaultAuthFailureDelay is how long every login attempt waits
	// before its answer, to slow down password guessing.
	DefaultAuthFailureDelay = time.Second
	// DefaultAuthFailureBudget is how many failed logins one remote
	// address, and one user name, may make within
	// DefaultAuthFailureWindow.
	DefaultAuthFailureBudget = 10
	// DefaultAuthFailureWindow is the sliding window of the failure
	// budget.
	DefaultAuthFailureWindow = 10 * time.Minute
	// DefaultMaxBadCommands is how many unknown, malformed or misplaced
	// commands a session may send before it is closed.
	DefaultMaxBadCommands = 10
	// DefaultMaxAuthFailures is how many failed logins a session may make
	// before it is closed.
	DefaultMaxAuthFailures = 3
	// DefaultMaxConns caps the sessions open at once, over all addresses.
	DefaultMaxConns = 1000
	// DefaultMaxConnsPerAddress caps the sessions open at once from one
	// remote address.
	DefaultMaxConnsPerAddress = 20
	// DefaultMaxUnauthenticatedPerAddress caps the sessions from one
	// remote address that have not logged in yet.
	DefaultMaxUnauthenticatedPerAddress = 10
	// DefaultImplementation is the IMPLEMENTATION capability (RFC 2449 §6.9).
	DefaultImplementation = "pop3lab"
	// saslLineLimit bounds a SASL response line, which RFC 5034 §4 exempts
	// from the 255-octet command limit.
	saslLineLimit = 4096
)

// Authenticator looks up the secret of a user. POP3 needs the secret
// itself, not a hash of it: APOP computes MD5(timestamp + secret) on both
// sides (RFC 1939 §7).
type Authenticator interface {
	// Secret returns the user's password and whether the user exists.
	Secret(user string) (secret string, ok bool)
}

// Users is an Authenticator from a fixed map of user name to password.
type Users map[string]string

// Secret implements Authenticator.
func (u Users) Secret(user string) (string, bool) {
	s, ok := u[user]
	return s, ok
}

// Config holds the server settings. Store and Users are required; every
// other zero value means its documented default.
type Config struct {
	// Hostname goes into the greeting's APOP timestamp. Default "localhost".
	Hostname string
	// Store holds the maildrops.
	Store *maildrop.Store
	// Users checks credentials.
	Users Authenticator
	// TLS enables STLS (RFC 2595) and ServeTLS: it starts the server side
	// of TLS on a connection (stdtls.Server with a *tls.Config, natively).
	// Nil: no TLS.
	TLS secure.Server
	// AllowInsecureAuth allows USER/PASS and AUTH PLAIN before TLS from any
	// address. Without it they are allowed only on loopback connections
	// and refused elsewhere until STLS, as RFC 5034 §6 and RFC 8314 advise.
	// The simulator sets it: the lessons show credentials in the clear.
	AllowInsecureAuth bool
	// IdleTimeout is the autologout timer; zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// AuthFailureDelay is waited before every answer to a login attempt
	// (PASS, APOP, AUTH), right or wrong, so that neither the answer's
	// timing nor hanging up early tells a right password from a wrong
	// one. Zero means DefaultAuthFailureDelay, negative means no delay.
	AuthFailureDelay time.Duration
	// AuthFailureBudget is how many failed logins one remote address and
	// one user name may each make within AuthFailureWindow, over all
	// sessions; then every login attempt that would draw on the spent
	// budget is refused, right password or not, with the time to retry.
	// Zero means DefaultAuthFailureBudget, negative means no budget.
	AuthFailureBudget int
	// AuthFailureWindow is the budget's sliding window; zero means
	// DefaultAuthFailureWindow.
	AuthFailureWindow time.Duration
	// MaxBadCommands; zero means DefaultMaxBadCommands.
	MaxBadCommands int
	// MaxAuthFailures; zero means DefaultMaxAuthFailures.
	MaxAuthFailures int
	// MaxConns caps the sessions open at once; a connection over the cap
	// is answered "-ERR [SYS/TEMP]" (RFC 3206 §4) and closed. Zero means
	// DefaultMaxConns, negative no cap.
	MaxConns int
	// MaxConnsPerAddress caps the sessions from one remote address (the
	// IP address for TCP); zero means DefaultMaxConnsPerAddress, negative
	// no cap.
	MaxConnsPerAddress int
	// MaxUnauthenticatedPerAddress caps the sessions from one remote
	// address still in AUTHORIZATION; zero means
	// DefaultMaxUnauthenticatedPerAddress, negative no cap.
	MaxUnauthenticatedPerAddress int
	// LoginDelay is the minimum time between two logins of one user,
	// advertised as LOGIN-DELAY and enforced with [LOGIN-DELAY]
	// (RFC 2449 §6.5). Zero: no limit and no capability.
	LoginDelay time.Duration
	// Implementation is the IMPLEMENTATION capability text; default
	// DefaultImplementation.
	Implementation string
	// Now is the clock; default time.Now. Deadlines and login delays use it.
	Now func() time.Time
	// Sleep waits out failed-login delays; default time.Sleep. The
	// simulator passes a sleep on its virtual clock.
	Sleep func(time.Duration)
	// Rand is the source for APOP timestamps; default crypto/rand.
	Rand io.Reader
	// Logf reports problems that belong to no session, such as a failed
	// accept that the server retries; default: discarded. It must be safe
	// for concurrent use and must not block.
	Logf func(format string, args ...any)
	// Observer receives every command, response and state change. It is
	// called from session goroutines and must be safe for concurrent use.
	Observer Observer
	// ObserveBodies adds an EventBody after every multi-line response, for
	// transcripts and live views.
	ObserveBodies bool
	// UnsafeExecutePipelinedAfterSTLS reproduces the STARTTLS
	// command-injection flaw (CVE-2011-0411 family): plaintext sent after
	// STLS is kept and executed inside TLS. It exists only for the
	// simulator's attack lab; `pop3lab pop3` never sets it.
	UnsafeExecutePipelinedAfterSTLS bool
}

func (c *Config) idleTimeout() time.Duration {
	if c.IdleTimeout > 0 {
		return c.IdleTimeout
	}
	return DefaultIdleTimeout
}

func (c *Config) authFailureDelay() time.Duration {
	switch {
	case c.AuthFailureDelay < 0:
		return 0
	case c.AuthFailureDelay == 0:
		return DefaultAuthFailureDelay
	}
	return c.AuthFailureDelay
}

func (c *Config) authFailureBudget() *failureBudget {
	n := limit(c.AuthFailureBudget, DefaultAuthFailureBudget)
	if n == 0 {
		return nil
	}
	w := c.AuthFailureWindow
	if w <= 0 {
		w = DefaultAuthFailureWindow
	}
	return newFailureBudget(n, w)
}

func (c *Config) maxBadCommands() int {
	if c.MaxBadCommands > 0 {
		return c.MaxBadCommands
	}
	return DefaultMaxBadCommands
}

func (c *Config) maxAuthFailures() int {
	if c.MaxAuthFailures > 0 {
		return c.MaxAuthFailures
	}
	return DefaultMaxAuthFailures
}

func (c *Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// limit returns v, or def for zero; a negative v means no limit.
func limit(v, def int) int {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

func (c *Config) maxConns() int { return limit(c.MaxConns, DefaultMaxConns) }

func (c *Config) maxConnsPerAddress() int {
	return limit(c.MaxConnsPerAddress, DefaultMaxConnsPerAddress)
}

func (c *Config) maxUnauthenticatedPerAddress() int {
	return limit(c.MaxUnauthenticatedPerAddress, DefaultMaxUnauthenticatedPerAddress)
}

func (c *Config) hostname() string {
	if c.Hostname != "" {
		return c.Hostname
	}
	return "localhost"
}

func (c *Config) implementation() string {
	if c.Implementation != "" {
		return c.Implementation
	}
	return DefaultImplementation
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	if c.Sleep != nil {
		c.Sleep(d)
		return
	}
	time.Sleep(d)
}

// checkSecret compares in constant time so that response timing does not
// reveal how much of a guess was right.
func checkSecret(users Authenticator, user, given string) bool {
	secret, ok := users.Secret(user)
	if !ok {
		// Compare anyway so an unknown user costs the same time.
		subtle.ConstantTimeCompare([]byte(given), []byte(given))
		return false
	}
	return subtle.ConstantTimeCompare([]byte(secret), []byte(given)) == 1
}
