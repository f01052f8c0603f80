package sim

import (
	"bytes"
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
