package scenario

import (
	"fmt"
	"pop3lab/sim"
	"pop3lab/sim/server"
	"pop3lab/sim/wording"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxSize is the largest scenario source Parse accepts.
const MaxSize = 1 << 20

// Scenario is a parsed scenario.
type Scenario struct {
	// Title and Summary come from the header.
	Title, Summary string
	// Seed makes randomness (APOP timestamps, Maildir names) repeatable.
	Seed uint64
	// Steps are the actions in order, each with its narration and checks.
	Steps []Step
}

// Step is one action with the narration before it and the checks after it.
type Step struct {
	// Line is the 1-based line of the action.
	Line int
	// Note is the narration shown at this step ("note:" lines before it).
	Note string
	// Kind is what the step does, in the simulation's vocabulary: server:
	// and client: are sim.ActSettings (with Scope), do: get-mail and do:
	// preview are sim.ActGetMail and sim.ActPreview, a narration-only
	// step (notes at the end) is sim.ActNote.
	Kind sim.ActionKind
	// Scope is "server" or "client" for the settings of server: and
	// client:.
	Scope string
	// Text is the argument: the command line for C:, the action name for
	// do:, the attack name for attack:.
	Text string
	// Settings are the key=value pairs of server: and client:.
	Settings []Setting
	// Arg is the attack argument (the line to inject), or the message
	// body for deliver:, with its subject in Text.
	Arg string
	// Duration is the time a wait: lets pass.
	Duration time.Duration
	// Checks are the S:, S~ and expect: lines after the action.
	Checks []Check
}

// Keyword returns the scenario keyword the step was written with
// ("client", "C", "do"), for messages.
func (st Step) Keyword() string {
	switch st.Kind {
	case sim.ActSettings:
		return st.Scope
	case sim.ActSend:
		return "C"
	case sim.ActGetMail, sim.ActPreview:
		return "do"
	}
	return st.Kind.String()
}

// Setting is one key=value of a server: or client: line.
type Setting struct {
	Key, Value string
}

// CheckKind says what a check tests.
type CheckKind int

// The checks.
const (
	CheckLine     CheckKind = iota // S: exact response line
	CheckPattern                   // S~ regexp over a whole response line
	CheckSkipRest                  // S: ... the rest of the response
	CheckExpect                    // expect: a fact about the simulation
)

// Check is one expectation after an action.
type Check struct {
	// Line is the 1-based source line.
	Line int
	Kind CheckKind
	// Text is the expected line, the pattern source, or for expect: the
	// subject ("tap", "state", "server", "local", "closed", "tls").
	Text string
	// Args are expect:'s arguments after the subject, unquoted.
	Args []string
}

// Matches reports whether line is what an S~ check expects: the whole
// line matches the pattern in Text. For other checks it reports false.
// Parse only checks that a pattern compiles; it is compiled here, when a
// run matches it, since checking the editor's scenario on every change
// and listing the labs need no more.
func (c Check) Matches(line string) bool {
	if c.Kind != CheckPattern {
		return false
	}
	re, err := regexp.Compile(anchored(c.Text))
	return err == nil && re.MatchString(line) // err: a Check that Parse did not make
}

// anchored is the S~ pattern src as it must match: the whole line.
func anchored(src string) string { return `^(?:` + src + `)$` }

// Error is a problem at one line of a scenario.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ErrorList holds every problem Parse found, in line order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// What do:, attack: and expect: accept. Settings are checked by
// sim.Settings.Set, the same code that applies them.
var (
	doActions    = []sim.ActionKind{sim.ActGetMail, sim.ActPreview}
	expectations = map[string]string{
		"tap":     `tap has "TEXT" | tap lacks "TEXT"`,
		"state":   "state " + strings.Join(server.StateNames(), "|"),
		"server":  `server messages N | server ran "LINE" | server discarded "TEXT"`,
		"local":   "local messages N",
		"fetched": "fetched N",
		"closed":  "closed",
		"tls":     "tls on|off",
		"warning": `warning "TEXT"`,
	}
)

// Parse reads a scenario. On failure it returns an ErrorList naming every
// bad line and what was expected there.
func Parse(src string) (*Scenario, error) { return parse(src, false) }

// ParseHeader reads only a scenario's header: the Scenario it returns has
// the Title, Summary and Seed that Parse would give, and no Steps. It
// stops at the first step, so it checks no more than the lines up to
// there, and costs little for listing scenarios (the page lists the labs
// before it takes input; a lab's patterns compile when it runs).
func ParseHeader(src string) (*Scenario, error) { return parse(src, true) }

func parse(src string, headerOnly bool) (*Scenario, error) {
	if len(src) > MaxSize {
		return nil, ErrorList{{Line: 1, Msg: fmt.Sprintf("scenario is %d bytes; the limit is %d", len(src), MaxSize)}}
	}
	p := &parser{sc: &Scenario{}}
	line := 0
	for raw := range strings.SplitSeq(src, "\n") {
		line++
		p.line = line
		p.parseLine(strings.TrimSuffix(raw, "\r"))
		if headerOnly && p.started {
			p.sc.Steps = nil
			break
		}
	}
	if headerOnly {
		p.note = ""
	}
	if p.note != "" {
		// Closing words: a step that only narrates.
		p.addStep(Step{Kind: sim.ActNote})
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.sc, nil
}

type parser struct {
	sc      *Scenario
	line    int
	note    string
	started bool
	errs    ErrorList
}

func (p *parser) errorf(format string, args ...any) {
	p.errs = append(p.errs, &Error{Line: p.line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) parseLine(line string) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return
	}
	if strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		p.errorf("control character in the line")
		return
	}
	// Raw command and response lines keep their spacing after "C: ".
	switch {
	case strings.HasPrefix(line, "C:"):
		p.addStep(Step{Kind: sim.ActSend, Text: strings.TrimPrefix(strings.TrimPrefix(line, "C:"), " ")})
		return
	case strings.HasPrefix(line, "S:"):
		text := strings.TrimPrefix(strings.TrimPrefix(line, "S:"), " ")
		if text == "..." {
			p.addCheck(Check{Kind: CheckSkipRest})
		} else {
			p.addCheck(Check{Kind: CheckLine, Text: text})
		}
		return
	case strings.HasPrefix(line, "S~"):
		src := strings.TrimSpace(strings.TrimPrefix(line, "S~"))
		// The errors of regexp.Compile are those of syntax.Parse, with
		// the same flags; compiling can no longer fail after it.
		if _, err := syntax.Parse(anchored(src), syntax.Perl); err != nil {
			p.errorf("S~ pattern does not compile: %v", err)
			return
		}
		p.addCheck(Check{Kind: CheckPattern, Text: src})
		return
	}
	key, value, hasColon := strings.Cut(trimmed, ":")
	key = strings.TrimSpace(key)
	value = strings.TrimSpace(value)
	if !hasColon {
		// "connect" and "drop" take no colon.
		key, value, _ = strings.Cut(trimmed, " ")
		value = strings.TrimSpace(value)
	}
	if !p.started {
		switch key {
		case "title":
			p.sc.Title = value
			return
		case "summary":
			p.sc.Summary = value
			return
		case "seed":
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				p.errorf("seed: want a non-negative whole number, got %q", value)
				return
			}
			p.sc.Seed = n
			return
		}
	} else if key == "title" || key == "summary" || key == "seed" {
		p.errorf("%s: belongs in the header, before the first step", key)
		return
	}
	switch key {
	case "note":
		if p.note != "" {
			p.note += "\n"
		}
		p.note += value
	case "server":
		p.settings("server", value)
	case "client":
		p.settings("client", value)
	case "connect":
		if value != "" {
			p.errorf("connect takes no argument; set client tls=implicit for port 995")
			return
		}
		p.addStep(Step{Kind: sim.ActConnect})
	case "drop":
		if value != "" {
			p.errorf("drop takes no argument")
			return
		}
		p.addStep(Step{Kind: sim.ActDrop})
	case "do":
		kind, err := sim.ParseActionKind(value)
		if err != nil || !slices.Contains(doActions, kind) {
			names := make([]string, len(doActions))
			for i, k := range doActions {
				names[i] = k.String()
			}
			p.errorf("do: want one of %s, got %q", strings.Join(names, ", "), value)
			return
		}
		p.addStep(Step{Kind: kind, Text: value})
	case "attack":
		p.attack(value)
	case "deliver":
		subject, body, ok := strings.Cut(value, "|")
		subject = strings.TrimSpace(subject)
		if !ok || subject == "" {
			p.errorf(`deliver: want "SUBJECT | BODY" (use \n for line breaks in BODY)`)
			return
		}
		p.addStep(Step{Kind: sim.ActDeliver, Text: subject, Arg: strings.ReplaceAll(strings.TrimSpace(body), `\n`, "\n")})
	case "wait":
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			p.errorf("wait: want a positive duration such as 30s or 11m, got %q", value)
			return
		}
		p.addStep(Step{Kind: sim.ActWait, Duration: d})
	case "expect":
		p.expect(value)
	default:
		p.errorf("unknown line %q: want a step (note:, server:, client:, connect, C:, S:, S~, do:, attack:, deliver:, wait:, drop, expect:) or a header (title:, summary:, seed:) before the steps", truncate(trimmed, 30))
	}
}

func (p *parser) addStep(s Step) {
	s.Line = p.line
	s.Note = p.note
	p.note = ""
	p.started = true
	p.sc.Steps = append(p.sc.Steps, s)
}

func (p *parser) addCheck(c Check) {
	if len(p.sc.Steps) == 0 {
		p.errorf("a check needs a step before it (connect, C:, do: ...)")
		return
	}
	if p.note != "" {
		p.errorf("note: must come before a step, not between a step and its checks")
		p.note = ""
	}
	c.Line = p.line
	last := &p.sc.Steps[len(p.sc.Steps)-1]
	if c.Kind != CheckExpect && !(last.Kind == sim.ActConnect || last.Kind == sim.ActSend) {
		p.errorf("S: lines check responses to connect or C:, not to %s", last.Keyword())
		return
	}
	last.Checks = append(last.Checks, c)
}

func (p *parser) settings(scope, value string) {
	if value == "" {
		p.errorf("%s: want key=value settings", scope)
		return
	}
	var settings []Setting
	scratch := sim.DefaultSettings()
	for _, field := range strings.Fields(value) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			p.errorf("%s: %q is not key=value: want one of %s", scope, field, strings.Join(sim.SettingKeys(scope), ", "))
			return
		}
		if err := scratch.Set(scope, k, v); err != nil {
			p.errorf("%s: %v", scope, err)
			return
		}
		settings = append(settings, Setting{k, v})
	}
	p.addStep(Step{Kind: sim.ActSettings, Scope: scope, Settings: settings})
}

func (p *parser) attack(value string) {
	name, arg, _ := strings.Cut(value, " ")
	attack, err := sim.ParseAttack(name)
	switch {
	case err != nil:
		p.errorf("attack: %v", err)
	case !attack.TakesLine():
		if strings.TrimSpace(arg) != "" {
			p.errorf("attack: %s takes no argument", name)
			return
		}
		p.addStep(Step{Kind: sim.ActAttack, Text: name})
	default:
		line, err := strconv.Unquote(strings.TrimSpace(arg))
		if err != nil || line == "" {
			p.errorf(`attack: %s wants a quoted line, such as %s "CAPA\r\n"`, name, name)
			return
		}
		p.addStep(Step{Kind: sim.ActAttack, Text: name, Arg: line})
	}
}

func (p *parser) expect(value string) {
	fields, err := splitQuoted(value)
	if err != nil {
		p.errorf("expect: %v", err)
		return
	}
	if len(fields) == 0 {
		p.errorf("expect: want one of: %s", strings.Join(sortedValues(expectations), "; "))
		return
	}
	subject, args := fields[0], fields[1:]
	usage, known := expectations[subject]
	ok := known
	if known {
		switch subject {
		case "tap":
			ok = len(args) == 2 && (args[0] == "has" || args[0] == "lacks") && args[1] != ""
		case "state":
			ok = len(args) == 1 && contains(server.StateNames(), args[0])
		case "server":
			ok = len(args) == 2 && (args[0] == "messages" && isCount(args[1]) == nil || (args[0] == "ran" || args[0] == "discarded") && args[1] != "")
		case "local":
			ok = len(args) == 2 && args[0] == "messages" && isCount(args[1]) == nil
		case "fetched":
			ok = len(args) == 1 && isCount(args[0]) == nil
		case "closed":
			ok = len(args) == 0
		case "tls":
			if len(args) == 1 {
				_, ok = wording.ParseOnOff(args[0])
			}
		case "warning":
			ok = len(args) == 1 && args[0] != ""
		}
	}
	if !ok {
		if known {
			p.errorf("expect: want %s", usage)
		} else {
			p.errorf("expect: unknown %q: want one of: %s", subject, strings.Join(sortedValues(expectations), "; "))
		}
		return
	}
	p.addCheck(Check{Kind: CheckExpect, Text: subject, Args: args})
}

// splitQuoted splits on spaces, keeping Go-quoted strings whole.
func splitQuoted(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("unterminated or invalid quoted text %s", truncate(s, 30))
			}
			u, _ := strconv.Unquote(q)
			out = append(out, u)
			s = s[len(q):]
			continue
		}
		field, rest, _ := strings.Cut(s, " ")
		out = append(out, field)
		s = rest
	}
	return out, nil
}

func isCount(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 0 || v[0] == '+' {
		return fmt.Errorf("want a whole number of 0 or more")
	}
	return nil
}

func contains(list []string, v string) bool { return slices.Contains(list, v) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedValues(m map[string]string) []string {
	var vals []string
	for _, k := range sortedKeys(m) {
		vals = append(vals, m[k])
	}
	return vals
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
