package lessons

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// Challenge is a ```challenge block: a graded, hands-on task. The learner
// works in the simulator's sandbox; each assessment item is a check on the
// simulation's event log and state (never on a transcript), so any way of
// reaching the goal counts. The format:
//
//	title: Keep the password off a stripped connection
//	goal: An attacker strips STLS. Make the client refuse, then get mail safely.
//	seed: 31
//	setup: attack: strip-stls
//	item: The client refused to log in without TLS :: warning "refused to log in"
//	item (20): Mail arrived, no password in the clear :: local messages >= 5 and not credentials in-clear
//	hint: "STLS if offered" falls back when the offer is gone.
//	hint (10): Port 995 has no plaintext phase to edit.
//	solution: client: tls=implicit
//	solution: do: get-mail
//
// title and goal are required. seed (default 1) seeds the sandbox the
// challenge starts; setup lines are scenario steps (package scenario) run
// before the learner starts, and their events do not count. Each item is
// worth 10 points, or the points in brackets; each hint used costs 5, or
// its own cost. solution lines are the reference solution, scenario
// steps again: Check runs setup and solution and reports every item they
// leave undone. An item's checks are joined with "and"; "not" negates one:
//
//	tap has "TEXT" | tap lacks "TEXT"   what the eavesdropper decoded
//	ran "LINE" [OP N]                   the server executed this command (or one starting with it), N times
//	discarded "TEXT"                    the server threw away bytes holding TEXT after STLS
//	reached STATE                       a session reached AUTHORIZATION, TRANSACTION or UPDATE
//	login [terminal|mail-client]        a session reached TRANSACTION (opened by whom)
//	tls [terminal|mail-client]          a TLS handshake succeeded
//	credentials in-clear                a login secret crossed the wire without TLS
//	warning "TEXT"                      the mail client warned with TEXT
//	server messages OP N                messages on the server, not marked deleted (OP: = < > <= >= !=)
//	local messages OP N                 messages in the mail client's local mailbox
//	server has|lacks "SUBJECT"          a message with this subject is on the server
//	local has|lacks "SUBJECT"           ... in the local mailbox
//	setting SCOPE.KEY=VALUE             a setting has this value now (client.tls=required)
type Challenge struct {
	// ID is "SLUG-challenge-N" for the Nth challenge of the lesson; the
	// rendered section carries it as data-challenge-id.
	ID string
	// Title and Goal say what to do.
	Title, Goal string
	// Line is the markdown line of the block's opening fence.
	Line int
	// Seed seeds the sandbox the challenge starts.
	Seed uint64
	// Items are the assessment items, Hints the hints in the order given.
	Items []Item
	Hints []Hint

	setup, solution []srcLine
}

// Item is one assessment item of a challenge.
type Item struct {
	// Line is the markdown line of the item.
	Line int
	// Text says what the learner must achieve.
	Text string
	// Points it is worth when done.
	Points int
	// Conditions must all hold for the item to be done.
	Conditions []Condition
}

// Hint is one hint of a challenge; using it costs Cost points.
type Hint struct {
	Line int
	Text string
	Cost int
}

// Condition is one check of an item on a simulation.
type Condition struct {
	// Kind is the first word: "tap", "ran", "server", ...
	Kind string
	// Not negates the check.
	Not bool
	// Args are the words after the kind, quoted strings unquoted.
	Args []string
	// Op and N are the comparison of a "messages" check.
	Op string
	N  int
}

// Default points of an item and cost of a hint.
const (
	defaultItemPoints = 10
	defaultHintCost   = 5
)

// srcLine is a scenario line of a setup or solution, with its markdown line.
type srcLine struct {
	text string
	line int
}

// Grade is how far a learner has come with a challenge.
type Grade struct {
	// Done tells, per item, whether it is done.
	Done []bool
	// DoneCount items of len(Done) are done.
	DoneCount int
	// Earned is the points of the done items, Max of all items; Hints is
	// the cost of the hints used; Score is Earned minus Hints, at least 0.
	Earned, Max, Hints, Score int
}

// Complete reports whether every item is done.
func (g Grade) Complete() bool { return g.DoneCount == len(g.Done) }

// Status is the live line the app shows: "3 of 5 items done · 25 of 50
// points".
func (g Grade) Status() string {
	s := fmt.Sprintf("%d of %d items done · %d of %d points", g.DoneCount, len(g.Done), g.Score, g.Max)
	if g.Hints > 0 {
		s += fmt.Sprintf(" (hints −%d)", g.Hints)
	}
	return s
}

// MaxPoints is the sum of the items' points.
func (c *Challenge) MaxPoints() int {
	n := 0
	for _, it := range c.Items {
		n += it.Points
	}
	return n
}

// HintCost is what the first used hints cost together.
func (c *Challenge) HintCost(used int) int {
	cost := 0
	for i := 0; i < used && i < len(c.Hints); i++ {
		cost += c.Hints[i].Cost
	}
	return cost
}

// Setup returns the scenario that prepares the challenge's sandbox: its
// seed and setup steps (perhaps none).
func (c *Challenge) Setup() *scenario.Scenario {
	sc, err := scenario.Parse(scenarioSource(c.Seed, c.setup))
	if err != nil {
		panic(fmt.Sprintf("lessons: challenge %s: setup parsed once and not now: %v", c.ID, err)) // checked by parseChallenge
	}
	return sc
}

// Grade grades the simulation s, counting only events from number from
// on (those after the setup), with the first hintsUsed hints taken.
func (c *Challenge) Grade(s *sim.Simulation, from, hintsUsed int) Grade {
	w := newWorld(s, from)
	g := Grade{Done: make([]bool, len(c.Items)), Max: c.MaxPoints(), Hints: c.HintCost(hintsUsed)}
	for i, it := range c.Items {
		done := true
		for _, ch := range it.Conditions {
			if w.holds(ch) == ch.Not {
				done = false
				break
			}
		}
		g.Done[i] = done
		if done {
			g.DoneCount++
			g.Earned += it.Points
		}
	}
	g.Score = max(0, g.Earned-g.Hints)
	return g
}

// world is what checks look at: the events after the setup and the state.
type world struct {
	events []sim.Event
	snap   sim.Snapshot
	who    map[int]string // who opened each connection
	tap    string
}

func newWorld(s *sim.Simulation, from int) *world {
	w := &world{events: s.Events(from), snap: s.Snapshot(), who: map[int]string{}}
	var tap strings.Builder
	for _, e := range w.events {
		switch e.Kind {
		case sim.EvSession:
			if e.Who != "" {
				w.who[e.Conn] = e.Who
			}
		case sim.EvSegment:
			for _, u := range e.Units {
				fmt.Fprintf(&tap, "%d %s %s\n", e.Conn, e.Dir, u)
			}
		}
	}
	w.tap = tap.String()
	return w
}

// holds evaluates a check without its Not.
func (w *world) holds(c Condition) bool {
	a := c.Args
	switch c.Kind {
	case "tap":
		return strings.Contains(w.tap, a[1]) == (a[0] == "has")
	case "ran":
		n := 0
		for _, e := range w.events {
			if e.Kind == sim.EvCommand && commandMatches(e.Text, a[0]) {
				n++
			}
		}
		if c.Op != "" {
			return compare(n, c.Op, c.N)
		}
		return n > 0
	case "discarded":
		for _, e := range w.events {
			if e.Kind == sim.EvDiscard && strings.Contains(string(e.Data), a[0]) {
				return true
			}
		}
	case "reached":
		for _, e := range w.events {
			if e.Kind == sim.EvState && e.State == a[0] {
				return true
			}
		}
	case "login", "tls":
		for _, e := range w.events {
			hit := c.Kind == "login" && e.Kind == sim.EvState && e.State == "TRANSACTION" ||
				c.Kind == "tls" && e.Kind == sim.EvTLS && e.TLS
			if hit && (len(a) == 0 || w.who[e.Conn] == whoNames[a[0]]) {
				return true
			}
		}
	case "credentials":
		for _, e := range w.events {
			if e.Kind == sim.EvCommand && len(e.Secrets) > 0 && !e.TLS {
				return true
			}
		}
	case "warning":
		for _, e := range w.events {
			if e.Kind == sim.EvClient && e.Warning && strings.Contains(e.Text, a[0]) {
				return true
			}
		}
	case "server", "local":
		var subjects []string
		if c.Kind == "server" {
			for _, m := range w.snap.Server {
				if !m.Deleted {
					subjects = append(subjects, m.Subject)
				}
			}
		} else {
			for _, m := range w.snap.Local {
				subjects = append(subjects, m.Subject)
			}
		}
		if a[0] == "messages" {
			return compare(len(subjects), c.Op, c.N)
		}
		return contains(subjects, a[1]) == (a[0] == "has")
	case "setting":
		scope, kv, _ := strings.Cut(a[0], ".")
		key, val, _ := strings.Cut(kv, "=")
		want := w.snap.Settings
		if want.Set(scope, key, val) != nil {
			return false
		}
		return want == w.snap.Settings
	}
	return false
}

// whoNames maps a check's word to the opener the simulation records.
var whoNames = map[string]string{"terminal": "terminal", "mail-client": "mail client"}

// commandMatches reports whether a command line is want, or starts with
// want and a space; the keyword compares without regard to case (RFC 1939
// §3), the rest exactly.
func commandMatches(line, want string) bool {
	norm := func(s string) string {
		k, rest, ok := strings.Cut(s, " ")
		if !ok {
			return strings.ToUpper(k)
		}
		return strings.ToUpper(k) + " " + rest
	}
	line, want = norm(line), norm(want)
	return line == want || strings.HasPrefix(line, want+" ")
}

func compare(n int, op string, m int) bool {
	switch op {
	case "=":
		return n == m
	case "!=":
		return n != m
	case "<":
		return n < m
	case "<=":
		return n <= m
	case ">":
		return n > m
	case ">=":
		return n >= m
	}
	return false
}

// scenarioSource writes setup or solution lines as a scenario with a
// seed; line 1 is the seed, line i+1 is lines[i].
func scenarioSource(seed uint64, lines ...[]srcLine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed: %d\n", seed)
	for _, ls := range lines {
		for _, l := range ls {
			b.WriteString(l.text + "\n")
		}
	}
	return b.String()
}

// parseChallenge reads a challenge block.
func parseChallenge(b block, id string) (*Challenge, []lineError) {
	c := &Challenge{ID: id, Line: b.fence, Seed: 1}
	var errs []lineError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, lineError{line, "challenge: " + fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	for _, kl := range b.keyedLines(fail) {
		n, line, key, rest, ok := kl.n, kl.line, kl.key, kl.rest, kl.ok
		word, weight, weighted := strings.Cut(key, "(")
		word = strings.TrimSpace(word)
		if !ok || !contains(challengeKeys, word) {
			fail(n, `want "title:", "goal:", "seed:", "setup:", "item:", "hint:" or "solution:", got %q`, truncate(line, 30))
			continue
		}
		points := map[string]int{"item": defaultItemPoints, "hint": defaultHintCost}[word]
		if weighted {
			v, ok := wholeNumber(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(weight), ")")))
			if !strings.HasSuffix(strings.TrimSpace(weight), ")") || !ok || v < 1 || v > 100 || word != "item" && word != "hint" {
				fail(n, `want "item (N):" or "hint (N):" with N from 1 to 100, got %q`, truncate(key, 30))
				continue
			}
			points = v
		}
		switch word {
		case "title", "goal", "seed":
			if first, dup := seen[word]; dup {
				fail(n, "%s given twice (first on line %d)", word, first)
				continue
			}
			seen[word] = n
			if rest == "" {
				fail(n, "%s: empty", word)
				continue
			}
			switch word {
			case "title":
				c.Title = rest
			case "goal":
				c.Goal = rest
			case "seed":
				v, err := strconv.ParseUint(rest, 10, 64)
				if err != nil {
					fail(n, "seed: want a whole number, got %q", truncate(rest, 20))
					continue
				}
				c.Seed = v
			}
		case "setup":
			c.setup = append(c.setup, srcLine{rest, n})
		case "solution":
			c.solution = append(c.solution, srcLine{rest, n})
		case "hint":
			if rest == "" {
				fail(n, "hint: empty")
				continue
			}
			c.Hints = append(c.Hints, Hint{Line: n, Text: rest, Cost: points})
		case "item":
			text, checks, ok := cutExplanation(rest)
			if !ok || text == "" || checks == "" {
				fail(n, `item: want "what to achieve :: check [and check ...]"`)
				continue
			}
			it := Item{Line: n, Text: text, Points: points}
			bad := false
			for _, part := range strings.Split(checks, " and ") {
				ch, err := parseCheck(part)
				if err != nil {
					fail(n, "item: %v", err)
					bad = true
					break
				}
				it.Conditions = append(it.Conditions, ch)
			}
			if !bad {
				c.Items = append(c.Items, it)
			}
		}
	}
	for _, key := range []string{"title", "goal"} {
		if _, ok := seen[key]; !ok {
			fail(b.fence, "missing %s", key)
		}
	}
	if len(c.Items) == 0 && len(errs) == 0 {
		fail(b.fence, `no items: add "item: what to achieve :: check"`)
	}
	if len(c.solution) == 0 && len(errs) == 0 {
		fail(b.fence, `no reference solution: add "solution:" lines, the scenario steps that reach every item`)
	}
	// Setup and solution must be scenario steps: parse them together, as
	// Check runs them, and map errors back to their lines.
	all := append(append([]srcLine(nil), c.setup...), c.solution...)
	if _, err := scenario.Parse(scenarioSource(c.Seed, all)); err != nil {
		if list, ok := err.(scenario.ErrorList); ok {
			for _, e := range list {
				fail(lineAt(all, e.Line, b.fence), "%s", e.Msg)
			}
		} else {
			fail(b.fence, "%v", err)
		}
	}
	if len(errs) > 0 {
		sortLineErrors(errs)
		return nil, errs
	}
	return c, nil
}

var challengeKeys = []string{"title", "goal", "seed", "setup", "item", "hint", "solution"}

// lineAt maps a line of scenarioSource(seed, lines) to its markdown line.
func lineAt(lines []srcLine, n, fallback int) int {
	if n >= 2 && n-2 < len(lines) {
		return lines[n-2].line
	}
	return fallback
}

// parseCheck reads one check of an item.
func parseCheck(s string) (Condition, error) {
	words, err := checkWords(s)
	if err != nil {
		return Condition{}, err
	}
	var c Condition
	if len(words) > 0 && words[0] == "not" {
		c.Not, words = true, words[1:]
	}
	if len(words) == 0 {
		return Condition{}, fmt.Errorf("empty check in %q", truncate(s, 40))
	}
	c.Kind, c.Args = words[0], words[1:]
	usage, known := checkUsage[c.Kind]
	if !known {
		return Condition{}, fmt.Errorf("unknown check %q: want one of tap, ran, discarded, reached, login, tls, credentials, warning, server, local, setting", c.Kind)
	}
	bad := fmt.Errorf("%s: want %s", strings.TrimSpace(s), usage)
	a := c.Args
	switch c.Kind {
	case "tap":
		if len(a) != 2 || a[0] != "has" && a[0] != "lacks" || a[1] == "" {
			return Condition{}, bad
		}
	case "ran":
		switch {
		case len(a) == 1 && a[0] != "":
		case len(a) == 3 && a[0] != "":
			n, ok := wholeNumber(a[2])
			if !ok || !contains(compareOps, a[1]) {
				return Condition{}, bad
			}
			c.Op, c.N = a[1], n
		default:
			return Condition{}, bad
		}
	case "discarded", "warning":
		if len(a) != 1 || a[0] == "" {
			return Condition{}, bad
		}
	case "reached":
		if len(a) != 1 || a[0] != "AUTHORIZATION" && a[0] != "TRANSACTION" && a[0] != "UPDATE" {
			return Condition{}, bad
		}
	case "login", "tls":
		if len(a) > 1 || len(a) == 1 && whoNames[a[0]] == "" {
			return Condition{}, bad
		}
	case "credentials":
		if len(a) != 1 || a[0] != "in-clear" {
			return Condition{}, bad
		}
	case "server", "local":
		switch {
		case len(a) == 3 && a[0] == "messages":
			n, ok := wholeNumber(a[2])
			if !ok || !contains(compareOps, a[1]) {
				return Condition{}, bad
			}
			c.Op, c.N = a[1], n
		case len(a) == 2 && (a[0] == "has" || a[0] == "lacks") && a[1] != "":
		default:
			return Condition{}, bad
		}
	case "setting":
		if len(a) != 1 {
			return Condition{}, bad
		}
		scope, kv, ok1 := strings.Cut(a[0], ".")
		key, val, ok2 := strings.Cut(kv, "=")
		if !ok1 || !ok2 {
			return Condition{}, bad
		}
		probe := sim.DefaultSettings()
		if err := probe.Set(scope, key, val); err != nil {
			return Condition{}, fmt.Errorf("setting %s: %v", a[0], err)
		}
	}
	return c, nil
}

var compareOps = []string{"=", "!=", "<", "<=", ">", ">="}

var checkUsage = map[string]string{
	"tap":         `tap has "TEXT" or tap lacks "TEXT"`,
	"ran":         `ran "COMMAND LINE" [OP N]`,
	"discarded":   `discarded "TEXT"`,
	"reached":     "reached AUTHORIZATION|TRANSACTION|UPDATE",
	"login":       "login [terminal|mail-client]",
	"tls":         "tls [terminal|mail-client]",
	"credentials": "credentials in-clear",
	"warning":     `warning "TEXT"`,
	"server":      `server messages OP N, server has "SUBJECT" or server lacks "SUBJECT"`,
	"local":       `local messages OP N, local has "SUBJECT" or local lacks "SUBJECT"`,
	"setting":     "setting SCOPE.KEY=VALUE, such as setting client.tls=required",
}

// checkWords splits a check into words and "quoted strings" (Go syntax).
func checkWords(s string) ([]string, error) {
	var words []string
	s = strings.TrimSpace(s)
	for s != "" {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("unclosed or bad quoted text in %q", truncate(s, 40))
			}
			v, _ := strconv.Unquote(q)
			words = append(words, v)
			s = strings.TrimSpace(s[len(q):])
			continue
		}
		w, rest, _ := strings.Cut(s, " ")
		words = append(words, w)
		s = strings.TrimSpace(rest)
	}
	return words, nil
}

// runChallenge runs a challenge's setup and reference solution on a fresh
// simulation, as Check does, and returns its grade with no hints used, or
// a problem if the solution does not run.
func runChallenge(file string, c *Challenge) (Grade, *Problem) {
	s, from, start, p := runReference(file, c)
	if p != nil {
		return Grade{}, p
	}
	defer s.Close()
	if start.Complete() {
		return Grade{}, &Problem{File: file, Line: c.Line, Msg: "challenge: every item is done before the learner does anything; make at least one item need work"}
	}
	return c.Grade(s, from, 0), nil
}

// runReference runs a challenge's setup and reference solution on a fresh
// simulation and returns it with the number of the first event after the
// setup, and the grade the learner starts with (right after the setup). The
// caller closes the simulation.
func runReference(file string, c *Challenge) (s *sim.Simulation, from int, start Grade, p *Problem) {
	all := append(append([]srcLine(nil), c.setup...), c.solution...)
	sc, err := scenario.Parse(scenarioSource(c.Seed, all))
	if err != nil {
		return nil, 0, Grade{}, &Problem{File: file, Line: c.Line, Msg: "challenge: " + err.Error()}
	}
	setupSteps := len(c.Setup().Steps)
	r, err := scenario.NewRunner(sc, sim.Options{})
	if err != nil {
		return nil, 0, Grade{}, &Problem{File: file, Line: c.Line, Msg: "challenge: the simulation failed: " + err.Error()}
	}
	for i := 0; !r.Done(); i++ {
		if i == setupSteps {
			from = len(r.Sim.Events(0))
			start = c.Grade(r.Sim, from, 0)
		}
		if _, err := r.Next(); err != nil {
			msg := err.Error()
			line := c.Line
			if d, ok := err.(*scenario.Divergence); ok {
				msg, line = fmt.Sprintf("the reference solution diverged at step %d: %s", d.Step, d.Msg), lineAt(all, d.Line, c.Line)
			}
			r.Sim.Close()
			return nil, 0, Grade{}, &Problem{File: file, Line: line, Msg: "challenge: " + msg}
		}
	}
	if setupSteps == len(sc.Steps) {
		from = len(r.Sim.Events(0))
		start = c.Grade(r.Sim, from, 0)
	}
	return r.Sim, from, start, nil
}

// html renders the challenge: its goal and items for reading, and the
// controls the app enables. Hints stay out of the page until asked for.
func (c *Challenge) html() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<section class="challenge" data-challenge-id="%s" aria-label="Challenge: %s">`+"\n", html.EscapeString(c.ID), html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<h3>Challenge: %s</h3>`+"\n", inlineText(c.Title))
	fmt.Fprintf(&b, `<p class="challenge-goal">%s</p>`+"\n", inlineText(c.Goal))
	fmt.Fprintf(&b, `<p class="challenge-rules">%d items, %d points; a hint costs points. You work in the sandbox: any way to the goal counts.</p>`+"\n", len(c.Items), c.MaxPoints())
	b.WriteString(`<ol class="challenge-items">` + "\n")
	for i, it := range c.Items {
		fmt.Fprintf(&b, `<li data-item="%d">%s <span class="points">(%d points)</span></li>`+"\n", i, inlineText(it.Text), it.Points)
	}
	b.WriteString("</ol>\n")
	b.WriteString(`<p class="challenge-status" aria-live="polite"></p>` + "\n")
	b.WriteString(`<ol class="challenge-hints"></ol>` + "\n")
	b.WriteString(`<div class="challenge-actions"><button type="button" class="start-challenge" disabled>Start challenge</button> <button type="button" class="challenge-hint" hidden>Show a hint</button></div>` + "\n")
	b.WriteString("</section>\n")
	return b.String()
}
