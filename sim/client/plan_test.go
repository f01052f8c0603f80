package client

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/server"
)

// TestPlanGetMail: each rule of leave on server and UIDL bookkeeping,
// decided from what the server listed, the UID memory and the settings.
func TestPlanGetMail(t *testing.T) {
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	listing := func(uids ...string) []MessageUID {
		out := make([]MessageUID, len(uids))
		for i, u := range uids {
			out[i] = MessageUID{Number: i + 1, UID: u}
		}
		return out
	}
	msg := func(n int, uid string) MessageUID { return MessageUID{Number: n, UID: uid} }
	downloadAndDelete := Settings{Username: "alice"}
	leave := Settings{Username: "alice", LeaveOnServer: true}
	leave7 := Settings{Username: "alice", LeaveOnServer: true, DeleteAfterDays: 7}
	seenAt := func(d time.Duration, uids ...string) map[string]time.Time {
		m := make(map[string]time.Time)
		for _, u := range uids {
			m[u] = now.Add(-d)
		}
		return m
	}
	merge := func(ms ...map[string]time.Time) map[string]time.Time {
		out := make(map[string]time.Time)
		for _, m := range ms {
			maps.Copy(out, m)
		}
		return out
	}
	ago := func(d time.Duration) time.Time { return now.Add(-d) }

	tests := []struct {
		name   string
		s      Settings
		count  int
		uidl   []MessageUID
		uidlOK bool
		seen   map[string]time.Time
		want   Plan
	}{
		{
			name: "first visit, download and delete: RETR and DELE each, remember each",
			s:    downloadAndDelete, count: 2, uidl: listing("a", "b"), uidlOK: true,
			want: Plan{UIDL: true, Messages: []MessagePlan{
				{MessageUID: msg(1, "a"), Rule: RuleNew, Retrieve: true, Remember: true, Delete: true},
				{MessageUID: msg(2, "b"), Rule: RuleNew, Retrieve: true, Remember: true, Delete: true},
			}},
		},
		{
			name: "first visit, leave on server: RETR each, no DELE",
			s:    leave, count: 2, uidl: listing("a", "b"), uidlOK: true, seen: map[string]time.Time{},
			want: Plan{UIDL: true, Messages: []MessagePlan{
				{MessageUID: msg(1, "a"), Rule: RuleNew, Retrieve: true, Remember: true},
				{MessageUID: msg(2, "b"), Rule: RuleNew, Retrieve: true, Remember: true},
			}},
		},
		{
			name: "leave on server, every id already seen: nothing to do",
			s:    leave, count: 2, uidl: listing("a", "b"), uidlOK: true, seen: seenAt(day, "a", "b"),
			want: Plan{UIDL: true, Known: 2, Messages: []MessagePlan{
				{MessageUID: msg(1, "a"), Rule: RuleKept, First: ago(day)},
				{MessageUID: msg(2, "b"), Rule: RuleKept, First: ago(day)},
			}},
		},
		{
			name: "leave on server, a new id in the middle: only it is fetched",
			s:    leave, count: 3, uidl: listing("a", "new", "c"), uidlOK: true, seen: seenAt(day, "a", "c"),
			want: Plan{UIDL: true, Known: 2, Messages: []MessagePlan{
				{MessageUID: msg(1, "a"), Rule: RuleKept, First: ago(day)},
				{MessageUID: msg(2, "new"), Rule: RuleNew, Retrieve: true, Remember: true},
				{MessageUID: msg(3, "c"), Rule: RuleKept, First: ago(day)},
			}},
		},
		{
			name: "download and delete after a session broken before QUIT: DELE the seen ones without RETR (RFC 1939 §6)",
			s:    downloadAndDelete, count: 3, uidl: listing("a", "b", "c"), uidlOK: true, seen: seenAt(time.Hour, "a", "b"),
			want: Plan{UIDL: true, Known: 2, Messages: []MessagePlan{
				{MessageUID: msg(1, "a"), Rule: RuleUncommitted, Delete: true, First: ago(time.Hour)},
				{MessageUID: msg(2, "b"), Rule: RuleUncommitted, Delete: true, First: ago(time.Hour)},
				{MessageUID: msg(3, "c"), Rule: RuleNew, Retrieve: true, Remember: true, Delete: true},
			}},
		},
		{
			name: "delete after 7 days: more than 7 days old is deleted, exactly 7 is kept",
			s:    leave7, count: 4, uidl: listing("old", "seven", "young", "new"), uidlOK: true,
			seen: merge(seenAt(7*day+time.Second, "old"), seenAt(7*day, "seven"), seenAt(day, "young")),
			want: Plan{UIDL: true, Known: 3, Messages: []MessagePlan{
				{MessageUID: msg(1, "old"), Rule: RuleExpired, Delete: true, First: ago(7*day + time.Second)},
				{MessageUID: msg(2, "seven"), Rule: RuleKept, First: ago(7 * day)},
				{MessageUID: msg(3, "young"), Rule: RuleKept, First: ago(day)},
				{MessageUID: msg(4, "new"), Rule: RuleNew, Retrieve: true, Remember: true},
			}},
		},
		{
			name: "leave on server without delete after days: a year-old message stays",
			s:    leave, count: 1, uidl: listing("old"), uidlOK: true, seen: seenAt(365*day, "old"),
			want: Plan{UIDL: true, Known: 1, Messages: []MessagePlan{
				{MessageUID: msg(1, "old"), Rule: RuleKept, First: ago(365 * day)},
			}},
		},
		{
			name: "ids no longer on the server are forgotten, sorted (RFC 1939 §7: never reused)",
			s:    leave, count: 1, uidl: listing("b"), uidlOK: true, seen: seenAt(day, "z", "b", "a"),
			want: Plan{UIDL: true, Known: 1, Forget: []string{"a", "z"}, Messages: []MessagePlan{
				{MessageUID: msg(1, "b"), Rule: RuleKept, First: ago(day)},
			}},
		},
		{
			name: "empty maildrop: everything remembered is forgotten",
			s:    leave, count: 0, uidl: nil, uidlOK: true, seen: seenAt(day, "a"),
			want: Plan{UIDL: true, Messages: []MessagePlan{}, Forget: []string{"a"}},
		},
		{
			name: "UIDL refused, leave on server: fetch every message by number, remember nothing",
			s:    leave, count: 2, uidlOK: false, seen: seenAt(day, "a"),
			want: Plan{Messages: []MessagePlan{
				{MessageUID: msg(1, ""), Rule: RuleNoUIDL, Retrieve: true},
				{MessageUID: msg(2, ""), Rule: RuleNoUIDL, Retrieve: true},
			}},
		},
		{
			name: "UIDL refused, download and delete: fetch and DELE every message",
			s:    downloadAndDelete, count: 2, uidlOK: false,
			want: Plan{Messages: []MessagePlan{
				{MessageUID: msg(1, ""), Rule: RuleNoUIDL, Retrieve: true, Delete: true},
				{MessageUID: msg(2, ""), Rule: RuleNoUIDL, Retrieve: true, Delete: true},
			}},
		},
		{
			name: "UIDL refused, delete after days has nothing to count on: nothing deleted",
			s:    leave7, count: 1, uidlOK: false, seen: seenAt(30*day, "a"),
			want: Plan{Messages: []MessagePlan{
				{MessageUID: msg(1, ""), Rule: RuleNoUIDL, Retrieve: true},
			}},
		},
		{
			name: "UIDL refused on an empty maildrop",
			s:    leave, count: 0, uidlOK: false,
			want: Plan{Messages: []MessagePlan{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := maps.Clone(tt.seen)
			uidl := slices.Clone(tt.uidl)
			got := PlanGetMail(tt.s, tt.count, tt.uidl, tt.uidlOK, tt.seen, now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("plan:\n%+v\nwant:\n%+v", got, tt.want)
			}
			if !maps.Equal(seen, tt.seen) || !slices.Equal(uidl, tt.uidl) {
				t.Fatalf("PlanGetMail changed its arguments: seen %v (was %v), uidl %v (was %v)", tt.seen, seen, tt.uidl, uidl)
			}
		})
	}
}

// TestPlanNarration: the Report's words for each rule.
func TestPlanNarration(t *testing.T) {
	first := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s := Settings{Username: "alice", LeaveOnServer: true, DeleteAfterDays: 7}
	// An empty text: the rule never skips, or never deletes.
	tests := []struct {
		mp             MessagePlan
		skip, deletion string
	}{
		{MessagePlan{MessageUID: MessageUID{Number: 2, UID: "u2"}, Rule: RuleNew},
			"", "download and delete"},
		{MessagePlan{MessageUID: MessageUID{Number: 3}, Rule: RuleNoUIDL},
			"", "download and delete"},
		{MessagePlan{MessageUID: MessageUID{Number: 1, UID: "u1"}, Rule: RuleUncommitted, First: first},
			"Skip message 1 (uid u1): downloaded in an earlier session whose DELE was never committed.", "downloaded earlier, so deleted without fetching it again"},
		{MessagePlan{MessageUID: MessageUID{Number: 1, UID: "u1"}, Rule: RuleExpired, First: first},
			"Skip message 1 (uid u1): already downloaded, first on 2026-11-26 09:00:00, more than 7 days ago.", "older than 7 days"},
		{MessagePlan{MessageUID: MessageUID{Number: 4, UID: "u4"}, Rule: RuleKept, First: first},
			"Skip message 4 (uid u4): already downloaded on 2026-11-26 09:00:00.", ""},
	}
	for _, tt := range tests {
		if got := tt.mp.skipStep(s); tt.skip != "" && got != tt.skip {
			t.Errorf("%v skipStep = %q, want %q", tt.mp.Rule, got, tt.skip)
		}
		if got := tt.mp.deleteReason(s); tt.deletion != "" && got != tt.deletion {
			t.Errorf("%v deleteReason = %q, want %q", tt.mp.Rule, got, tt.deletion)
		}
	}
}

func TestRuleString(t *testing.T) {
	want := map[Rule]string{RuleNew: "new", RuleNoUIDL: "no-uidl", RuleUncommitted: "uncommitted", RuleExpired: "expired", RuleKept: "kept", Rule(9): "Rule(9)", Rule(-1): "Rule(-1)"}
	for r, w := range want {
		if got := r.String(); got != w {
			t.Errorf("Rule(%d).String() = %q, want %q", int(r), got, w)
		}
	}
}

// TestGetMailDatesAfterUIDL: the UID memory dates a download with the
// clock as it reads once UIDL has answered, as the simulator's clock,
// which moves on with each command, shows.
func TestGetMailDatesAfterUIDL(t *testing.T) {
	clk := newClock()
	start := clk.Now()
	var e *env
	e = newEnv(t, func(c *server.Config) {
		c.Observer = server.ObserverFunc(func(ev server.Event) {
			e.events.Observe(ev)
			if ev.Kind == server.EventCommand {
				clk.Advance(time.Millisecond)
			}
		})
	}, pop3test.Messages...)
	s := alice
	s.LeaveOnServer = true
	mc, _, _ := newMailClient(t, clk, s)
	if _, err := mc.GetMail(pop3test.Pipe.Dialer(t, e.srv, false)); err != nil {
		t.Fatal(err)
	}
	mem, err := mc.Downloaded()
	if err != nil {
		t.Fatal(err)
	}
	// CAPA, USER, PASS, STAT, UIDL: five commands before the first RETR.
	want := start.Add(5 * time.Millisecond)
	if len(mem) != len(pop3test.Messages) {
		t.Fatalf("UID memory %v", mem)
	}
	for uid, first := range mem {
		if !first.Equal(want) {
			t.Fatalf("uid %s remembered at %v, want %v", uid, first, want)
		}
	}
}
