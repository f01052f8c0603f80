package pop3

import (
	"bytes"
	"errors"
	"strings"
)

// Errors returned by ParseCommand.
var (
	// ErrEmptyCommand is returned for a line with no keyword.
	ErrEmptyCommand = errors.New("empty command line")
	// ErrBadKeyword is returned when the keyword is not 3 or 4 printable
	// letters (RFC 1939 §3: keywords are three or four characters).
	ErrBadKeyword = errors.New("command keyword must be 3 or 4 letters")
	// ErrBadCharacter is returned for a line holding a control character
	// or a byte outside US-ASCII.
	ErrBadCharacter = errors.New("command line holds a control or non-ASCII byte")
)

// Command is one parsed client command line.
type Command struct {
	// Name is the keyword in upper case ("RETR").
	Name string
	// Args are the space-separated arguments after the keyword. Empty
	// arguments (two spaces in a row) are kept as empty strings so that a
	// strict caller can refuse them.
	Args []string
	// Rest is everything after the keyword and the single space that
	// follows it, unsplit: PASS takes its password from here because
	// passwords may contain spaces (RFC 1939 §7).
	Rest string
}

// ParseCommand parses one command line without its line ending. Keywords
// are case-insensitive (RFC 1939 §3). The line must be printable US-ASCII;
// tabs and other control bytes are refused.
func ParseCommand(line []byte) (Command, error) {
	if len(bytes.TrimSpace(line)) == 0 {
		return Command{}, ErrEmptyCommand
	}
	for _, b := range line {
		if b < 0x20 || b > 0x7e {
			return Command{}, ErrBadCharacter
		}
	}
	s := string(line)
	name, rest, hasRest := strings.Cut(s, " ")
	if len(name) < 3 || len(name) > 4 {
		return Command{}, ErrBadKeyword
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return Command{}, ErrBadKeyword
		}
	}
	cmd := Command{Name: strings.ToUpper(name)}
	if hasRest {
		cmd.Rest = rest
		cmd.Args = strings.Split(rest, " ")
	}
	return cmd, nil
}

// String returns the command as a client would send it, without CRLF.
func (c Command) String() string {
	if c.Rest != "" {
		return c.Name + " " + c.Rest
	}
	if len(c.Args) > 0 {
		return c.Name + " " + strings.Join(c.Args, " ")
	}
	return c.Name
}
