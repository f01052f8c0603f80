package view

import "testing"

func TestShortcut(t *testing.T) {
	var (
		body     = Focus{Tag: "body"}
		text     = Focus{Tag: "input", Type: "text"}
		number   = Focus{Tag: "input", Type: "number"}
		checkbox = Focus{Tag: "input", Type: "checkbox"}
		radio    = Focus{Tag: "input", Type: "radio"}
		button   = Focus{Tag: "button"}
		sel      = Focus{Tag: "select"}
		area     = Focus{Tag: "textarea"}
		link     = Focus{Tag: "a", Href: true}
		svgArrow = Focus{Tag: "g", Role: "button"}
		log      = Focus{Tag: "div", Role: "log", Scrollable: true}
		editable = Focus{Tag: "div", Editable: true}
		summary  = Focus{Tag: "summary"}
		tab      = Focus{Tag: "button", Role: "tab"}
		row      = Focus{Tag: "tr", Role: "row"}
	)
	tests := []struct {
		name     string
		key      string
		modified bool
		focus    Focus
		want     Command
	}{
		{"N on the page steps", "n", false, body, CmdStep},
		{"→ on the page steps", "ArrowRight", false, body, CmdStep},
		{"PageDown from a remote steps", "PageDown", false, body, CmdStep},
		{"B on the page goes back", "b", false, body, CmdBack},
		{"Space on the page plays", " ", false, body, CmdPlay},
		{"P toggles presenter mode", "p", false, body, CmdPresenter},
		{"R resets", "r", false, body, CmdReset},
		{"/ goes to the terminal", "/", false, body, CmdTerminal},
		{"other keys do nothing", "x", false, body, CmdNone},
		{"Ctrl+N is the browser's", "n", true, body, CmdNone},
		{"typing N in the terminal", "n", false, text, CmdNone},
		{"→ in the terminal moves the caret", "ArrowRight", false, text, CmdNone},
		{"a number field", "ArrowLeft", false, number, CmdNone},
		{"a select's type-ahead", "r", false, sel, CmdNone},
		{"the scenario editor", " ", false, area, CmdNone},
		{"editable content", "p", false, editable, CmdNone},
		{"Space ticks a checkbox", " ", false, checkbox, CmdNone},
		{"N from a checkbox still steps", "n", false, checkbox, CmdStep},
		{"Space presses a button", " ", false, button, CmdNone},
		{"→ from a button steps", "ArrowRight", false, button, CmdStep},
		{"Space on a link", " ", false, link, CmdNone},
		{"Space opens the editor", " ", false, summary, CmdNone},
		{"arrows move between radios", "ArrowRight", false, radio, CmdNone},
		{"Space on a radio", " ", false, radio, CmdNone},
		{"Space on a diagram arrow shows its bytes", " ", false, svgArrow, CmdNone},
		{"N on a diagram arrow steps", "n", false, svgArrow, CmdStep},
		{"arrows scroll the wire log", "ArrowLeft", false, log, CmdNone},
		{"Space scrolls the wire log", " ", false, log, CmdNone},
		{"PageDown scrolls the wire log", "PageDown", false, log, CmdNone},
		{"N from the wire log steps", "n", false, log, CmdStep},
		{"arrows move between tabs", "ArrowRight", false, tab, CmdNone},
		{"Space opens a table row", " ", false, row, CmdNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Shortcut(tt.key, tt.modified, tt.focus); got != tt.want {
				t.Errorf("Shortcut(%q, %v, %+v) = %v, want %v", tt.key, tt.modified, tt.focus, got, tt.want)
			}
		})
	}
}
