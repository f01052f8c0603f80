// Package feed is the classroom feed of `pop3lab serve --classroom`: the real
// server's session events as the instructor's page receives them, one
// definition for the command that writes them and the page that reads
// them. Passwords never enter the feed: lines are redacted by the server
// (server.Event.Redacted), discarded plaintext and message bodies are left
// out.
package feed

import (
	"time"

	"pop3lab/sim/server"
)

// InfoPath is where the site serves Info, relative to the page.
const InfoPath = "classroom.json"

// EventsPath is where the site streams Events (text/event-stream, one JSON
// Event per message), relative to the page.
const EventsPath = "classroom/events"

// Info says where students connect.
type Info struct {
	POP3     string `json:"pop3"`
	POP3S    string `json:"pop3s"`
	Students int    `json:"students"`
}

// Event is one session event as the page receives it.
type Event struct {
	Session uint64           `json:"session"`
	Time    string           `json:"time"`
	Kind    server.EventKind `json:"kind"`
	User    string           `json:"user,omitempty"`
	Remote  string           `json:"remote,omitempty"`
	State   string           `json:"state"`
	TLS     bool             `json:"tls"`
	// Line is the command or response, credentials replaced by
	// "********".
	Line string `json:"line,omitempty"`
	Note string `json:"note,omitempty"`
}

// FromServer is the feed's event for a server event; ok is false for the
// kinds the projected view leaves out: message bodies, and the maildrop
// events, which carry no line.
func FromServer(e server.Event) (ev Event, ok bool) {
	switch e.Kind {
	case server.EventBody, server.EventMaildrop, server.EventMark, server.EventUnmark, server.EventCommit:
		return Event{}, false
	}
	ev = Event{Session: e.Session, Time: e.Time.UTC().Format(time.RFC3339Nano), Kind: e.Kind,
		User: e.User, State: e.State.String(), TLS: e.TLS, Line: e.Redacted(), Note: e.Note}
	if e.Remote != nil {
		ev.Remote = e.Remote.String()
	}
	if e.Kind == server.EventDiscard {
		ev.Line = "" // discarded plaintext may hold a password
	}
	return ev, true
}
