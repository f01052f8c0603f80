package render

import (
	"fmt"
	"html"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"

	"pop3lab/lessons"
	"pop3lab/sim"
	"pop3lab/sim/client"
	"pop3lab/sim/scenario"
	"pop3lab/sim/wording"
)

// scenarioBlock is a pop3 block of a lesson: the scenario, and the
// markdown line of each of its source lines, for Check's problems.
type scenarioBlock struct {
	*lessons.Scenario
	lines []int
}

// markdownLine returns the line of the lesson file that holds line n
// (1-based) of the scenario source.
func (s *scenarioBlock) markdownLine(n int) int {
	return block{fence: s.Line, lines: s.lines}.line(n)
}

// parseScenarioBlock parses a pop3 block, reporting scenario errors at
// their markdown lines.
func (d *doc) parseScenarioBlock(b block, id string) *scenarioBlock {
	sc, err := lessons.NewScenario(id, b.source, b.fence)
	if err != nil {
		if list, ok := err.(scenario.ErrorList); ok {
			for _, e := range list {
				d.errorf(b.line(e.Line), "pop3: %s", e.Msg)
			}
		} else {
			d.errorf(b.fence, "pop3: %v", err)
		}
		return nil
	}
	if len(sc.Parsed().Steps) == 0 {
		d.errorf(b.fence, "pop3: the scenario has no steps")
		return nil
	}
	return &scenarioBlock{Scenario: sc, lines: b.lines}
}

// scenarioHTML renders the scenario as a figure: its transcript for
// reading, its source for the simulator, and a button the wasm enables.
func scenarioHTML(s *lessons.Scenario) string {
	var b strings.Builder
	caption := s.Title
	if caption == "" {
		caption = "Try it"
	}
	fmt.Fprintf(&b, `<figure class="scenario" data-scenario-id="%s"><figcaption>%s</figcaption>`, html.EscapeString(s.ID), html.EscapeString(caption))
	b.WriteString(`<pre class="transcript"><code>`)
	for _, l := range transcript(s.Parsed()) {
		fmt.Fprintf(&b, `<span class="%s">%s</span>`+"\n", l.class, html.EscapeString(l.text))
	}
	b.WriteString(`</code></pre>`)
	// A newline right after <textarea> is dropped by HTML parsers, so a
	// source that starts with one keeps it.
	b.WriteString(`<textarea class="scenario-source" hidden readonly>` + "\n")
	b.WriteString(html.EscapeString(s.Source))
	b.WriteString(`</textarea><button type="button" class="run-scenario" disabled>Run in simulator</button></figure>` + "\n")
	return b.String()
}

// transcriptLine is one line of a rendered transcript; class is "note",
// "step", "c", "s" or "check".
type transcriptLine struct {
	class, text string
}

// transcript turns a scenario into the lines a reader sees: notes,
// steps described in words, C: and S: lines, and checks.
func transcript(sc *scenario.Scenario) []transcriptLine {
	var out []transcriptLine
	add := func(class, format string, args ...any) {
		out = append(out, transcriptLine{class, fmt.Sprintf(format, args...)})
	}
	implicit := false // the mail client's tls=implicit: connect uses port 995
	for _, st := range sc.Steps {
		if st.Note != "" {
			for _, n := range strings.Split(st.Note, "\n") {
				add("note", "# %s", n)
			}
		}
		switch st.Kind {
		case sim.ActSettings:
			var kv []string
			for _, s := range st.Settings {
				kv = append(kv, s.Key+"="+s.Value)
				if st.Scope == "client" && s.Key == "tls" {
					implicit = s.Value == client.TLSImplicit.Keyword()
				}
			}
			add("step", "[%s settings: %s]", st.Scope, strings.Join(kv, " "))
		case sim.ActConnect:
			if implicit {
				add("step", "[connect to port 995: TLS from the first byte]")
			} else {
				add("step", "[connect to port 110]")
			}
		case sim.ActSend:
			add("c", "C: %s", st.Text)
		case sim.ActPreview:
			add("step", "[mail client: Preview headers]")
		case sim.ActGetMail:
			add("step", "[mail client: Get mail]")
		case sim.ActAttack:
			add("step", "[attacker: %s]", sim.Attack(st.Text).Summary(strings.TrimRight(st.Arg, "\r\n")))
		case sim.ActDeliver:
			add("step", "[a message arrives: %q]", st.Text)
		case sim.ActWait:
			add("step", "[%s pass]", shortDuration(st.Duration))
		case sim.ActDrop:
			add("step", "[the connection drops without QUIT]")
		}
		for _, c := range st.Checks {
			switch c.Kind {
			case scenario.CheckLine:
				add("s", "S: %s", c.Text)
			case scenario.CheckPattern:
				add("s", "S: %s", humanPattern(c.Text))
			case scenario.CheckSkipRest:
				add("s", "S: …")
			case scenario.CheckExpect:
				add("check", "✓ %s", describeExpect(c))
			}
		}
	}
	return out
}

// describeExpect says in words what an expect: line checks.
func describeExpect(c scenario.Check) string {
	a := c.Args
	switch c.Text {
	case "tap":
		if a[0] == "has" {
			return fmt.Sprintf("the eavesdropper sees %q", a[1])
		}
		return fmt.Sprintf("the eavesdropper does not see %q", a[1])
	case "state":
		if a[0] == "CLOSED" {
			return "the connection is closed"
		}
		return "the session is in the " + a[0] + " state"
	case "server":
		switch a[0] {
		case "messages":
			return plural(a[1], "message") + " on the server"
		case "ran":
			return fmt.Sprintf("the server ran %q", a[1])
		}
		return fmt.Sprintf("the server discarded %q", a[1])
	case "local":
		return plural(a[1], "message") + " in the mail client's local mailbox"
	case "fetched":
		return "the mail client downloaded " + plural(a[0], "message")
	case "closed":
		return "the connection is closed"
	case "tls":
		return "TLS is " + a[0]
	case "warning":
		return fmt.Sprintf("the mail client warns %q", a[0])
	}
	return c.Text + " " + strings.Join(a, " ")
}

// plural counts a noun for a number as the scenario wrote it.
func plural(n, noun string) string {
	count, err := strconv.Atoi(n)
	if err != nil {
		return n + " " + noun + "s"
	}
	return wording.Plural(count, noun)
}

// shortDuration writes 60s as "1m", 90s as "1m30s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// humanPattern shows an S~ pattern as a response line: literal text as
// is, anything variable as "…". `\+OK POP3 server ready <.*>` reads
// "+OK POP3 server ready <…>".
func humanPattern(src string) string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return src
	}
	var b strings.Builder
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpConcat:
			for _, sub := range re.Sub {
				walk(sub)
			}
		case syntax.OpCapture:
			walk(re.Sub[0])
		case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		default:
			if !strings.HasSuffix(b.String(), "…") {
				b.WriteString("…")
			}
		}
	}
	walk(re)
	return b.String()
}
