package view

import "strings"

// Command is what a keyboard shortcut asks the page to do.
type Command int

// The page's shortcuts.
const (
	CmdNone      Command = iota
	CmdStep              // N, →, PageDown: the next scenario step
	CmdBack              // B, ←, PageUp: undo the last step or action
	CmdPlay              // Space: play or pause the scenario
	CmdPresenter         // P: presenter mode on or off
	CmdReset             // R: back to the sample mailbox
	CmdTerminal          // /: focus the terminal
)

// Focus describes the element that has the keyboard focus, as far as the
// shortcuts care: they must never take a key the element itself uses.
type Focus struct {
	// Tag is the element's lower-case tag name ("input", "button", "g").
	Tag string
	// Type is an input's type attribute, lower case.
	Type string
	// Role is the element's role attribute.
	Role string
	// Editable is true for contenteditable content.
	Editable bool
	// Scrollable is true for a region the keyboard scrolls (a log).
	Scrollable bool
	// Href is true for a link with a target.
	Href bool
}

// Shortcuts lists the documented keys, for help texts and tests.
var Shortcuts = []struct{ Key, What string }{
	{"N or →", "next step"}, {"B or ←", "back one step"}, {"Space", "play or pause"},
	{"P", "presenter mode"}, {"R", "reset (Back undoes it)"}, {"/", "go to the terminal"},
	{"PageDown / PageUp", "next / back (presentation remotes)"},
}

// Shortcut returns the command for a key pressed with focus on f, or
// CmdNone when the key belongs to the focused element (or is not a
// shortcut). key is KeyboardEvent.key; modified is true when Ctrl, Alt or
// Meta is held (those combinations are the browser's).
func Shortcut(key string, modified bool, f Focus) Command {
	if modified || f.takesText() {
		return CmdNone
	}
	cmd := keyCommand(key)
	if cmd == CmdNone {
		return CmdNone
	}
	switch key {
	case " ", "Enter":
		// Space and Enter press buttons, tick boxes, follow links and
		// scroll regions.
		if f.activates() || f.Scrollable {
			return CmdNone
		}
	case "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End":
		if f.Scrollable || f.movesWithArrows() {
			return CmdNone
		}
	}
	return cmd
}

func keyCommand(key string) Command {
	switch key {
	case "n", "N", "ArrowRight", "PageDown":
		return CmdStep
	case "b", "B", "ArrowLeft", "PageUp":
		return CmdBack
	case " ":
		return CmdPlay
	case "p", "P":
		return CmdPresenter
	case "r", "R":
		return CmdReset
	case "/":
		return CmdTerminal
	}
	return CmdNone
}

// takesText reports an element where every printable key is the
// learner's: text fields, selects (type-ahead) and editable content.
func (f Focus) takesText() bool {
	switch strings.ToLower(f.Tag) {
	case "textarea", "select":
		return true
	case "input":
		switch strings.ToLower(f.Type) {
		case "checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image":
			return false
		}
		return true
	}
	return f.Editable || f.Role == "textbox" || f.Role == "combobox" || f.Role == "searchbox"
}

// activates reports an element that Space or Enter presses.
func (f Focus) activates() bool {
	switch strings.ToLower(f.Tag) {
	case "button", "summary":
		return true
	case "a":
		return f.Href
	case "input":
		return true // checkbox, radio, button (text inputs never get here)
	}
	switch f.Role {
	case "button", "checkbox", "radio", "switch", "tab", "menuitem", "option", "link", "row":
		return true
	}
	return false
}

// movesWithArrows reports an element whose own behaviour uses the arrow
// keys: radio groups, sliders, tab lists.
func (f Focus) movesWithArrows() bool {
	if strings.ToLower(f.Tag) == "input" {
		switch strings.ToLower(f.Type) {
		case "radio", "range":
			return true
		}
	}
	switch f.Role {
	case "radio", "slider", "tab", "tablist", "listbox", "option", "menu", "menuitem", "grid", "tree", "treeitem":
		return true
	}
	return false
}
