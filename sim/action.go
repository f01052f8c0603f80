package sim

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"pop3lab/sim/client"
	"pop3lab/sim/pop3"
)

// ActionKind says what an Action does.
type ActionKind int

// The actions.
const (
	// ActConnect opens the terminal's connection: port 995 with implicit
	// TLS when the client's TLS policy is implicit, else port 110.
	ActConnect ActionKind = iota
	// ActSend sends Line from the terminal, as the learner typed it.
	ActSend
	// ActGetMail runs the mail client's "Get mail" on its own connection.
	ActGetMail
	// ActPreview runs the mail client's "Preview headers" (TOP n 0).
	ActPreview
	// ActAttack switches the attacker to Attack (with Line for inject).
	ActAttack
	// ActDeliver delivers a message (Subject, Body) to the server maildrop.
	ActDeliver
	// ActWait lets Duration of virtual time pass.
	ActWait
	// ActDrop drops the terminal's connection without QUIT.
	ActDrop
	// ActSettings replaces the settings with Settings.
	ActSettings
	// ActNote adds narration (Line) to the log.
	ActNote
)

// actionKindNames are the kinds' names, the one spelling saved sessions,
// shared links and logs use.
var actionKindNames = [...]string{
	ActConnect: "connect", ActSend: "send", ActGetMail: "get-mail", ActPreview: "preview",
	ActAttack: "attack", ActDeliver: "deliver", ActWait: "wait", ActDrop: "drop",
	ActSettings: "settings", ActNote: "note",
}

// String returns the kind's name ("get-mail").
func (k ActionKind) String() string {
	if k >= 0 && int(k) < len(actionKindNames) {
		return actionKindNames[k]
	}
	return fmt.Sprintf("ActionKind(%d)", int(k))
}

// ParseActionKind returns the kind that String names.
func ParseActionKind(name string) (ActionKind, error) {
	for k, n := range actionKindNames {
		if n == name {
			return ActionKind(k), nil
		}
	}
	return 0, fmt.Errorf("sim: unknown action kind %q", name)
}

// MarshalText implements encoding.TextMarshaler with String.
func (k ActionKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(actionKindNames) {
		return nil, fmt.Errorf("sim: unknown action kind %d", int(k))
	}
	return []byte(actionKindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseActionKind.
func (k *ActionKind) UnmarshalText(b []byte) error {
	v, err := ParseActionKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Who opened a connection (Event.Who).
const (
	WhoTerminal   = "terminal"
	WhoMailClient = "mail client"
	WhoAttacker   = "attacker"
)

// Action is one thing the learner, a scenario or an instructor does.
type Action struct {
	Kind     ActionKind
	Line     string
	Attack   Attack
	Subject  string
	Body     string
	Duration time.Duration
	Settings Settings
}

// Result is what an action produced for the one who did it.
type Result struct {
	// Lines are the lines the server sent in answer to a connect or a
	// typed command: the status line, then any body lines as sent
	// (dot-stuffed) and the terminating ".".
	Lines []string
	// Report is the mail client's account of a Get mail.
	Report *client.Report
	// Previews are the headers from a Preview.
	Previews []client.Preview
}

// LearnerError is an action that failed the way a learner's action can:
// a -ERR, a refused policy, no connection. The simulation is fine.
type LearnerError struct{ Err error }

func (e *LearnerError) Error() string { return e.Err.Error() }
func (e *LearnerError) Unwrap() error { return e.Err }

// IsLearnerError reports whether err is a LearnerError.
func IsLearnerError(err error) bool {
	var le *LearnerError
	return errors.As(err, &le)
}

// Apply does one action, waits until the server has answered, and logs
// everything that happened. A failed learner action returns a
// *LearnerError and is still part of the history.
func (s *Simulation) Apply(a Action) (Result, error) {
	s.mu.Lock()
	s.step = len(s.actions) + 1
	s.mu.Unlock()
	s.actions = append(s.actions, a)
	s.clock.tick()
	switch a.Kind {
	case ActGetMail, ActPreview, ActSettings:
		s.localCache = nil
	}
	res, err := s.apply(a)
	if serr := s.settle(); serr != nil && err == nil {
		err = serr
	}
	s.reapTerminal()
	if err != nil {
		s.log(Event{Kind: EvError, Text: err.Error()})
	}
	return res, err
}

func (s *Simulation) apply(a Action) (Result, error) {
	switch a.Kind {
	case ActConnect:
		s.log(Event{Kind: EvAction, Text: "connect"})
		return s.connect()
	case ActSend:
		s.log(Event{Kind: EvAction, Text: "typed: " + redactTyped(a.Line)})
		return s.send(a.Line)
	case ActGetMail:
		s.log(Event{Kind: EvAction, Text: "mail client: Get mail"})
		return s.getMail()
	case ActPreview:
		s.log(Event{Kind: EvAction, Text: "mail client: Preview headers"})
		return s.preview()
	case ActAttack:
		return Result{}, s.setAttack(a.Attack, a.Line)
	case ActDeliver:
		return Result{}, s.deliver(a.Subject, a.Body)
	case ActWait:
		s.clock.Advance(a.Duration)
		s.log(Event{Kind: EvClock, Text: fmt.Sprintf("%s passed", a.Duration)})
		for _, c := range s.openConns() {
			c.link.CheckDeadlines()
		}
		return Result{}, nil
	case ActDrop:
		s.log(Event{Kind: EvAction, Text: "drop the connection"})
		if s.term == nil {
			return Result{}, &LearnerError{ErrNotConnected}
		}
		s.term.client.Close()
		s.term = nil
		return Result{}, nil
	case ActSettings:
		if err := s.useDevice(a.Settings.Client.Device); err != nil {
			return Result{}, err
		}
		s.settings = a.Settings
		s.log(Event{Kind: EvAction, Text: "settings changed"})
		if a.Settings.Server != s.srvSettings {
			s.buildServer()
		}
		return Result{}, nil
	case ActNote:
		s.log(Event{Kind: EvNote, Text: a.Line})
		return Result{}, nil
	}
	return Result{}, fmt.Errorf("sim: unknown action %d", a.Kind)
}

// redactTyped keeps a typed PASS out of the action text; the wire and
// command events carry it, marked as a credential.
func redactTyped(line string) string {
	if cmd, err := pop3.ParseCommand([]byte(line)); err == nil && cmd.Name == "PASS" {
		return "PASS ********"
	}
	return line
}

// clientPort is where the terminal and the mail client connect under the
// client's TLS policy.
func (s *Simulation) clientPort() uint16 {
	if s.settings.Client.TLS == client.TLSImplicit {
		return PortPOP3S
	}
	return PortPOP3
}

func (s *Simulation) connect() (Result, error) {
	if s.term != nil {
		return Result{}, &LearnerError{errors.New("already connected: QUIT or drop first")}
	}
	port := s.clientPort()
	c, err := s.dial(port, WhoTerminal)
	if err != nil {
		return Result{}, err
	}
	conn := s.newClientConn(c, port == PortPOP3S)
	c.client = conn
	s.term = c
	err = conn.ReadGreeting()
	if err != nil {
		return Result{}, &LearnerError{err}
	}
	_, line := conn.Greeting()
	return Result{Lines: []string{line}}, nil
}

func (s *Simulation) send(line string) (Result, error) {
	if s.term == nil {
		return Result{}, &LearnerError{ErrNotConnected}
	}
	resp, err := s.term.client.Raw(line)
	res := Result{}
	if resp.Line != "" {
		res.Lines = append(res.Lines, resp.Line)
	}
	if resp.Multiline {
		// The body as it crossed, stuffed, with its terminating ".".
		res.Lines = append(res.Lines, strings.Split(strings.TrimSuffix(string(resp.Wire), "\r\n"), "\r\n")...)
	}
	if err != nil {
		// A -ERR, a malformed line, a closed connection: the terminal
		// shows it and the learner goes on.
		return res, &LearnerError{err}
	}
	return res, nil
}

// newClientConn makes the terminal's (or the attacker's) client on a
// connection: deadlines on the virtual clock, the pinned certificate.
func (s *Simulation) newClientConn(c *connection, implicitTLS bool) *client.Conn {
	var conn *client.Conn
	if implicitTLS {
		conn = client.NewConnTLS(c.link.Client(), s.clientTLS)
	} else {
		conn = client.NewConn(c.link.Client())
	}
	conn.Now = s.clock.Now
	conn.TLS = s.clientTLS
	return conn
}

// reapTerminal forgets the terminal's connection once the server has
// closed it (QUIT, autologout, too many errors).
func (s *Simulation) reapTerminal() {
	if s.term == nil {
		return
	}
	s.mu.Lock()
	closed := s.term.closed
	s.mu.Unlock()
	if closed {
		s.term.client.Close()
		s.term = nil
	}
}

func (s *Simulation) setAttack(mode Attack, line string) error {
	switch mode {
	case AttackNone, "":
		s.attack = attackState{}
		s.log(Event{Kind: EvAttack, Text: "attacker stops interfering (still watching)"})
	case AttackStripSTLS:
		s.attack = attackState{mode: mode}
		s.log(Event{Kind: EvAttack, Text: "attacker on the path will strip STLS"})
	case AttackReplayAPOP:
		return s.replayAPOP()
	case AttackInject:
		if line == "" {
			return errors.New("sim: inject needs a command line to inject")
		}
		if !strings.HasSuffix(line, "\n") {
			line += "\r\n"
		}
		s.attack = attackState{mode: mode, line: line}
		s.log(Event{Kind: EvAttack, Text: fmt.Sprintf("attacker on the path will inject %q after STLS", line)})
	default:
		return fmt.Errorf("sim: unknown attack %q", mode)
	}
	return nil
}

// deliver puts a new message into the sample user's maildrop, as the
// mail server's SMTP side would.
func (s *Simulation) deliver(subject, body string) error {
	now := s.clock.Now()
	msg := fmt.Sprintf("From: Lab Sender <sender@pop3lab.example>\r\nTo: %s@pop3lab.example\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.lab@pop3lab.example>\r\n\r\n%s\r\n",
		s.cfg.User, subject, now.Format(time.RFC1123Z), now.UnixNano(), strings.ReplaceAll(body, "\n", "\r\n"))
	uid, err := s.store.Deliver(s.cfg.User, strings.NewReader(msg))
	if err != nil {
		return fmt.Errorf("sim: deliver: %w", err)
	}
	s.log(Event{Kind: EvDelivery, Text: fmt.Sprintf("new message %q delivered to %s's maildrop (UID %s)", subject, s.cfg.User, uid)})
	return nil
}

// mailSettings turns the simulation's client settings into the mail
// client's.
func (s *Simulation) mailSettings() client.Settings {
	cs := s.settings.Client
	return client.Settings{
		Username: cs.User, Password: cs.Password, Auth: cs.Auth, TLS: cs.TLS,
		LeaveOnServer: cs.LeaveOnServer, DeleteAfterDays: cs.DeleteAfterDays,
		TLSClient: s.clientTLS,
	}
}

// mailDial gives the mail client a fresh connection on the port its
// policy wants.
func (s *Simulation) mailDial() client.Dialer {
	return func() (net.Conn, error) {
		c, err := s.dial(s.clientPort(), WhoMailClient)
		if err != nil {
			return nil, err
		}
		return c.link.Client(), nil
	}
}

func (s *Simulation) getMail() (Result, error) {
	s.mail.Settings = s.mailSettings()
	rep, err := s.mail.GetMail(s.mailDial())
	s.logReport(rep)
	res := Result{Report: &rep}
	if err != nil {
		return res, &LearnerError{err}
	}
	return res, nil
}

func (s *Simulation) preview() (Result, error) {
	s.mail.Settings = s.mailSettings()
	previews, rep, err := s.mail.PreviewHeaders(s.mailDial())
	s.logReport(rep)
	res := Result{Previews: previews, Report: &rep}
	for _, p := range previews {
		s.log(Event{Kind: EvClient, Text: fmt.Sprintf("preview %d: %s — %s", p.Number, p.From, p.Subject)})
	}
	if err != nil {
		return res, &LearnerError{err}
	}
	return res, nil
}

// logReport logs the mail client's account of an action, once the
// server has finished with the action's connections: the server's events
// (its close after QUIT) then always come before the account.
func (s *Simulation) logReport(rep client.Report) {
	if err := s.settle(); err != nil {
		s.log(Event{Kind: EvError, Text: err.Error()})
	}
	for _, step := range rep.Steps {
		s.log(Event{Kind: EvClient, Text: step})
	}
	for _, w := range rep.Warnings {
		s.log(Event{Kind: EvClient, Text: w, Warning: true})
	}
}
