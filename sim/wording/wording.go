// Package wording holds the few phrasing rules that the server's replies,
// the simulation's narration, the lessons and the app share, so that a
// count or a switch reads the same everywhere.
package wording

import "strconv"

// Plural returns "1 message" or "n messages": noun with an s unless n is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// OnOff returns "on" for true and "off" for false, the way settings are
// written in scenarios and shown in the app.
func OnOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// ParseOnOff reads "on" or "off"; ok is false for anything else.
func ParseOnOff(s string) (on, ok bool) {
	switch s {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	return false, false
}
