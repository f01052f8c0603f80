package client

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/maildrop"
	"pop3lab/sim/server"
)

// newClock returns a virtual clock at 2026-11-26 09:00 UTC.
func newClock() *pop3test.Clock {
	return pop3test.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
}

// events records server events.
type events struct {
	pop3test.Log[server.Event]
}

// commands returns the command keywords the server received, in order.
func (e *events) commands() []string {
	var out []string
	for _, ev := range e.All() {
		if ev.Kind == server.EventCommand {
			out = append(out, ev.Command)
		}
	}
	return out
}

// plaintextCommands returns the command keywords received without TLS.
func (e *events) plaintextCommands() []string {
	var out []string
	for _, ev := range e.All() {
		if ev.Kind == server.EventCommand && !ev.TLS {
			out = append(out, ev.Command)
		}
	}
	return out
}

// waitClosed waits until n sessions have ended: the server's UPDATE is
// finished by then.
func (e *events) waitClosed(t *testing.T, n int) {
	t.Helper()
	e.WaitFor(t, fmt.Sprintf("%d closed sessions", n), func(evs []server.Event) bool {
		closed := 0
		for _, ev := range evs {
			if ev.Kind == server.EventClose {
				closed++
			}
		}
		return closed >= n
	})
}

// env is a pop3lab server with an in-memory store holding alice's mail.
type env struct {
	t      *testing.T
	fsys   hackpadfs.FS
	store  *maildrop.Store
	srv    *server.Server
	events *events
}

func newEnv(t *testing.T, edit func(*server.Config), msgs ...string) *env {
	t.Helper()
	store, fsys := pop3test.NewStore(t, time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), msgs...)
	e := &env{t: t, fsys: fsys, store: store, events: &events{}}
	cfg := server.Config{
		Store:             store,
		Users:             server.Users{"alice": "wonderland", "bob": "pass with spaces"},
		AllowInsecureAuth: true,
		AuthFailureDelay:  -1,
		Observer:          e.events,
		Rand:              mrand.NewChaCha8([32]byte{2}),
	}
	if edit != nil {
		edit(&cfg)
	}
	e.srv = server.New(cfg)
	t.Cleanup(func() { e.srv.Shutdown(t.Context()) })
	return e
}

func (e *env) deliver(msg string) string {
	e.t.Helper()
	uid, err := e.store.Deliver("alice", strings.NewReader(msg))
	if err != nil {
		e.t.Fatal(err)
	}
	return uid
}

// serverMessages returns the UIDs left in alice's maildrop.
func (e *env) serverUIDs() []string {
	e.t.Helper()
	md, err := e.store.Open("alice")
	if err != nil {
		e.t.Fatal(err)
	}
	defer md.Close()
	var out []string
	for _, m := range md.Messages() {
		out = append(out, m.UID)
	}
	return out
}

// dialConn connects a low-level client.
func dialConn(t *testing.T, dial Dialer) *Conn {
	t.Helper()
	raw, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Dial(raw)
	if err != nil {
		t.Fatal(err)
	}
	c.Timeout = 20 * time.Second
	t.Cleanup(func() { c.Close() })
	return c
}

// login connects and logs in as alice with USER/PASS.
func login(t *testing.T, dial Dialer) *Conn {
	t.Helper()
	c := dialConn(t, dial)
	if err := c.User("alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.Pass("wonderland"); err != nil {
		t.Fatal(err)
	}
	return c
}

// newMailClient returns a MailClient with its own in-memory local store.
func newMailClient(t *testing.T, clk *pop3test.Clock, s Settings) (*MailClient, *maildrop.Store, hackpadfs.FS) {
	t.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		t.Fatal(err)
	}
	local := maildrop.NewStore(fsys, "mail", maildrop.Options{Now: clk.Now, Rand: mrand.NewChaCha8([32]byte{3})})
	mc, err := NewMailClient(Config{Settings: s, Mailbox: local, FS: fsys, Now: clk.Now, DeadlineClock: time.Now, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return mc, local, fsys
}

// localBodies returns the local mailbox's messages in order.
func localBodies(t *testing.T, mc *MailClient) []string {
	t.Helper()
	msgs, err := mc.LocalMessages()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		b, err := mc.ReadLocal(m.UID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}
