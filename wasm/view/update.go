package view

import (
	"fmt"
	"slices"
	"strings"

	"pop3lab/sim"
)

// UpdateSummary says in one or two sentences what a session's UPDATE
// state did (RFC 1939 §6), and how the messages left are numbered next
// time: remaining is how many the maildrop holds now.
func UpdateSummary(u *sim.UpdateReport, remaining int) string {
	if u == nil {
		return ""
	}
	if u.Failed {
		s := "UPDATE failed: nothing was deleted and every message stays on the server"
		if u.Reason != "" {
			s += " (" + u.Reason + ")"
		}
		return s + "."
	}
	if len(u.Deleted) == 0 {
		return fmt.Sprintf("UPDATE (connection %d): nothing was marked, so nothing was deleted.", u.Conn)
	}
	var nums []string
	deleted := make([]int, 0, len(u.Deleted))
	for _, m := range u.Deleted {
		nums = append(nums, fmt.Sprint(m.Number))
		deleted = append(deleted, m.Number)
	}
	slices.Sort(deleted)
	noun := "message"
	if len(nums) > 1 {
		noun = "messages"
	}
	s := fmt.Sprintf("UPDATE (connection %d) deleted %s %s.", u.Conn, noun, strings.Join(nums, ", "))
	// Message numbers are per session (RFC 1939 §4): the next session
	// numbers what is left from 1, so a message after a deleted one moves
	// down. UIDs (UIDL) do not change.
	total := remaining + len(deleted)
	for x := deleted[0] + 1; x <= total; x++ {
		if _, gone := slices.BinarySearch(deleted, x); gone {
			continue
		}
		before, _ := slices.BinarySearch(deleted, x)
		return s + fmt.Sprintf(" Numbers are per session: at the next login, message %d is numbered %d; its UID stays the same.", x, x-before)
	}
	return s
}
