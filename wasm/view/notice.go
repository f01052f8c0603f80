package view

// Lifetime says when a notice stops being true.
type Lifetime int

// The lifetimes of notices.
const (
	// UntilAction notices describe the state the learner is looking at
	// ("Back to the sample mailbox. Press Back to undo the reset."): the
	// next action makes them stale.
	UntilAction Lifetime = iota
	// UntilDismissed notices report something that stays true (the
	// browser cannot save): they stay until closed.
	UntilDismissed
)

// Notices holds the page's one notice and when it goes away.
type Notices struct {
	text  string
	lasts Lifetime
}

// Show makes text the notice.
func (n *Notices) Show(text string, lasts Lifetime) { n.text, n.lasts = text, lasts }

// Acted tells the notices the learner acted; it reports whether the
// notice went away.
func (n *Notices) Acted() bool {
	if n.text != "" && n.lasts == UntilAction {
		n.text = ""
		return true
	}
	return false
}

// Dismiss closes the notice.
func (n *Notices) Dismiss() { n.text = "" }

// Current is the notice to show, if any.
func (n *Notices) Current() (string, bool) { return n.text, n.text != "" }
