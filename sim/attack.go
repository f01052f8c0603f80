package sim

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"pop3lab/sim/wire"
)

// Attack is a mode of the on-path attacker, named as scenarios ("attack:
// strip-stls"), the app and snapshots write it.
type Attack string

// Attacks an on-path attacker can run.
const (
	// AttackNone: the attacker only watches.
	AttackNone Attack = "off"
	// AttackStripSTLS removes STLS from CAPA answers and refuses STLS
	// itself: the downgrade (STARTTLS stripping).
	AttackStripSTLS Attack = "strip-stls"
	// AttackInject appends a command after the client's STLS, in the
	// same plaintext segment: STARTTLS command injection.
	AttackInject Attack = "inject"
	// AttackReplayAPOP replays the last APOP command seen on the wire on
	// a new connection: a one-shot action, refused because every
	// greeting has a fresh timestamp (RFC 1939 §7).
	AttackReplayAPOP Attack = "replay-apop"
)

// attackTable is the one list of attacks, in the order they are offered.
var attackTable = []struct {
	attack    Attack
	takesLine bool   // the attack needs a command line (inject)
	summary   string // what it does; %q is the line when takesLine
}{
	{AttackStripSTLS, false, "remove STLS from CAPA and refuse STLS"},
	{AttackInject, true, "add %q after the client's next STLS"},
	{AttackReplayAPOP, false, "replay the captured APOP line on a new connection"},
	{AttackNone, false, "off"},
}

// Attacks returns every attack, in the order scenarios and the app list
// them.
func Attacks() []Attack {
	out := make([]Attack, len(attackTable))
	for i, e := range attackTable {
		out[i] = e.attack
	}
	return out
}

// ParseAttack returns the attack named name.
func ParseAttack(name string) (Attack, error) {
	for _, e := range attackTable {
		if string(e.attack) == name {
			return e.attack, nil
		}
	}
	names := make([]string, len(attackTable))
	for i, e := range attackTable {
		names[i] = string(e.attack)
	}
	return "", fmt.Errorf("want one of %s, got %q", strings.Join(names, ", "), name)
}

// TakesLine reports whether the attack needs a command line (inject).
func (a Attack) TakesLine() bool {
	for _, e := range attackTable {
		if e.attack == a {
			return e.takesLine
		}
	}
	return false
}

// Summary says in a few words what the attack does; line is the command
// line of an attack that takes one.
func (a Attack) Summary(line string) string {
	for _, e := range attackTable {
		if e.attack == a {
			if e.takesLine {
				return fmt.Sprintf(e.summary, line)
			}
			return e.summary
		}
	}
	return string(a)
}

// MarshalText implements encoding.TextMarshaler.
func (a Attack) MarshalText() ([]byte, error) { return []byte(a), nil }

// UnmarshalText implements encoding.TextUnmarshaler: only a known name.
func (a *Attack) UnmarshalText(b []byte) error {
	v, err := ParseAttack(string(b))
	if err != nil {
		return fmt.Errorf("sim: attack: %w", err)
	}
	*a = v
	return nil
}

type attackState struct {
	mode Attack
	line string // the command AttackInject appends
}

// intercept is the middlebox on every link: the attacker's hands.
func (s *Simulation) intercept(c *connection, dir wire.Dir, chunk []byte) []byte {
	switch s.attack.mode {
	case AttackStripSTLS:
		if dir == wire.ServerToClient && bytes.HasPrefix(chunk, []byte("+OK")) {
			if i := bytes.Index(chunk, []byte("\r\nSTLS\r\n")); i >= 0 {
				out := append(append([]byte(nil), chunk[:i+2]...), chunk[i+len("\r\nSTLS\r\n"):]...)
				s.log(Event{Kind: EvAttack, Conn: c.id, Text: "attacker removed STLS from the server's CAPA list"})
				return out
			}
		}
		if dir == wire.ClientToServer && bytes.EqualFold(chunk, []byte("STLS\r\n")) {
			s.log(Event{Kind: EvAttack, Conn: c.id, Text: "attacker dropped the client's STLS and answered -ERR itself"})
			c.link.Inject(wire.ServerToClient, []byte("-ERR Unknown command.\r\n"))
			return nil
		}
	case AttackInject:
		if dir == wire.ClientToServer && bytes.EqualFold(chunk, []byte("STLS\r\n")) {
			s.log(Event{Kind: EvAttack, Conn: c.id, Text: fmt.Sprintf("attacker appended %q after STLS, in the same plaintext segment", s.attack.line)})
			return append(append([]byte(nil), chunk...), s.attack.line...)
		}
	}
	return chunk
}

// replayAPOP opens a connection as the attacker and sends the last APOP
// line the eavesdropper captured.
func (s *Simulation) replayAPOP() error {
	var captured string
	for _, e := range s.Events(0) {
		if e.Kind != EvSegment || e.Dir != wire.ClientToServer || e.TLS {
			continue
		}
		for _, u := range e.Units {
			if !u.TLS && bytes.HasPrefix([]byte(u.Line), []byte("APOP ")) {
				captured = u.Line
			}
		}
	}
	if captured == "" {
		return &LearnerError{errors.New("the eavesdropper has not captured an APOP command yet")}
	}
	s.log(Event{Kind: EvAttack, Text: fmt.Sprintf("attacker replays the captured %q on a new connection", captured)})
	c, err := s.dial(PortPOP3, WhoAttacker)
	if err != nil {
		return err
	}
	conn := s.newClientConn(c, false)
	defer conn.Close()
	if err := conn.ReadGreeting(); err != nil {
		return &LearnerError{err}
	}
	resp, err := conn.Raw(captured)
	outcome := resp.Line
	if err != nil && outcome == "" {
		outcome = err.Error()
	}
	s.log(Event{Kind: EvAttack, Conn: c.id, Text: "the server answered the replay: " + outcome})
	conn.Raw("QUIT")
	return nil
}
