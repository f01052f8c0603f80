package scenario

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"pop3lab/sim"
)

const sniffing = `# The classic: credentials in the clear.
title: Sniffing USER/PASS
summary: An eavesdropper reads the password off port 110.
seed: 42

client: tls=none auth=user
note: Open a plaintext connection to port 110.
connect
S~ \+OK POP3 server ready <.*>
note: The user name crosses first...
note: ...then the password.
C: USER alice
S: +OK Send your password.
C: PASS wonderland
S~ \+OK alice's maildrop has [0-9]+ messages \([0-9]+ octets\)\.
expect: tap has "PASS wonderland"
C: LIST
S~ \+OK .*
S: ...
attack: inject "NOOP\r\n"
deliver: Hello | first line\nsecond line
wait: 11m
expect: closed
drop
do: get-mail
expect: fetched 3
`

func TestParseScenario(t *testing.T) {
	sc, err := Parse(sniffing)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Title != "Sniffing USER/PASS" || sc.Summary != "An eavesdropper reads the password off port 110." || sc.Seed != 42 {
		t.Fatalf("header = %q %q %d", sc.Title, sc.Summary, sc.Seed)
	}
	var kinds []string
	for _, s := range sc.Steps {
		kinds = append(kinds, s.Keyword())
	}
	if got, want := strings.Join(kinds, " "), "client connect C C C attack deliver wait drop do"; got != want {
		t.Fatalf("steps = %s, want %s", got, want)
	}
	connect := sc.Steps[1]
	if connect.Line != 8 || connect.Note != "Open a plaintext connection to port 110." || len(connect.Checks) != 1 || connect.Checks[0].Kind != CheckPattern {
		t.Fatalf("connect step = %+v", connect)
	}
	if !connect.Checks[0].Matches("+OK POP3 server ready <1.2@localhost>") || connect.Checks[0].Matches("x+OK POP3 server ready <1@x>") {
		t.Fatal("S~ pattern is not anchored as a whole line")
	}
	user := sc.Steps[2]
	if user.Text != "USER alice" || user.Note != "The user name crosses first...\n...then the password." {
		t.Fatalf("USER step = %+v", user)
	}
	pass := sc.Steps[3]
	if len(pass.Checks) != 2 || pass.Checks[1].Kind != CheckExpect || pass.Checks[1].Text != "tap" || pass.Checks[1].Args[1] != "PASS wonderland" {
		t.Fatalf("PASS checks = %+v", pass.Checks)
	}
	if list := sc.Steps[4]; list.Checks[1].Kind != CheckSkipRest {
		t.Fatalf("LIST checks = %+v", list.Checks)
	}
	if a := sc.Steps[5]; a.Text != "inject" || a.Arg != "NOOP\r\n" {
		t.Fatalf("attack = %+v", a)
	}
	if d := sc.Steps[6]; d.Text != "Hello" || d.Arg != "first line\nsecond line" {
		t.Fatalf("deliver = %+v", d)
	}
	if w := sc.Steps[7]; w.Duration != 11*time.Minute || len(w.Checks) != 1 {
		t.Fatalf("wait = %+v", w)
	}
	if c := sc.Steps[0].Settings; len(c) != 2 || c[0] != (Setting{"tls", "none"}) || c[1] != (Setting{"auth", "user"}) {
		t.Fatalf("client settings = %+v", c)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown keyword", "connect\nfetch: all", `line 2: unknown line "fetch: all": want a step (note:, server:, client:, connect, C:, S:, S~, do:, attack:, deliver:, wait:, drop, expect:) or a header (title:, summary:, seed:) before the steps`},
		{"check before any step", "S: +OK", "line 1: a check needs a step before it (connect, C:, do: ...)"},
		{"S after do", "do: get-mail\nS: +OK", "line 2: S: lines check responses to connect or C:, not to do"},
		{"bad pattern", "connect\nS~ +OK (", "line 2: S~ pattern does not compile: error parsing regexp: missing argument to repetition operator: `+`"},
		{"bad client setting", "client: tls=maybe", "line 1: client: tls=maybe: want none|if-offered|required|implicit"},
		{"unknown client setting", "client: colour=red", "line 1: client: unknown client setting \"colour\": want one of auth, delete-after-days, device, leave-on-server, password, tls, user"},
		{"server setting without value", "server: tls", "line 1: server: \"tls\" is not key=value: want one of auth-failure-delay, login-delay, tls, unsafe-stls"},
		{"bad wait", "wait: soon", `line 1: wait: want a positive duration such as 30s or 11m, got "soon"`},
		{"negative wait", "wait: -1m", `line 1: wait: want a positive duration such as 30s or 11m, got "-1m"`},
		{"bad do", "do: everything", `line 1: do: want one of get-mail, preview, got "everything"`},
		{"bad attack", "attack: ddos", `line 1: attack: want one of strip-stls, inject, replay-apop, off, got "ddos"`},
		{"inject unquoted", "attack: inject CAPA", `line 1: attack: inject wants a quoted line, such as inject "CAPA\r\n"`},
		{"deliver without body separator", "deliver: Hello", `line 1: deliver: want "SUBJECT | BODY" (use \n for line breaks in BODY)`},
		{"expect unknown", "connect\nexpect: magic", `line 2: expect: unknown "magic": want one of: closed; fetched N; local messages N; server messages N | server ran "LINE" | server discarded "TEXT"; state AUTHORIZATION|TRANSACTION|UPDATE|CLOSED; tap has "TEXT" | tap lacks "TEXT"; tls on|off; warning "TEXT"`},
		{"expect tap bad", "connect\nexpect: tap sees PASS", `line 2: expect: want tap has "TEXT" | tap lacks "TEXT"`},
		{"expect unterminated quote", "connect\nexpect: tap has \"PASS", `line 2: expect: unterminated or invalid quoted text "PASS`},
		{"header after steps", "connect\ntitle: late", "line 2: title: belongs in the header, before the first step"},
		{"bad seed", "seed: many", `line 1: seed: want a non-negative whole number, got "many"`},
		{"connect with argument", "connect 995", "line 1: connect takes no argument; set client tls=implicit for port 995"},
		{"control character", "C: USER\x00alice", "line 1: control character in the line"},
		{"two errors", "connect\nbogus\nwait: x", "line 2: unknown line \"bogus\": want a step (note:, server:, client:, connect, C:, S:, S~, do:, attack:, deliver:, wait:, drop, expect:) or a header (title:, summary:, seed:) before the steps\nline 3: wait: want a positive duration such as 30s or 11m, got \"x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src)
			if err == nil {
				t.Fatal("no error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			if err.Error() != tt.want {
				t.Fatalf("error:\n%s\nwant:\n%s", err, tt.want)
			}
		})
	}
}

func TestTrailingNoteIsANarrationStep(t *testing.T) {
	sc, err := Parse("connect\nnote: That is all.")
	if err != nil || len(sc.Steps) != 2 || sc.Steps[1].Kind != sim.ActNote || sc.Steps[1].Note != "That is all." {
		t.Fatalf("got %+v, %v", sc, err)
	}
}

func TestParseLimits(t *testing.T) {
	if _, err := Parse(strings.Repeat("x", MaxSize+1)); err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Fatalf("oversized scenario: %v", err)
	}
	sc, err := Parse("connect\r\nC: NOOP\r\nS: +OK\r\n")
	if err != nil || len(sc.Steps) != 2 || sc.Steps[1].Checks[0].Text != "+OK" {
		t.Fatalf("CRLF scenario: %+v %v", sc, err)
	}
	sc, err = Parse("C:  two spaces kept")
	if err != nil || sc.Steps[0].Text != " two spaces kept" {
		t.Fatalf("C: spacing: %+v %v", sc, err)
	}
}

// FuzzParse: any input parses or gives line-numbered errors within range.
func FuzzParse(f *testing.F) {
	f.Add(sniffing)
	f.Add("connect\nS~ (\nexpect: tap has \"x\"")
	f.Add("attack: inject \"\\x00\"\nwait: 1h\ndeliver: a | b")
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := Parse(src)
		lines := strings.Count(src, "\n") + 1
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not a non-empty ErrorList", err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Line > lines {
					t.Fatalf("error at line %d of %d", e.Line, lines)
				}
			}
			return
		}
		for _, s := range sc.Steps {
			if s.Line < 1 || s.Line > lines {
				t.Fatalf("step at line %d of %d", s.Line, lines)
			}
			for _, c := range s.Checks {
				if c.Kind != CheckPattern {
					continue
				}
				if _, err := regexp.Compile(anchored(c.Text)); err != nil {
					t.Fatalf("Parse accepted %q, which does not compile: %v", c.Text, err)
				}
			}
		}
		h, err := ParseHeader(src)
		if err != nil {
			t.Fatalf("Parse accepts the source, ParseHeader says %v", err)
		}
		if h.Title != sc.Title || h.Summary != sc.Summary || h.Seed != sc.Seed || h.Steps != nil {
			t.Fatalf("ParseHeader = %q %q %d %d steps, Parse's header = %q %q %d", h.Title, h.Summary, h.Seed, len(h.Steps), sc.Title, sc.Summary, sc.Seed)
		}
	})
}

// TestParseHeader: the header alone, without the lines after the first
// step, which ParseHeader does not read.
func TestParseHeader(t *testing.T) {
	tests := []struct {
		name, src string
		want      Scenario
		err       string
	}{
		{"whole header", "# a lab\ntitle: T\nsummary: S\nseed: 7\n\nconnect\nS~ .*", Scenario{Title: "T", Summary: "S", Seed: 7}, ""},
		{"note before the first step", "title: T\nnote: first\ntitle: U\nconnect", Scenario{Title: "U"}, ""},
		{"only notes", "summary: S\nnote: the end", Scenario{Summary: "S"}, ""},
		{"stops at the first step", "title: T\nC: USER alice\nS~ (\nbogus", Scenario{Title: "T"}, ""},
		{"bad seed", "title: T\nseed: -1\nconnect", Scenario{}, `line 2: seed: want a non-negative whole number, got "-1"`},
		{"bad line before the first step", "title: T\nbogus\nconnect", Scenario{}, `line 2: unknown line "bogus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := ParseHeader(tt.src)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to start with %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sc.Title != tt.want.Title || sc.Summary != tt.want.Summary || sc.Seed != tt.want.Seed || sc.Steps != nil {
				t.Fatalf("ParseHeader = %+v, want %+v", *sc, tt.want)
			}
		})
	}
}
