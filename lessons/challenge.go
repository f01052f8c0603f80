package lessons

import (
	"fmt"
	"slices"
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
	ID string `json:"id"`
	// Title and Goal say what to do.
	Title string `json:"title"`
	Goal  string `json:"goal"`
	// Line is the markdown line of the block's opening fence.
	Line int `json:"line"`
	// Seed seeds the sandbox the challenge starts.
	Seed uint64 `json:"seed"`
	// Items are the assessment items, Hints the hints in the order given.
	Items []Item `json:"items"`
	Hints []Hint `json:"hints"`
	// SetupLines are the setup: lines, SolutionLines the solution: lines,
	// in order: scenario steps (see ScenarioSource).
	SetupLines    []ScenarioLine `json:"setup"`
	SolutionLines []ScenarioLine `json:"solution"`
}

// Item is one assessment item of a challenge.
type Item struct {
	// Line is the markdown line of the item.
	Line int `json:"line"`
	// Text says what the learner must achieve.
	Text string `json:"text"`
	// Points it is worth when done.
	Points int `json:"points"`
	// Conditions must all hold for the item to be done.
	Conditions []Condition `json:"conditions"`
}

// Hint is one hint of a challenge; using it costs Cost points.
type Hint struct {
	Line int    `json:"line"`
	Text string `json:"text"`
	Cost int    `json:"cost"`
}

// Condition is one check of an item on a simulation.
type Condition struct {
	// Kind is the first word: "tap", "ran", "server", ...
	Kind string `json:"kind"`
	// Not negates the check.
	Not bool `json:"not"`
	// Args are the words after the kind, quoted strings unquoted.
	Args []string `json:"args"`
	// Op and N are the comparison of a "messages" check, and of a "ran"
	// check that counts.
	Op string `json:"op"`
	N  int    `json:"n"`
}

// ScenarioLine is a setup or solution line of a challenge, a scenario
// step, with its markdown line.
type ScenarioLine struct {
	Text string `json:"text"`
	Line int    `json:"line"`
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
	sc, err := scenario.Parse(ScenarioSource(c.Seed, c.SetupLines))
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
		return slices.Contains(subjects, a[1]) == (a[0] == "has")
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

// ScenarioSource writes setup or solution lines as a scenario with a
// seed; line 1 is the seed, line i+1 is the ith line given.
func ScenarioSource(seed uint64, lines ...[]ScenarioLine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed: %d\n", seed)
	for _, ls := range lines {
		for _, l := range ls {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// ParseCondition reads one check of an item, as Challenge documents
// them.
func ParseCondition(s string) (Condition, error) {
	words, err := checkWords(s)
	if err != nil {
		return Condition{}, err
	}
	not := len(words) > 0 && words[0] == "not"
	if not {
		words = words[1:]
	}
	if len(words) == 0 {
		return Condition{}, fmt.Errorf("empty check in %q", truncate(s, 40))
	}
	return newCondition(not, words[0], words[1:], strings.TrimSpace(s))
}

// newCondition checks a condition's words and reads its comparison; text
// is the check as written, for errors.
func newCondition(not bool, kind string, args []string, text string) (Condition, error) {
	c := Condition{Kind: kind, Not: not, Args: args}
	usage, known := checkUsage[c.Kind]
	if !known {
		return Condition{}, fmt.Errorf("unknown check %q: want one of tap, ran, discarded, reached, login, tls, credentials, warning, server, local, setting", c.Kind)
	}
	bad := fmt.Errorf("%s: want %s", text, usage)
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
			n, ok := WholeNumber(a[2])
			if !ok || !slices.Contains(compareOps, a[1]) {
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
			n, ok := WholeNumber(a[2])
			if !ok || !slices.Contains(compareOps, a[1]) {
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

// WholeNumber parses a number as lessons write them: decimal, without
// sign, without leading zeros beyond "0", at most six digits.
func WholeNumber(s string) (int, bool) {
	if s == "" || len(s) > 6 || s[0] == '+' || s[0] == '-' || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// truncate shortens s to n runes for a message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}
