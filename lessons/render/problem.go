package render

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a lesson, at a line of its file.
type Problem struct {
	// File is the lesson's file name, as the caller named it.
	File string
	// Line is the 1-based line in File, or 0 for the file as a whole.
	Line int
	// Msg says what is wrong and what is wanted instead.
	Msg string
}

// String returns "file:line: msg", or "file: msg" without a line.
func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// Problems is a list of problems; as an error it prints one per line.
type Problems []Problem

// Error returns the problems, one "file:line: msg" per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems by file, then line, keeping the order in
// which they were found within a line.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}
