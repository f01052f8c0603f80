package client

import (
	"fmt"
	"slices"
	"time"
)

// Rule names the rule of leave on server and UIDL bookkeeping that
// decided what GetMail does with one message.
type Rule int

// The rules, in the order PlanGetMail tries them.
const (
	// RuleNew: the UID memory does not know the message; download it,
	// remember its id, and DELE it unless leave on server is on.
	RuleNew Rule = iota
	// RuleNoUIDL: the server refused UIDL (RFC 1939 §7, optional), so
	// nothing tells old messages from new ones: download every message,
	// remember nothing, and DELE it unless leave on server is on.
	RuleNoUIDL
	// RuleUncommitted: download and delete, and the memory knows the
	// message: it was downloaded in a session whose DELE was never
	// committed (no QUIT, RFC 1939 §6). DELE it without fetching it again.
	RuleUncommitted
	// RuleExpired: leave on server with DeleteAfterDays, and the message
	// was first downloaded more than that many days ago: DELE it without
	// fetching it again.
	RuleExpired
	// RuleKept: leave on server, and the message was downloaded before:
	// leave it alone.
	RuleKept
)

var ruleNames = [...]string{
	RuleNew:         "new",
	RuleNoUIDL:      "no-uidl",
	RuleUncommitted: "uncommitted",
	RuleExpired:     "expired",
	RuleKept:        "kept",
}

// String names the rule.
func (r Rule) String() string {
	if r < 0 || int(r) >= len(ruleNames) {
		return fmt.Sprintf("Rule(%d)", int(r))
	}
	return ruleNames[r]
}

// MessagePlan is what GetMail does with one message on the server.
type MessagePlan struct {
	// MessageUID is the message's number and unique id ("" without UIDL).
	MessageUID
	// Rule is the rule that decided.
	Rule Rule
	// Retrieve: RETR the message and save it in the local mailbox.
	Retrieve bool
	// Remember: once saved, record its id in the UID memory, dated now.
	Remember bool
	// Delete: DELE the message (after the RETR when Retrieve); the server
	// deletes it at QUIT (RFC 1939 §6).
	Delete bool
	// First is when the UID memory says the message was first downloaded;
	// zero for a message it does not know.
	First time.Time
}

// Plan is what GetMail does in the TRANSACTION state, decided before the
// first RETR from what the server listed, the UID memory and the
// settings.
type Plan struct {
	// UIDL is true when the server answered UIDL.
	UIDL bool
	// Messages holds one entry per message, in message-number order.
	Messages []MessagePlan
	// Known counts the messages the UID memory already knows.
	Known int
	// Forget lists, sorted, the remembered ids that are no longer on the
	// server: they are gone for good (RFC 1939 §7: a unique id is never
	// reused), so the memory drops them.
	Forget []string
}

// PlanGetMail decides what GetMail does with the messages on the server.
// count is STAT's message count; uidl is the UIDL listing, or nil with
// uidlOK false when the server refused UIDL (then the messages are
// numbered 1 to count and carry no id). seen is the UID memory of the
// account: each id downloaded before, with the time of its first
// download. now is the client's clock, against which DeleteAfterDays
// counts. The function reads its arguments and changes none of them.
func PlanGetMail(s Settings, count int, uidl []MessageUID, uidlOK bool, seen map[string]time.Time, now time.Time) Plan {
	if !uidlOK {
		p := Plan{Messages: make([]MessagePlan, max(count, 0))}
		for i := range p.Messages {
			p.Messages[i] = MessagePlan{MessageUID: MessageUID{Number: i + 1}, Rule: RuleNoUIDL, Retrieve: true, Delete: !s.LeaveOnServer}
		}
		return p
	}
	p := Plan{UIDL: true, Messages: make([]MessagePlan, 0, len(uidl))}
	onServer := make(map[string]bool, len(uidl))
	maxAge := time.Duration(s.DeleteAfterDays) * 24 * time.Hour
	for _, mu := range uidl {
		onServer[mu.UID] = true
		first, known := seen[mu.UID]
		mp := MessagePlan{MessageUID: mu, First: first}
		switch {
		case !known:
			mp.Rule, mp.Retrieve, mp.Remember, mp.Delete = RuleNew, true, true, !s.LeaveOnServer
		case !s.LeaveOnServer:
			mp.Rule, mp.Delete = RuleUncommitted, true
		case maxAge > 0 && now.Sub(first) > maxAge:
			mp.Rule, mp.Delete = RuleExpired, true
		default:
			mp.Rule = RuleKept
		}
		if known {
			p.Known++
		}
		p.Messages = append(p.Messages, mp)
	}
	for uid := range seen {
		if !onServer[uid] {
			p.Forget = append(p.Forget, uid)
		}
	}
	slices.Sort(p.Forget)
	return p
}

// label names the message in narration: "message 2 (uid abc)".
func (mp MessagePlan) label() string {
	if mp.UID == "" {
		return fmt.Sprintf("message %d", mp.Number)
	}
	return fmt.Sprintf("message %d (uid %s)", mp.Number, mp.UID)
}

// skipStep narrates why a message is not downloaded, and deleteReason why
// it is deleted, for the Report.
func (mp MessagePlan) skipStep(s Settings) string {
	switch mp.Rule {
	case RuleUncommitted:
		return fmt.Sprintf("Skip %s: downloaded in an earlier session whose DELE was never committed.", mp.label())
	case RuleExpired:
		return fmt.Sprintf("Skip %s: already downloaded, first on %s, more than %d days ago.", mp.label(), mp.First.UTC().Format(time.DateTime), s.DeleteAfterDays)
	}
	return fmt.Sprintf("Skip %s: already downloaded on %s.", mp.label(), mp.First.UTC().Format(time.DateTime))
}

func (mp MessagePlan) deleteReason(s Settings) string {
	switch mp.Rule {
	case RuleUncommitted:
		return "downloaded earlier, so deleted without fetching it again"
	case RuleExpired:
		return fmt.Sprintf("older than %d days", s.DeleteAfterDays)
	}
	return "download and delete"
}
