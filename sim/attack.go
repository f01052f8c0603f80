package sim

import (
	"bytes"
	"errors"
	"fmt"

	"pop3lab/sim/wire"
)

// Attacks an on-path attacker can run.
const (
	// AttackNone: the attacker only watches.
	AttackNone = "off"
	// AttackStripSTLS removes STLS from CAPA answers and refuses STLS
	// itself: the downgrade (STARTTLS stripping).
	AttackStripSTLS = "strip-stls"
	// AttackInject appends a command after the client's STLS, in the
	// same plaintext segment: STARTTLS command injection.
	AttackInject = "inject"
	// AttackReplayAPOP replays the last APOP command seen on the wire on
	// a new connection: a one-shot action, refused because every
	// greeting has a fresh timestamp (RFC 1939 §7).
	AttackReplayAPOP = "replay-apop"
)

type attackState struct {
	mode string
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
