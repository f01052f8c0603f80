//go:build js && wasm

package main

import "honnef.co/go/js/dom/v2"

// tailLog is a panel that shows the newest keep entries of a log that
// may grow without end (the terminal, the mail client's report). Entries
// are drawn in batches: what a batch adds beyond keep is never drawn (a
// long saved session that replays at start-up draws only its tail), and
// the oldest drawn ones go as newer ones come. Dropped counts the entries
// not shown.
type tailLog struct {
	keep    int
	shown   int                  // entries in the panel
	dropped int                  // entries not shown: older than the newest keep
	pending []func() dom.Element // entries added since the last flush, oldest first
}

// add queues an entry; draw makes its element when it is shown.
func (l *tailLog) add(draw func() dom.Element) {
	l.pending = append(l.pending, draw)
}

// flush draws the queued entries into panel and removes the oldest beyond
// keep. It reports whether anything was drawn.
func (l *tailLog) flush(panel dom.Element) bool {
	if len(l.pending) == 0 {
		return false
	}
	batch := l.pending
	l.pending = nil
	if over := len(batch) - l.keep; over > 0 {
		l.dropped += over
		batch = batch[over:]
	}
	for ; l.shown+len(batch) > l.keep && l.shown > 0; l.shown-- {
		if first := firstElement(panel); first != nil {
			panel.RemoveChild(first)
		}
		l.dropped++
	}
	for _, draw := range batch {
		appendNode(panel, draw())
		l.shown++
	}
	return true
}
