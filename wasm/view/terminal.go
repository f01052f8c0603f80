package view

import (
	"sort"
	"strings"
)

// Commands lists every POP3 command the terminal knows, for completion.
var Commands = []string{"APOP", "AUTH", "CAPA", "DELE", "LIST", "NOOP", "PASS", "QUIT", "RETR", "RSET", "STAT", "STLS", "TOP", "UIDL", "USER"}

// ValidCommands returns the commands that make sense in a session state
// (RFC 1939 §4-§6, RFC 2449, RFC 2595), for the terminal's hint. An empty
// state means not connected: the first command opens a connection.
func ValidCommands(state string, tls bool) []string {
	switch state {
	case "", "CLOSED":
		return []string{"(any command connects first)"}
	case "AUTHORIZATION":
		cmds := []string{"USER", "PASS", "APOP", "AUTH", "CAPA", "QUIT"}
		if !tls {
			cmds = append(cmds, "STLS")
		}
		return cmds
	case "TRANSACTION":
		return []string{"STAT", "LIST", "RETR", "DELE", "TOP", "UIDL", "RSET", "NOOP", "CAPA", "QUIT"}
	}
	return nil
}

// Complete completes the keyword at the start of line: a unique match
// among the valid commands (else among all commands) is completed with a
// space after it; otherwise the line comes back unchanged with the
// candidates.
func Complete(line, state string, tls bool) (string, []string) {
	if strings.Contains(line, " ") {
		return line, nil
	}
	prefix := strings.ToUpper(line)
	for _, pool := range [][]string{ValidCommands(state, tls), Commands} {
		var matches []string
		for _, c := range pool {
			if strings.HasPrefix(c, prefix) {
				matches = append(matches, c)
			}
		}
		sort.Strings(matches)
		if len(matches) == 1 {
			return matches[0] + " ", nil
		}
		if len(matches) > 1 {
			return line, matches
		}
	}
	return line, nil
}

// History is the terminal's command history, navigated with the arrow
// keys like a shell's. Lines holding a password are stored masked.
type History struct {
	lines []string
	pos   int // len(lines) means "after the newest"
}

// MaxHistory bounds the history.
const MaxHistory = 200

// Add records a sent line and resets the position to the end.
func (h *History) Add(line string) {
	if strings.HasPrefix(strings.ToUpper(line), "PASS ") {
		// A password does not belong in a history anyone can scroll.
		line = "PASS "
	}
	if line != "" && (len(h.lines) == 0 || h.lines[len(h.lines)-1] != line) {
		h.lines = append(h.lines, line)
		if len(h.lines) > MaxHistory {
			h.lines = h.lines[len(h.lines)-MaxHistory:]
		}
	}
	h.pos = len(h.lines)
}

// Up returns the previous line, or "" and false at the start.
func (h *History) Up() (string, bool) {
	if h.pos == 0 {
		return "", false
	}
	h.pos--
	return h.lines[h.pos], true
}

// Down returns the next line; after the newest it returns "".
func (h *History) Down() (string, bool) {
	if h.pos >= len(h.lines) {
		return "", false
	}
	h.pos++
	if h.pos == len(h.lines) {
		return "", true
	}
	return h.lines[h.pos], true
}
