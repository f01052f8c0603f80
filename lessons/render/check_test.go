package render

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// lessonSource builds a lesson file: valid front matter with the given
// order, then body. The body starts on line 12.
func lessonSource(order int, body string) string {
	return fmt.Sprintf(`---
title: Test lesson %d
order: %d
minutes: 5
objectives:
  - Pass the check.
secplus:
  - 1.4
  - 3.3
---

%s`, order, order, body)
}

// goodScenario logs in on port 110.
const goodScenario = "```pop3\n" + `title: Log in
connect
S~ \+OK POP3 server ready <.*>
C: USER alice
S: +OK Send your password.
C: PASS wonderland
S: +OK alice's maildrop has 5 messages (2156754 octets).
` + "```\n"

func TestCheckFindsProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{{
		name:  "a good lesson",
		files: map[string]string{"01-good.md": lessonSource(1, "# Hello\n\nSee [below](#hello).\n\n"+goodScenario)},
		want:  nil,
	}, {
		name:  "no front matter",
		files: map[string]string{"01-bare.md": "# Just markdown\n"},
		want: []string{
			`01-bare.md:1: front matter missing: the file must start with a "---" line, then title, order, minutes, objectives and secplus, then "---"`,
		},
	}, {
		name:  "front matter not closed",
		files: map[string]string{"01-open.md": "---\ntitle: Open\norder: 1\n"},
		want:  []string{`01-open.md:1: front matter not closed: want a "---" line after it`},
	}, {
		name: "bad front matter",
		files: map[string]string{"01-bad.md": `---
title: Bad
order: first
minutes: 90
level: easy
title: Again
objectives: learn things
- stray item
secplus:
  - 3.3
  - 9.9
  - 2.6
  - 3.3
---
`},
		want: []string{
			`01-bad.md:3: front matter: order: want a whole number of 1 or more, got "first"`,
			`01-bad.md:4: front matter: minutes: want a whole number from 1 to 60, got "90"`,
			`01-bad.md:5: front matter: unknown key "level": want title, order, minutes, objectives, secplus`,
			`01-bad.md:6: front matter: title given twice (first on line 2)`,
			`01-bad.md:7: front matter: objectives: want a list of "- item" lines below the key, not a value after it`,
			`01-bad.md:8: front matter: "- item" outside a list: put it under objectives: or secplus:`,
			`01-bad.md:11: front matter: secplus: "9.9" is not an SY0-701 objective (1.1-1.4, 2.1-2.5, 3.1-3.4, 4.1-4.9, 5.1-5.6)`,
			`01-bad.md:12: front matter: secplus: "2.6" is not an SY0-701 objective (1.1-1.4, 2.1-2.5, 3.1-3.4, 4.1-4.9, 5.1-5.6)`,
			`01-bad.md:13: front matter: secplus: 3.3 listed twice`,
		},
	}, {
		name:  "incomplete front matter",
		files: map[string]string{"01-short.md": "---\ntitle: Short\norder: 1\nobjectives:\nsecplus:\n  - 4.5\n---\nText.\n"},
		want: []string{
			`01-short.md:4: front matter: objectives: the list is empty`,
			`01-short.md:7: front matter: missing minutes`,
		},
	}, {
		name: "a scenario that diverges",
		files: map[string]string{"01-diverge.md": lessonSource(1, "Intro.\n\n```pop3\n"+`connect
S~ \+OK POP3 server ready <.*>
C: USER alice
S: +OK Send your password.
C: PASS wonderland
S: +OK alice's maildrop has 4 messages (2156754 octets).
`+"```\n")},
		want: []string{
			`01-diverge.md:20: pop3: the run diverged at step 3: expected "+OK alice's maildrop has 4 messages (2156754 octets).", but the server sent "+OK alice's maildrop has 5 messages (2156754 octets)."`,
		},
	}, {
		name:  "a scenario in a list item, indented",
		files: map[string]string{"01-list.md": lessonSource(1, "- Step one:\n\n  ```pop3\n  connect\n  C: USER alice\n  S: -ERR no\n  ```\n")},
		want: []string{
			`01-list.md:17: pop3: the run diverged at step 2: expected "-ERR no", but the server sent "+OK Send your password."`,
		},
	}, {
		name:  "a scenario that does not parse",
		files: map[string]string{"01-syntax.md": lessonSource(1, "```pop3\nconnect\nS: +OK\nfrobnicate\nexpect: tap sees \"x\"\n```\n")},
		want: []string{
			`01-syntax.md:15: pop3: unknown line "frobnicate": want a step (note:, server:, client:, connect, C:, S:, S~, do:, attack:, deliver:, wait:, drop, expect:) or a header (title:, summary:, seed:) before the steps`,
			`01-syntax.md:16: pop3: expect: want tap has "TEXT" | tap lacks "TEXT"`,
		},
	}, {
		name: "quizzes with mistakes",
		files: map[string]string{"01-quiz.md": lessonSource(1, "```quiz\n"+`Which port?
? Which port is POP3S?
- 110 :: Plain POP3.
- 143 :: IMAP.
? Which port is IMAPS?
+ 993 :: Implicit TLS.
- 143
+ 995 ::
? Only one answer
+ 25 :: SMTP.
? Every answer right
+ 110 :: POP3.
+ 995 :: POP3S.
? Which two? (Choose two.)
+ 110 :: POP3.
+ 995 :: POP3S.
- 25 :: SMTP.
`+"```\n\n```quiz\n```\n")},
		want: []string{
			`01-quiz.md:13: quiz: want "? question", "+ right answer :: why" or "- wrong answer :: why", got "Which port?"`,
			`01-quiz.md:14: quiz: the question has no correct answer: mark the right ones with "+"`,
			`01-quiz.md:19: quiz: answer without an explanation: write "answer :: why it is right or wrong"`,
			`01-quiz.md:20: quiz: empty explanation after "::"`,
			`01-quiz.md:21: quiz: the question has 1 answer(s): want at least 2`,
			`01-quiz.md:23: quiz: every answer is marked correct: mark the wrong ones with "-"`,
			`01-quiz.md:26: quiz: leave out "(Choose N.)": it is added to questions with several right answers`,
			`01-quiz.md:32: quiz: no questions`,
		},
	}, {
		name: "raw HTML",
		files: map[string]string{"01-html.md": lessonSource(1, `Some text.

<script>alert("hi")</script>

Inline <img src=x onerror=alert(1)> too, but `+"`<b>`"+` in code is fine.
`)},
		want: []string{
			`01-html.md:14: raw HTML is not allowed (goldmark leaves it out): "<script>alert(\"hi\")</script>"; write it in a ` + "`code span`" + ` or as text`,
			`01-html.md:16: raw HTML is not allowed (goldmark leaves it out): "<img src=x onerror=alert(1)>"; write it in a ` + "`code span`" + ` or as text`,
		},
	}, {
		name: "dangerous and foreign links",
		files: map[string]string{"01-links.md": lessonSource(1, `[click](javascript:alert(1)) and
[data](data:text/html;base64,PHNjcmlwdD4=)

[upper](JavaScript:alert(1)) <vbscript:msgbox(1)>
[ftp](ftp://example.com/x) [fine](https://example.com/) <mailto:sec@example.com>
[proto](//evil.example/) ![img](local.png) [other](../README.md)

![remote](https://example.com/x.png)
`)},
		want: []string{
			`01-links.md:12: link to "javascript:alert(1)": javascript: URLs are not allowed (they can run code); use http, https, mailto or a relative link`,
			`01-links.md:13: link to "data:text/html;base64,PHNjcmlwdD4=": data: URLs are not allowed (they can run code); use http, https, mailto or a relative link`,
			`01-links.md:15: link to "JavaScript:alert(1)": javascript: URLs are not allowed (they can run code); use http, https, mailto or a relative link`,
			`01-links.md:15: link to "vbscript:msgbox(1)": vbscript: URLs are not allowed (they can run code); use http, https, mailto or a relative link`,
			`01-links.md:16: link to "ftp://example.com/x": the ftp: scheme is not allowed; use http, https, mailto or a relative link`,
			`01-links.md:17: link to "//evil.example/": write the scheme (https://) or a relative link to a lesson`,
			`01-links.md:17: image "local.png": lessons have no images (the build publishes none, and the pages' Content-Security-Policy blocks remote ones); describe it in text or a table`,
			`01-links.md:17: link to "../README.md": a relative link must name a lesson file (NAME.md) in the course folder`,
			`01-links.md:19: image "https://example.com/x.png": lessons have no images (the build publishes none, and the pages' Content-Security-Policy blocks remote ones); describe it in text or a table`,
		},
	}, {
		name: "dangling internal links",
		files: map[string]string{
			"01-a.md": lessonSource(1, "## Ports\n\nSee [b](02-b.md), [b's section](02-b.md#states), [missing](03-c.md),\n[nowhere](02-b.md#nowhere) and [here](#port).\n"),
			"02-b.md": lessonSource(2, "## States\n\nBack to [a](01-a.md#ports).\n"),
		},
		want: []string{
			`01-a.md:14: link to "03-c.md": there is no lesson 03-c.md in the course folder`,
			`01-a.md:15: link to #port: no heading in this lesson has that ID (headings: #ports)`,
			`01-a.md:15: link to "02-b.md#nowhere": 02-b.md has no heading with the ID "nowhere" (headings: #states)`,
		},
	}, {
		name: "duplicate order",
		files: map[string]string{
			"01-a.md": lessonSource(1, "A.\n"),
			"02-b.md": lessonSource(1, "B.\n"),
		},
		want: []string{`02-b.md:3: front matter: order 1 is also the order of 01-a.md`},
	}, {
		name: "cards with mistakes",
		files: map[string]string{
			"01-a.md": lessonSource(1, "```cards\nPOP3 :: Retrieval.\npop3 :: Again.\nno separator\n:: no term\n@include 09-z.md\n@include ../x.md\n```\n"),
		},
		want: []string{
			`01-a.md:14: cards: the term "pop3" repeats the card on line 13`,
			`01-a.md:15: cards: want "Term :: Explanation", got "no separator"`,
			`01-a.md:16: cards: empty term before "::"`,
			`01-a.md:18: cards: want "@include NAME.md", a lesson in the course folder, got "@include ../x.md"`,
		},
	}, {
		name: "a card include that does not resolve",
		files: map[string]string{
			"01-a.md": lessonSource(1, "```cards\n@include 09-z.md\n@include 01-a.md\n```\n"),
		},
		want: []string{
			`01-a.md:13: cards: @include 09-z.md: there is no such lesson in the course folder`,
			`01-a.md:14: cards: @include 01-a.md: a lesson cannot include its own cards`,
		},
	}, {
		// The scenario has 3 steps (connect, USER, PASS); the fence of the
		// first bytes block is on line 22.
		name: "bytes blocks with mistakes",
		files: map[string]string{
			"01-a.md": lessonSource(1, goodScenario+"\n```bytes\nstep: 3\nshow: password\ncaption: PASS\n```\n"+
				"\n```bytes\nscenario: 2\nstep: 9\nshow: the key\nwhat: x\nstep: 1\n```\n"+
				"\n```bytes\nscenario: 2\nstep: 9\nshow: user name\ncaption: USER\n```\n"+
				"\n```bytes\nscenario: 1\nstep: 0\n```\n"+
				"\n```bytes\nshow: password\n```\n"),
		},
		want: []string{
			`01-a.md:31: bytes: show: want one of ["password" "user name" "server name" "message sizes"], got "the key"`,
			`01-a.md:32: bytes: want "scenario:", "step:", "show:" or "caption:", got "what: x"`,
			`01-a.md:33: bytes: step given twice (first on line 30)`,
			`01-a.md:37: bytes: scenario 2: the lesson has 1 pop3 blocks`,
			`01-a.md:45: bytes: step: want a whole number from 1, got "0"`,
			`01-a.md:48: bytes: missing step`,
			`01-a.md:48: bytes: missing caption`,
		},
	}, {
		name: "a bytes block past the scenario's end",
		files: map[string]string{
			"01-a.md": lessonSource(1, goodScenario+"\n```bytes\nstep: 6\nshow: password\ncaption: PASS\n```\n"),
		},
		want: []string{`01-a.md:23: bytes: step 6: scenario 1 has 3 steps`},
	}, {
		// The bytes fences are on lines 22, 28, 34 and 40.
		name: "bytes blocks that find what they show",
		files: map[string]string{
			"01-a.md": lessonSource(1, goodScenario+"\n```bytes\nstep: 3\nshow: password\ncaption: PASS\n```\n"+
				"\n```bytes\nstep: 2\nshow: user name\ncaption: USER\n```\n"),
		},
		want: nil,
	}, {
		name: "bytes blocks whose show finds nothing at their step",
		files: map[string]string{
			"01-a.md": lessonSource(1, goodScenario+"\n```bytes\nstep: 2\nshow: password\ncaption: not yet\n```\n"+
				"\n```bytes\nstep: 3\nshow: server name\ncaption: no TLS\n```\n"+
				"\n```bytes\nscenario: 1\nstep: 1\nshow: message sizes\ncaption: no LIST\n```\n"),
		},
		want: []string{
			`01-a.md:22: bytes: at step 2 connection 1 gives no password away (no)`,
			`01-a.md:28: bytes: at step 3 connection 1 gives no server name away (no ClientHello names it)`,
			`01-a.md:34: bytes: at step 1 connection 1 gives no message sizes away (no)`,
		},
	}, {
		// Steps: client:, connect, USER, PASS.
		name: "a bytes block at a step before any connection",
		files: map[string]string{
			"01-a.md": lessonSource(1, "```pop3\nclient: tls=none\nconnect\nC: USER alice\nS: +OK Send your password.\n```\n"+
				"\n```bytes\nstep: 1\nshow: user name\ncaption: too early\n```\n"+
				"\n```bytes\nstep: 3\nshow: user name\ncaption: USER\n```\n"),
		},
		want: []string{`01-a.md:19: bytes: by step 1 the scenario has made no connection`},
	}, {
		// The run diverges at step 3: that is the pop3 block's problem,
		// and a bytes block at or after it is not looked at.
		name: "a bytes block past a divergence",
		files: map[string]string{
			"01-a.md": lessonSource(1, strings.Replace(goodScenario, "5 messages", "4 messages", 1)+
				"\n```bytes\nstep: 3\nshow: password\ncaption: PASS\n```\n"+
				"\n```bytes\nstep: 3\nshow: server name\ncaption: no TLS\n```\n"),
		},
		want: []string{
			`01-a.md:19: pop3: the run diverged at step 3: expected "+OK alice's maildrop has 4 messages (2156754 octets).", but the server sent "+OK alice's maildrop has 5 messages (2156754 octets)."`,
		},
	}, {
		name:  "a bad file name",
		files: map[string]string{"Lesson One.md": lessonSource(1, "Text.\n")},
		want:  []string{`Lesson One.md: file name: want lower-case letters, digits and hyphens, ending in .md, such as 03-the-commands.md`},
	}, {
		name:  "an empty folder",
		files: map[string]string{"README.txt": "not a lesson"},
		want:  []string{`.: no lessons: want one NAME.md file per lesson`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, src := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(src)}
			}
			var got []string
			for _, p := range Check(fsys) {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Check:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
		})
	}
}
