package render

import (
	"fmt"
	"strconv"
	"strings"

	"pop3lab/lessons"
)

// frontMatter is the header of a lesson file, between two "---" lines:
//
//	---
//	title: Where POP3 fits
//	order: 1
//	minutes: 6
//	objectives:
//	  - Tell the protocol that sends mail from the ones that retrieve it.
//	secplus:
//	  - 2.2
//	---
//
// Values are the rest of the line after "key:"; a value in double quotes
// is unquoted as a Go string. Lists are "- item" lines under their key.
type frontMatter struct {
	Title      string
	Order      int
	Minutes    int
	Objectives []string
	SecPlus    []string
	// OrderLine is the line of "order:", for problems between lessons.
	OrderLine int
	// End is the 1-based line of the closing "---"; the markdown starts
	// after it.
	End int
}

// Limits of the front matter.
const (
	// maxMinutes bounds a lesson's estimated time: a lesson is short.
	maxMinutes = 60
	// maxFrontMatterLines bounds how far Parse looks for the closing
	// "---".
	maxFrontMatterLines = 200
)

// frontMatterKeys are the keys in the order they are documented.
var frontMatterKeys = []string{"title", "order", "minutes", "objectives", "secplus"}

var listKeys = map[string]bool{"objectives": true, "secplus": true}

// parseFrontMatter reads the front matter at the start of lines. It
// returns what it could read and every problem, with 1-based lines.
func parseFrontMatter(lines []string) (frontMatter, []lineError) {
	var fm frontMatter
	var errs []lineError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, lineError{line, fmt.Sprintf(format, args...)})
	}
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t\r") != "---" {
		fail(1, `front matter missing: the file must start with a "---" line, then title, order, minutes, objectives and secplus, then "---"`)
		return fm, errs
	}
	end := 0
	for i := 1; i < len(lines) && i <= maxFrontMatterLines; i++ {
		if strings.TrimRight(lines[i], " \t\r") == "---" {
			end = i + 1
			break
		}
	}
	if end == 0 {
		fail(1, `front matter not closed: want a "---" line after it`)
		return fm, errs
	}
	fm.End = end
	seen := map[string]int{}
	items := map[string]int{} // "- item" lines per list, good or bad
	list := ""                // the list key that "- item" lines belong to
	for i := 1; i < end-1; i++ {
		n := i + 1
		raw := strings.TrimRight(lines[i], " \t\r")
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			fail(n, "front matter: control character in the line")
			continue
		}
		if item, ok := strings.CutPrefix(line, "-"); ok && (item == "" || item[0] == ' ' || item[0] == '\t') {
			if list == "" {
				fail(n, `front matter: "- item" outside a list: put it under objectives: or secplus:`)
				continue
			}
			items[list]++
			value, err := frontMatterValue(item)
			if err != nil {
				fail(n, "front matter: %s: %v", list, err)
				continue
			}
			if value == "" {
				fail(n, "front matter: %s: empty item", list)
				continue
			}
			switch list {
			case "objectives":
				fm.Objectives = append(fm.Objectives, value)
			case "secplus":
				if _, ok := LookupObjective(value); !ok {
					fail(n, "front matter: secplus: %q is not an SY0-701 objective (%s)", value, objectiveRanges())
					continue
				}
				if contains(fm.SecPlus, value) {
					fail(n, "front matter: secplus: %s listed twice", value)
					continue
				}
				fm.SecPlus = append(fm.SecPlus, value)
			}
			continue
		}
		list = ""
		key, rest, ok := strings.Cut(line, ":")
		if !ok || key != strings.TrimSpace(key) || key == "" {
			fail(n, `front matter: want "key: value" or "- item", got %q`, truncate(line, 40))
			continue
		}
		if !contains(frontMatterKeys, key) {
			fail(n, "front matter: unknown key %q: want %s", key, strings.Join(frontMatterKeys, ", "))
			continue
		}
		if first, dup := seen[key]; dup {
			fail(n, "front matter: %s given twice (first on line %d)", key, first)
			continue
		}
		seen[key] = n
		value, err := frontMatterValue(rest)
		if err != nil {
			fail(n, "front matter: %s: %v", key, err)
			continue
		}
		if listKeys[key] {
			if value != "" {
				fail(n, `front matter: %s: want a list of "- item" lines below the key, not a value after it`, key)
				items[key] = -1 // reported: not also "empty"
				continue
			}
			list = key
			continue
		}
		switch key {
		case "title":
			if value == "" {
				fail(n, "front matter: title: empty")
				continue
			}
			fm.Title = value
		case "order":
			v, ok := lessons.WholeNumber(value)
			if !ok || v < 1 {
				fail(n, "front matter: order: want a whole number of 1 or more, got %q", value)
				continue
			}
			fm.Order = v
			fm.OrderLine = n
		case "minutes":
			v, ok := lessons.WholeNumber(value)
			if !ok || v < 1 || v > maxMinutes {
				fail(n, "front matter: minutes: want a whole number from 1 to %d, got %q", maxMinutes, value)
				continue
			}
			fm.Minutes = v
		}
	}
	for _, key := range frontMatterKeys {
		first, given := seen[key]
		switch {
		case !given:
			fail(end, "front matter: missing %s", key)
		case listKeys[key] && items[key] == 0:
			fail(first, "front matter: %s: the list is empty", key)
		}
	}
	return fm, errs
}

// frontMatterValue trims a value and unquotes it if it is in double
// quotes.
func frontMatterValue(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		v, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("bad quoted value %s", truncate(s, 40))
		}
		return v, nil
	}
	return s, nil
}

// lineError is a problem at a line of one file, before it gets the
// file's name.
type lineError struct {
	Line int
	Msg  string
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// truncate shortens s to n runes for a message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}
