package sim

import (
	"slices"
	"time"

	"pop3lab/sim/client"
)

// Snapshot is the state the views show beside the event log.
type Snapshot struct {
	Time time.Time
	// Step is the number of actions applied.
	Step int
	// Connected reports whether the terminal has a connection; State,
	// TLS and User describe its session.
	Connected bool
	State     string
	TLS       bool
	User      string
	// Attack is the attacker's mode ("off", "strip-stls", "inject").
	Attack Attack
	// Settings are the current settings.
	Settings Settings
	// Server is the sample user's maildrop: as the terminal's session
	// numbers it while one is in TRANSACTION, else as the next session
	// would.
	Server []ServerMessage
	// Locked reports whether a session holds the maildrop.
	Locked bool
	// Local is the mail client's downloaded mail.
	Local []client.LocalMessage
	// Remembered are the UIDs the mail client has already fetched.
	Remembered []string
	// LastUpdate is what the newest UPDATE state did, on any connection
	// (the terminal's or the mail client's); nil before the first QUIT
	// from TRANSACTION. A session is in UPDATE only while QUIT commits,
	// so this is where a view shows it after the action.
	LastUpdate *UpdateReport
}

// UpdateReport is what a session's UPDATE state did (RFC 1939 §6).
type UpdateReport struct {
	// Conn is the connection and Step the action during which it ran.
	Conn, Step int
	// Deleted are the messages marked for deletion, as that session
	// numbered them: removed, unless Failed.
	Deleted []MessageRef
	// Failed reports that the commit failed (the server answered
	// -ERR [SYS/TEMP]); Reason says why.
	Failed bool
	Reason string
}

// ServerMessage is one message of the server maildrop.
type ServerMessage struct {
	Number  int
	UID     string
	Size    int64
	Subject string
	From    string
	Deleted bool
}

// Connected reports whether the terminal has a connection: a cheap part
// of the Snapshot, for deciding whether a typed line must connect first.
func (s *Simulation) Connected() bool { return s.term != nil }

// Snapshot returns the current state.
func (s *Simulation) Snapshot() Snapshot {
	snap := Snapshot{
		Time:     s.clock.Now(),
		Step:     len(s.actions),
		Settings: s.settings,
		Attack:   s.attack.mode,
		Locked:   s.store.Locked(s.cfg.User),
	}
	if snap.Attack == "" {
		snap.Attack = AttackNone
	}
	s.mu.Lock()
	var view []ServerMessage
	var inSession bool
	snap.LastUpdate = s.lastUpdate
	if t := s.term; t != nil {
		snap.Connected, snap.State, snap.TLS, snap.User = true, t.state, t.tls, t.user
		if t.view != nil {
			inSession = true
			for _, m := range t.view {
				view = append(view, ServerMessage{Number: m.Number, UID: m.UID, Size: m.Size, Deleted: t.marks[m.Number]})
			}
		}
	}
	s.mu.Unlock()
	if !inSession {
		msgs, _ := s.store.List(s.cfg.User)
		for _, m := range msgs {
			view = append(view, ServerMessage{Number: m.Number, UID: m.UID, Size: m.Size})
		}
	}
	for i := range view {
		h := s.serverHeaders(view[i].UID)
		view[i].Subject, view[i].From = h.Subject, h.From
	}
	snap.Server = view
	// The local mailbox and UID memory change only through the mail
	// client; reading them costs a maildrop scan and a JSON decode, so
	// they are kept until a mail-client action or a device switch.
	if s.localCache == nil {
		c := &localView{}
		c.messages, _ = s.mail.LocalMessages()
		if mem, err := s.mail.Downloaded(); err == nil {
			for uid := range mem {
				c.remembered = append(c.remembered, uid)
			}
			slices.Sort(c.remembered)
		}
		s.localCache = c
	}
	snap.Local, snap.Remembered = s.localCache.messages, s.localCache.remembered
	return snap
}

// localView is the mail client's side of a Snapshot.
type localView struct {
	messages   []client.LocalMessage
	remembered []string
}

// ServerMessageText returns a server message's text by UID, for views.
func (s *Simulation) ServerMessageText(uid string) ([]byte, error) {
	return s.store.Read(s.cfg.User, uid)
}

// LocalMessageText returns a downloaded message's text by its local UID.
func (s *Simulation) LocalMessageText(uid string) ([]byte, error) {
	return s.mail.ReadLocal(uid)
}

// serverHeaders parses a server message's headers once per UID: a UID
// always names the same message (RFC 1939 §7).
func (s *Simulation) serverHeaders(uid string) client.Headers {
	if h, ok := s.headers[uid]; ok {
		return h
	}
	b, err := s.store.ReadHeader(s.cfg.User, uid)
	if err != nil {
		return client.Headers{}
	}
	h := client.ParseHeaders(b)
	s.headers[uid] = h
	return h
}
