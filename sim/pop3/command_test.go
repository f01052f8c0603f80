package pop3

import (
	"reflect"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line string
		want Command
		err  error
	}{
		{"STAT", Command{Name: "STAT"}, nil},
		{"stat", Command{Name: "STAT"}, nil},
		{"rEtR 1", Command{Name: "RETR", Args: []string{"1"}, Rest: "1"}, nil},
		{"TOP 1 10", Command{Name: "TOP", Args: []string{"1", "10"}, Rest: "1 10"}, nil},
		{"PASS my secret pass", Command{Name: "PASS", Args: []string{"my", "secret", "pass"}, Rest: "my secret pass"}, nil},
		{"LIST  1", Command{Name: "LIST", Args: []string{"", "1"}, Rest: " 1"}, nil},
		{"NOOP ", Command{Name: "NOOP", Args: []string{""}, Rest: ""}, nil},
		{"", Command{}, ErrEmptyCommand},
		{"   ", Command{}, ErrEmptyCommand},
		{"RETRIEVE 1", Command{}, ErrBadKeyword},
		{"QU", Command{}, ErrBadKeyword},
		{"RET1 1", Command{}, ErrBadKeyword},
		{" STAT", Command{}, ErrBadKeyword},
		{"USER\talice", Command{}, ErrBadCharacter},
		{"USER al\x00ice", Command{}, ErrBadCharacter},
		{"PASS caf\xc3\xa9", Command{}, ErrBadCharacter},
	}
	for _, tt := range tests {
		got, err := ParseCommand([]byte(tt.line))
		if err != tt.err {
			t.Errorf("ParseCommand(%q) error = %v, want %v", tt.line, err, tt.err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCommand(%q) = %#v, want %#v", tt.line, got, tt.want)
		}
	}
}

func TestCommandString(t *testing.T) {
	for _, line := range []string{"STAT", "RETR 1", "PASS a b c", "TOP 1 0"} {
		c, err := ParseCommand([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		if c.String() != line {
			t.Errorf("String() = %q, want %q", c.String(), line)
		}
	}
}
