package render

import (
	"strings"
	"testing"
	"testing/fstest"

	"pop3lab/lessons"
)

func TestQuizHTML(t *testing.T) {
	src := lessonSource(1, "```quiz\n"+`? Which port does POP3 over implicit TLS use?
- 110 :: Plain POP3; STLS may upgrade it.
+ 995 :: POP3S, implicit TLS (RFC 8314).

? Which are retrieval protocols? (<b> stays text)
+ POP3 :: Downloads mail.
+ IMAP :: Works on mail on the server.
- `+"`SMTP`"+` :: Sends & relays.
`+"```\n")
	l, err := Parse("01-quiz.md", src)
	if err != nil {
		t.Fatal(err)
	}
	want := `<form class="quiz" data-quiz-id="01-quiz-quiz-1">
<fieldset class="question"><legend><span class="question-number">1.</span> Which port does POP3 over implicit TLS use?</legend>
<div class="answer"><label><input type="radio" name="01-quiz-quiz-1-q1" value="0"> 110</label><p class="explanation" hidden>Plain POP3; STLS may upgrade it.</p></div>
<div class="answer"><label><input type="radio" name="01-quiz-quiz-1-q1" value="1"> 995</label><p class="explanation" hidden>POP3S, implicit TLS (RFC 8314).</p></div>
<p class="question-result" aria-live="polite"></p></fieldset>
<fieldset class="question"><legend><span class="question-number">2.</span> Which are retrieval protocols? (&lt;b&gt; stays text) <span class="choose">(Choose two.)</span></legend>
<div class="answer"><label><input type="checkbox" name="01-quiz-quiz-1-q2" value="0"> POP3</label><p class="explanation" hidden>Downloads mail.</p></div>
<div class="answer"><label><input type="checkbox" name="01-quiz-quiz-1-q2" value="1"> IMAP</label><p class="explanation" hidden>Works on mail on the server.</p></div>
<div class="answer"><label><input type="checkbox" name="01-quiz-quiz-1-q2" value="2"> <code>SMTP</code></label><p class="explanation" hidden>Sends &amp; relays.</p></div>
<p class="question-result" aria-live="polite"></p></fieldset>
<button type="submit">Check</button> <output class="quiz-result" aria-live="polite"></output>
</form>
`
	if !strings.Contains(l.HTML, want) {
		t.Errorf("quiz HTML:\n%s\nwant it to contain:\n%s", l.HTML, want)
	}
	if len(l.Quizzes) != 1 || len(l.Quizzes[0].Questions) != 2 {
		t.Fatalf("Quizzes = %+v", l.Quizzes)
	}
	q := l.Quizzes[0].Questions[1]
	if q.Line != 17 || !q.Multiple() || q.Answers[2].Text != "`SMTP`" || q.Answers[2].Correct {
		t.Errorf("question 2 = %+v", q)
	}
	for _, tt := range []struct {
		chosen []int
		right  bool
	}{{[]int{0, 1}, true}, {[]int{1, 0}, true}, {[]int{0}, false}, {[]int{0, 1, 2}, false}, {[]int{0, 0}, false}, {[]int{5}, false}, {nil, false}} {
		if got := q.IsRight(tt.chosen); got != tt.right {
			t.Errorf("IsRight(%v) = %v, want %v", tt.chosen, got, tt.right)
		}
	}
}

func TestCardsHTML(t *testing.T) {
	src := lessonSource(1, "```cards\nPOP3S :: POP3 over implicit TLS, port `995`.\nA <b> & B :: Escaped: <i>.\n```\n")
	l, err := Parse("07-tls.md", src)
	if err != nil {
		t.Fatal(err)
	}
	want := `<dl class="cards" data-deck="07-tls">
<div class="card" data-card="07-tls/pop3s"><dt>POP3S</dt><dd>POP3 over implicit TLS, port <code>995</code>.</dd></div>
<div class="card" data-card="07-tls/a-b-b"><dt>A &lt;b&gt; &amp; B</dt><dd>Escaped: &lt;i&gt;.</dd></div>
</dl>
`
	if !strings.Contains(l.HTML, want) {
		t.Errorf("cards HTML:\n%s\nwant it to contain:\n%s", l.HTML, want)
	}
	wantCards := []lessons.Card{
		{ID: "07-tls/pop3s", Deck: "07-tls", Term: "POP3S", Explanation: "POP3 over implicit TLS, port `995`.", Line: 13},
		{ID: "07-tls/a-b-b", Deck: "07-tls", Term: "A <b> & B", Explanation: "Escaped: <i>.", Line: 14},
	}
	if len(l.Cards) != len(wantCards) {
		t.Fatalf("Cards = %+v", l.Cards)
	}
	for i := range wantCards {
		if l.Cards[i] != wantCards[i] {
			t.Errorf("card %d = %+v, want %+v", i, l.Cards[i], wantCards[i])
		}
	}
}

func TestScenarioHTMLEscapes(t *testing.T) {
	src := lessonSource(1, "```pop3\n"+`title: <script>alert("title")</script>
note: A note with <script>alert(1)</script> & more.
connect
S~ \+OK POP3 server ready <.*>
C: USER <script>
S: +OK Send your password.
expect: tap has "</textarea><script>"
`+"```\n")
	l, err := Parse("01-x.md", src)
	if err != nil {
		t.Fatal(err)
	}
	want := `<figure class="scenario" data-scenario-id="01-x-1"><figcaption>&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;</figcaption><pre class="transcript"><code><span class="note"># A note with &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.</span>
<span class="step">[connect to port 110]</span>
<span class="s">S: +OK POP3 server ready &lt;…&gt;</span>
<span class="c">C: USER &lt;script&gt;</span>
<span class="s">S: +OK Send your password.</span>
<span class="check">✓ the eavesdropper sees &#34;&lt;/textarea&gt;&lt;script&gt;&#34;</span>
</code></pre><textarea class="scenario-source" hidden readonly>
title: &lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;
note: A note with &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.
connect
S~ \+OK POP3 server ready &lt;.*&gt;
C: USER &lt;script&gt;
S: +OK Send your password.
expect: tap has &#34;&lt;/textarea&gt;&lt;script&gt;&#34;
</textarea><button type="button" class="run-scenario" disabled>Run in simulator</button></figure>
`
	if !strings.Contains(l.HTML, want) {
		t.Errorf("scenario HTML:\n%s\nwant it to contain:\n%s", l.HTML, want)
	}
	if strings.Contains(l.HTML, "<script") {
		t.Errorf("HTML holds a script tag:\n%s", l.HTML)
	}
	if len(l.Scenarios) != 1 || l.Scenarios[0].ID != "01-x-1" || l.Scenarios[0].Line != 12 || l.Scenarios[0].Parsed() == nil {
		t.Errorf("Scenarios = %+v", l.Scenarios)
	}
	if d := parseDoc("01-x.md", src); len(d.scenarios) != 1 || d.scenarios[0].markdownLine(5) != 17 {
		t.Errorf("line 5 of the scenario is not line 17 of the lesson: %+v", d.scenarios)
	}
}

func TestTranscriptDescribesSteps(t *testing.T) {
	src := "```pop3\n" + `server: unsafe-stls=on
client: tls=implicit auth=apop
connect
S: ...
client: tls=none
connect
C: QUIT
attack: inject "CAPA"
attack: strip-stls
attack: replay-apop
attack: off
deliver: Hello | World
wait: 90s
drop
do: get-mail
do: preview
expect: fetched 1
expect: local messages 2
expect: server messages 1
expect: server ran "CAPA"
expect: server discarded "CAPA"
expect: state CLOSED
expect: state TRANSACTION
expect: closed
expect: tls off
expect: tap lacks "PASS"
expect: warning "STLS"
note: The end.
` + "```\n"
	l, err := Parse("01-t.md", lessonSource(1, src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range transcript(l.Scenarios[0].Parsed()) {
		got = append(got, line.class+" "+line.text)
	}
	want := []string{
		"step [server settings: unsafe-stls=on]",
		"step [client settings: tls=implicit auth=apop]",
		"step [connect to port 995: TLS from the first byte]",
		"s S: …",
		"step [client settings: tls=none]",
		"step [connect to port 110]",
		"c C: QUIT",
		`step [attacker: add "CAPA" after the client's next STLS]`,
		"step [attacker: remove STLS from CAPA and refuse STLS]",
		"step [attacker: replay the captured APOP line on a new connection]",
		"step [attacker: off]",
		`step [a message arrives: "Hello"]`,
		"step [1m30s pass]",
		"step [the connection drops without QUIT]",
		"step [mail client: Get mail]",
		"step [mail client: Preview headers]",
		"check ✓ the mail client downloaded 1 message",
		"check ✓ 2 messages in the mail client's local mailbox",
		"check ✓ 1 message on the server",
		`check ✓ the server ran "CAPA"`,
		`check ✓ the server discarded "CAPA"`,
		"check ✓ the connection is closed",
		"check ✓ the session is in the TRANSACTION state",
		"check ✓ the connection is closed",
		"check ✓ TLS is off",
		`check ✓ the eavesdropper does not see "PASS"`,
		`check ✓ the mail client warns "STLS"`,
		"note # The end.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("transcript:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHumanPattern(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`\+OK POP3 server ready <.*>`, "+OK POP3 server ready <…>"},
		{`\+OK [0-9]+ octets`, "+OK … octets"},
		{`-ERR \[LOGIN-DELAY\] Logged in too recently; wait [0-9]+ seconds\.`, "-ERR [LOGIN-DELAY] Logged in too recently; wait … seconds."},
		{`(a|b)[0-9]+x`, "…x"},
		{`^\+OK$`, "+OK"},
	} {
		if got := humanPattern(tt.in); got != tt.want {
			t.Errorf("humanPattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRenderingNeutralises checks what goldmark's safe defaults and the
// link rules leave of raw HTML and dangerous links, for a lesson that
// Check would reject but an author may still preview.
func TestRenderingNeutralises(t *testing.T) {
	d := parseDoc("01-x.md", lessonSource(1, `# Title

<script>alert(1)</script>

Text <script>alert(2)</script> and <img src=x onerror=alert(3)>.

[js](javascript:alert(4)) [JS](  JavaScript:alert(5)) [data](data:text/html,<script>alert(6)</script>)
<javascript:alert(7)> [vb](vbscript:x) ![img](javascript:alert(8)) [tab](java	script:alert(9))
[ok](https://example.com/a?b=1&c=2) [lesson](02-next.md#part) [anchor](#title) <mailto:a@example.com>
`))
	body, err := d.render()
	if err != nil {
		t.Fatal(err)
	}
	// The neutralised links stay as text; no element may carry them.
	for _, bad := range []string{"<script", "<img", "onerror=", `href="javascript`, `href="JavaScript`, `href="data`, `href="vbscript`, `src=`, `href=""`} {
		if strings.Contains(body, bad) {
			t.Errorf("rendered HTML holds %q:\n%s", bad, body)
		}
	}
	for _, good := range []string{
		`<a href="https://example.com/a?b=1&amp;c=2">ok</a>`,
		`<a href="02-next.html#part" data-lesson="02-next">lesson</a>`,
		`<a href="#title">anchor</a>`,
		`<a href="mailto:a@example.com">mailto:a@example.com</a>`,
		"javascript:alert(7) vb img",
		`<h1 id="title">Title</h1>`,
		`<!-- raw HTML omitted -->`,
		"js JS data",
	} {
		if !strings.Contains(body, good) {
			t.Errorf("rendered HTML lacks %q:\n%s", good, body)
		}
	}
}

func TestParse(t *testing.T) {
	l, err := Parse("03-commands.md", lessonSource(3, "## The \"STAT\" command\n\nIt's -- simply -- [the count](#the-stat-command).\n\n"+goodScenario))
	if err != nil {
		t.Fatal(err)
	}
	if l.Slug != "03-commands" || l.Title != "Test lesson 3" || l.Order != 3 || l.Minutes != 5 ||
		strings.Join(l.Objectives, "|") != "Pass the check." || strings.Join(l.SecPlus, "|") != "1.4|3.3" {
		t.Errorf("Parse = %+v", l)
	}
	for _, want := range []string{
		`<article class="lesson" data-lesson="03-commands">`,
		"<h1>Test lesson 3</h1>",
		`<p class="lesson-meta">Lesson 3 · about 5 minutes</p>`,
		"<li>Pass the check.</li>",
		`<li><span class="objective-number">3.3</span> Compare and contrast concepts and strategies to protect data.</li>`,
		`<h2 id="the-stat-command">The &ldquo;STAT&rdquo; command</h2>`,
		`It&rsquo;s &ndash; simply &ndash; <a href="#the-stat-command">the count</a>.`,
		`<figcaption>Log in</figcaption>`,
	} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, l.HTML)
		}
	}
	// Front matter and nothing else, without a final newline.
	if l, err := Parse("04-empty.md", "---\ntitle: Empty\norder: 4\nminutes: 1\nobjectives:\n- None.\nsecplus:\n- 5.6\n---"); err != nil || l.Title != "Empty" {
		t.Errorf("Parse of front matter alone = %+v, %v", l, err)
	}
	if _, err := Parse("03-commands.md", "no front matter"); err == nil || err.Error() != `03-commands.md:1: front matter missing: the file must start with a "---" line, then title, order, minutes, objectives and secplus, then "---"` {
		t.Errorf("Parse without front matter: %v", err)
	}
}

func TestLoadIncludesCardsAndOrders(t *testing.T) {
	fsys := fstest.MapFS{
		"b.md":        {Data: []byte(lessonSource(2, "```cards\nUIDL :: Unique IDs.\n```\n"))},
		"a.md":        {Data: []byte(lessonSource(1, "```cards\nPOP3 :: Retrieval.\n```\n"))},
		"review.md":   {Data: []byte(lessonSource(3, "```cards\nReview :: All of it.\n@include a.md\n@include b.md\n```\n"))},
		"notes.txt":   {Data: []byte("ignored")},
		"sub/skip.md": {Data: []byte("ignored: only the top of the folder counts")},
	}
	course, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, l := range course {
		slugs = append(slugs, l.Slug)
	}
	if strings.Join(slugs, " ") != "a b review" {
		t.Errorf("order = %v", slugs)
	}
	var ids []string
	for _, c := range course[2].Cards {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, " ") != "review/review a/pop3 b/uidl" {
		t.Errorf("review cards = %v", ids)
	}
	if !strings.Contains(course[2].HTML, `<div class="card" data-card="a/pop3"><dt>POP3</dt><dd>Retrieval.</dd></div>`) {
		t.Errorf("review HTML lacks the included card:\n%s", course[2].HTML)
	}
	page := lessons.RenderPage(course[1], course)
	for _, want := range []string{
		`<li><a href="b.html" aria-current="page">Test lesson 2</a> <span class="minutes">5 min</span></li>`,
		`<a rel="prev" href="a.html" data-lesson="a">← Test lesson 1</a>`,
		`<a rel="next" href="review.html" data-lesson="review">Next: lesson 3, Test lesson 3 →</a>`,
		course[1].HTML,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("RenderPage lacks %q:\n%s", want, page)
		}
	}
	for _, tt := range []struct {
		prev, next *lessons.Lesson
		want       string
	}{
		{nil, nil, ""},
		{nil, course[0], `<nav class="lesson-pager" aria-label="Previous and next lesson">` + "\n" + `<a rel="next" href="lessons/a.html" data-lesson="a">Next: lesson 1, Test lesson 1 →</a>` + "\n</nav>\n"},
		{course[2], nil, `<nav class="lesson-pager" aria-label="Previous and next lesson">` + "\n" + `<a rel="prev" href="lessons/review.html" data-lesson="review">← Test lesson 3</a>` + "\n</nav>\n"},
	} {
		if got := lessons.Pager(tt.prev, tt.next, "lessons/"); got != tt.want {
			t.Errorf("Pager = %q, want %q", got, tt.want)
		}
	}
	if got, want := lessons.StartLink(course[0], "lessons/"), `<nav class="lesson-pager" aria-label="Start the course">`+"\n"+`<a rel="next" href="lessons/a.html" data-lesson="a">Start lesson 1: Test lesson 1 →</a>`+"\n</nav>\n"; got != want {
		t.Errorf("StartLink = %q, want %q", got, want)
	}
}

// TestTablesScroll: every table sits in a focusable region named by its
// headings, that scrolls sideways instead of squeezing the columns.
func TestTablesScroll(t *testing.T) {
	src := lessonSource(1, "| Port | `Protocol` |\n|---|---|\n| 110 | POP3 |\n\ntext\n\n| A |\n|---|\n| <b> |\n")
	if _, err := Parse("01-t.md", src); err == nil {
		t.Fatal("raw HTML in a table cell was accepted")
	}
	src = strings.Replace(src, "<b>", "b", 1)
	l, err := Parse("01-t.md", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<div class="table-scroll" role="region" tabindex="0" aria-label="Table: Port, Protocol"><table>` + "\n<thead>",
		"</table></div>\n<p>text</p>",
		`<div class="table-scroll" role="region" tabindex="0" aria-label="Table: A"><table>`,
	} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, l.HTML)
		}
	}
	if n := strings.Count(l.HTML, `class="table-scroll"`); n != 2 {
		t.Errorf("%d wrapped tables, want 2", n)
	}
}

func TestObjectives(t *testing.T) {
	all := Objectives()
	if len(all) != 28 || all[0].Number != "1.1" || all[27].Number != "5.6" {
		t.Errorf("Objectives = %v", all)
	}
	o, ok := LookupObjective("4.5")
	if !ok || o.Title != "Given a scenario, modify enterprise capabilities to enhance security." || o.Domain() != "Security Operations" {
		t.Errorf("LookupObjective(4.5) = %+v, %v", o, ok)
	}
	if _, ok := LookupObjective("6.1"); ok {
		t.Error("6.1 is not an objective")
	}
}

func TestByteLinkHTML(t *testing.T) {
	src := lessonSource(1, "```bytes\nscenario: 2\nstep: 3\nshow: server name\ncaption: The <b>SNI</b> & more\n```\n\n"+
		goodScenario+"\n```pop3\ntitle: Second <lab>\nconnect\nC: CAPA\nC: STLS\n```\n")
	l, err := Parse("01-x.md", src)
	if err != nil {
		t.Fatal(err)
	}
	want := `<p class="byte-link"><button type="button" class="open-bytes" data-byte-link="01-x-bytes-1" disabled>The &lt;b&gt;SNI&lt;/b&gt; &amp; more</button> <span class="meta">runs “Second &lt;lab&gt;” to step 3 and opens the byte view</span></p>` + "\n"
	if !strings.Contains(l.HTML, want) {
		t.Errorf("bytes HTML:\n%s\nwant it to contain:\n%s", l.HTML, want)
	}
	wantLink := lessons.ByteLink{ID: "01-x-bytes-1", Scenario: "01-x-2", Step: 3, Show: "server name", Caption: "The <b>SNI</b> & more", Line: 12}
	if len(l.ByteLinks) != 1 {
		t.Fatalf("ByteLinks = %+v", l.ByteLinks)
	}
	got := l.ByteLinks[0]
	if got.ID != wantLink.ID || got.Scenario != wantLink.Scenario || got.Step != wantLink.Step || got.Show != wantLink.Show || got.Caption != wantLink.Caption || got.Line != wantLink.Line {
		t.Errorf("ByteLinks[0] = %+v, want %+v", got, wantLink)
	}
}
