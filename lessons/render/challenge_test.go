package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// challengeLesson wraps challenge lines in a lesson: the fence is on
// line 12, the first challenge line on 13.
func challengeLesson(lines ...string) string {
	return lessonSource(1, "```challenge\n"+strings.Join(lines, "\n")+"\n```\n")
}

// referenceWorld is the setup and solution the condition table grades: the
// setup logs the mail client in without TLS (its events must not count),
// then the learner deletes message 2 from the terminal on port 110 and
// gets mail over implicit TLS.
var referenceWorld = []string{
	"title: Conditions",
	"goal: Exercise every condition.",
	"seed: 7",
	"setup: deliver: Setup only | Delivered before the learner starts.",
	"setup: client: tls=none leave-on-server=on",
	"setup: do: get-mail",
	"solution: connect",
	"solution: C: USER alice",
	"solution: C: PASS wonderland",
	"solution: C: DELE 2",
	"solution: C: QUIT",
	"solution: client: tls=implicit",
	"solution: do: get-mail",
}

// TestChallengeConditions grades each condition on the events after the
// setup and the state after the reference solution.
func TestChallengeConditions(t *testing.T) {
	tests := []struct {
		cond string
		done bool
	}{
		{`tap has "PASS wonderland"`, true},
		{`tap has "Setup only"`, false}, // only in the setup's traffic
		{`tap lacks "Setup only"`, true},
		{`not tap has "Setup only"`, true},
		{`ran "DELE 2"`, true},
		{`ran "dele 2"`, true}, // keywords are case-insensitive (RFC 1939 §3)
		{`ran "DELE"`, true},
		{`ran "DELE 3"`, false},
		{`ran "UIDL"`, true},
		{`ran "UIDL" = 1`, true}, // the setup's UIDL does not count
		{`ran "UIDL" >= 2`, false},
		{`ran "USER" = 2`, true}, // the terminal and the mail client
		{`ran "RETR 1"`, false},  // the mail client knew every UID
		{`discarded "CAPA"`, false},
		{`reached UPDATE`, true},
		{`reached TRANSACTION`, true},
		{`login`, true},
		{`login terminal`, true},
		{`login mail-client`, true},
		{`tls`, true},
		{`tls mail-client`, true},
		{`tls terminal`, false},
		{`credentials in-clear`, true}, // the terminal's PASS on port 110
		{`not credentials in-clear`, false},
		{`warning "STLS"`, false},
		{`server messages = 5`, true},
		{`server messages >= 6`, false},
		{`server messages != 6`, true},
		{`local messages = 6`, true},
		{`local messages < 6`, false},
		{`server has "Setup only"`, true},
		{`server lacks "URGENT: your mailbox will be suspended in 24 hours"`, true},
		{`local has "URGENT: your mailbox will be suspended in 24 hours"`, true},
		{`setting client.tls=implicit`, true},
		{`setting client.tls=required`, false},
		{`login terminal and tls mail-client`, true},
		{`login terminal and tls terminal`, false},
	}
	lines := slices.Clone(referenceWorld)
	for i, tt := range tests {
		lines = append(lines, fmt.Sprintf("item: condition %d :: %s", i+1, tt.cond))
	}
	l, err := Parse("01-c.md", challengeLesson(lines...))
	if err != nil {
		t.Fatal(err)
	}
	c := &l.Challenges[0]
	s, from, _, p := runReference("01-c.md", c)
	if p != nil {
		t.Fatal(p)
	}
	defer s.Close()
	if from == 0 {
		t.Fatal("the setup's events were counted")
	}
	g := c.Grade(s, from, 0)
	for i, tt := range tests {
		if g.Done[i] != tt.done {
			t.Errorf("%s: done = %v, want %v", tt.cond, g.Done[i], tt.done)
		}
	}
	// Graded from the first event, the setup's traffic counts too.
	if all := c.Grade(s, 0, 0); !all.Done[1] {
		t.Error(`from event 0, "tap has Setup only" should hold`)
	}
}

// TestChallengePartialCreditAndHints: each done item earns its points,
// each hint used costs its own, and the score never goes below 0.
func TestChallengePartialCreditAndHints(t *testing.T) {
	lines := append(slices.Clone(referenceWorld),
		`item: Deleted message 2 :: ran "DELE 2"`,
		`item (20): Kept the password secret :: not credentials in-clear`,
		`item (30): Got mail over TLS :: tls mail-client`,
		`hint: Look at the wire.`,
		`hint (40): Use port 995.`,
	)
	l, err := Parse("01-c.md", challengeLesson(lines...))
	if err != nil {
		t.Fatal(err)
	}
	c := &l.Challenges[0]
	if c.MaxPoints() != 60 || len(c.Hints) != 2 || c.Hints[0].Cost != 5 || c.Hints[1].Cost != 40 || c.Hints[1].Line != 30 {
		t.Fatalf("parsed %+v", c)
	}
	s, from, start, p := runReference("01-c.md", c)
	if p != nil {
		t.Fatal(p)
	}
	defer s.Close()
	if !slices.Equal(start.Done, []bool{false, true, false}) || start.Score != 20 {
		t.Errorf("right after the setup: %+v", start)
	}
	tests := []struct {
		hints                        int
		earned, cost, score, doneCnt int
		status                       string
	}{
		{0, 40, 0, 40, 2, "2 of 3 items done · 40 of 60 points"},
		{1, 40, 5, 35, 2, "2 of 3 items done · 35 of 60 points (hints −5)"},
		{2, 40, 45, 0, 2, "2 of 3 items done · 0 of 60 points (hints −45)"},
		{9, 40, 45, 0, 2, "2 of 3 items done · 0 of 60 points (hints −45)"}, // no more hints than there are
	}
	for _, tt := range tests {
		g := c.Grade(s, from, tt.hints)
		if !slices.Equal(g.Done, []bool{true, false, true}) || g.Earned != tt.earned || g.Hints != tt.cost || g.Score != tt.score || g.DoneCount != tt.doneCnt || g.Max != 60 || g.Complete() {
			t.Errorf("%d hints: %+v", tt.hints, g)
		}
		if g.Status() != tt.status {
			t.Errorf("%d hints: status %q, want %q", tt.hints, g.Status(), tt.status)
		}
	}
}

// TestChallengeParseErrors: bad challenge lines are reported at their
// markdown lines.
func TestChallengeParseErrors(t *testing.T) {
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"goal: g", "item: x :: login", "solution: connect"}, "01-c.md:12: challenge: missing title"},
		{[]string{"title: t", "goal: g", "solution: connect"}, `01-c.md:12: challenge: no items: add "item: what to achieve :: check"`},
		{[]string{"title: t", "goal: g", "item: x :: login"}, `01-c.md:12: challenge: no reference solution`},
		{[]string{"title: t", "goal: g", "item: x :: flies", "solution: connect"}, `01-c.md:15: challenge: item: unknown check "flies"`},
		{[]string{"title: t", "goal: g", "item: x :: tap sees \"x\"", "solution: connect"}, `01-c.md:15: challenge: item: tap sees "x": want tap has "TEXT" or tap lacks "TEXT"`},
		{[]string{"title: t", "goal: g", "item: x :: server messages about 5", "solution: connect"}, "01-c.md:15: challenge: item: server messages about 5: want server messages OP N"},
		{[]string{"title: t", "goal: g", "item: x :: setting client.tls=maybe", "solution: connect"}, "01-c.md:15: challenge: item: setting client.tls=maybe: tls=maybe: want none|if-offered|required|implicit"},
		{[]string{"title: t", "goal: g", "item: x :: ran \"DELE", "solution: connect"}, "01-c.md:15: challenge: item: unclosed or bad quoted text"},
		{[]string{"title: t", "goal: g", "item: x :: ran \"QUIT\" often", "solution: connect"}, `01-c.md:15: challenge: item: ran "QUIT" often: want ran "COMMAND LINE" [OP N]`},
		{[]string{"title: t", "goal: g", "item: no checks", "solution: connect"}, `01-c.md:15: challenge: item: want "what to achieve :: check [and check ...]"`},
		{[]string{"title: t", "goal: g", "item (0): x :: login", "solution: connect"}, `01-c.md:15: challenge: want "item (N):" or "hint (N):" with N from 1 to 100`},
		{[]string{"title: t", "goal: g", "item: x :: login", "solution: jump"}, `01-c.md:16: challenge: unknown line "jump"`},
		{[]string{"title: t", "goal: g", "item: x :: login", "setup: client: tls=sometimes", "solution: connect"}, "01-c.md:16: challenge: client: tls=sometimes"},
		{[]string{"title: t", "title: u", "goal: g", "item: x :: login", "solution: connect"}, "01-c.md:14: challenge: title given twice (first on line 13)"},
		{[]string{"title: t", "goal: g", "points: 5", "item: x :: login", "solution: connect"}, `01-c.md:15: challenge: want "title:", "goal:"`},
	}
	for _, tt := range tests {
		_, err := Parse("01-c.md", challengeLesson(tt.lines...))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want it to contain %q", tt.lines, err, tt.want)
		}
	}
}

// TestCheckRunsChallenges: the checker runs every reference solution and
// names the line of each item it does not reach, and of a solution step
// that diverges.
func TestCheckRunsChallenges(t *testing.T) {
	fsys := fstest.MapFS{
		"01-c.md": {Data: []byte(challengeLesson(
			"title: t", "goal: g",
			"item: logged in :: login terminal",
			"item: deleted a message :: reached UPDATE and server messages = 4",
			"solution: connect",
			"solution: C: USER alice",
			"solution: C: PASS wonderland",
		))},
		"02-d.md": {Data: []byte(strings.Replace(challengeLesson(
			"title: t", "goal: g",
			"item: logged in :: login terminal",
			"solution: connect",
			"solution: C: USER alice",
			"solution: S: +OK Welcome.",
		), "order: 1", "order: 2", 1))},
		"04-f.md": {Data: []byte(strings.Replace(challengeLesson(
			"title: t", "goal: g",
			"setup: client: leave-on-server=on",
			"setup: do: get-mail",
			"item: mail on the laptop :: local messages = 5",
			"solution: do: get-mail",
		), "order: 1", "order: 4", 1))},
		"03-e.md": {Data: []byte(strings.Replace(challengeLesson(
			"title: t", "goal: g",
			"item: logged in :: login terminal",
			"solution: connect",
			"solution: C: USER alice",
			"solution: C: PASS wonderland",
		), "order: 1", "order: 3", 1))},
	}
	var got []string
	for _, p := range Check(fsys) {
		got = append(got, p.String())
	}
	want := []string{
		`01-c.md:16: challenge: item 2 ("deleted a message") is not reached by the reference solution`,
		`02-d.md:18: challenge: the reference solution diverged at step 2: expected "+OK Welcome.", but the server sent "+OK Send your password."`,
		`04-f.md:12: challenge: every item is done before the learner does anything; make at least one item need work`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestChallengeHTML: the page shows the goal and items, and no hint.
func TestChallengeHTML(t *testing.T) {
	l, err := Parse("01-c.md", challengeLesson(append(slices.Clone(referenceWorld),
		`item (20): Deleted <b>message</b> 2 :: ran "DELE 2"`,
		`hint: The secret hint.`)...))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<section class="challenge" data-challenge-id="01-c-challenge-1" aria-label="Challenge: Conditions">`,
		`<p class="challenge-goal">Exercise every condition.</p>`,
		`<li data-item="0">Deleted &lt;b&gt;message&lt;/b&gt; 2 <span class="points">(20 points)</span></li>`,
		`<p class="challenge-status" aria-live="polite"></p>`,
	} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, l.HTML)
		}
	}
	if strings.Contains(l.HTML, "secret hint") {
		t.Error("the page gives the hint away")
	}
}
