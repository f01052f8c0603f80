//go:build !js

package web_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// These tests drive the app as a learner does, in headless Chromium, and
// assert what every panel shows. They share the harness of
// browser_test.go.

// js evaluates an expression in the tab.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", expr, err, diagnose(ctx))
	}
	return v
}

// jsAwait evaluates an expression that gives a promise and waits for it.
func jsAwait[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }))
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", expr, err, diagnose(ctx))
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v%s", what, err, diagnose(ctx))
	}
}

// typeLines submits lines to the terminal from the page, each after the
// answer to the one before: faster than typeCommand for hundreds of them.
func typeLines(tb testing.TB, ctx context.Context, lines []string) {
	tb.Helper()
	list, err := json.Marshal(lines)
	if err != nil {
		tb.Fatal(err)
	}
	const send = `(async lines => {
		const input = document.getElementById("terminal-input");
		const form = document.getElementById("terminal-form");
		const html = document.documentElement;
		for (const line of lines) {
			await new Promise(ok => {
				const want = String(Number(html.dataset.typed || "0") + 1);
				const seen = new MutationObserver(() => { if (html.dataset.typed === want) { seen.disconnect(); ok(); } });
				seen.observe(html, {attributes: true});
				input.value = line;
				form.requestSubmit();
			});
		}
		return true;
	})`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](send+"("+string(list)+")", chromedp.EvalAwaitPromise)); err != nil {
		tb.Fatalf("typing %d lines: %v%s", len(lines), err, diagnose(ctx))
	}
}

// typeCommand types a line into the terminal ("POP3 command") and presses
// Enter, then waits until the app has answered it.
func typeCommand(t *testing.T, ctx context.Context, line string) {
	t.Helper()
	before := js[string](t, ctx, `document.documentElement.dataset.typed || "0"`)
	n, _ := strconv.Atoi(before)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[aria-label="POP3 command"]`), line+"\r")); err != nil {
		t.Fatalf("typing %q: %v", line, err)
	}
	waitFor(t, ctx, "the answer to "+line, `document.documentElement.dataset.typed === "`+strconv.Itoa(n+1)+`"`)
}

func terminalText(t *testing.T, ctx context.Context) string {
	return js[string](t, ctx, `document.querySelector('[role="log"]').innerText`)
}

// serverRows returns the server maildrop table as "number|subject|status"
// lines, and whether each row is struck through.
func serverRows(t *testing.T, ctx context.Context) []string {
	return js[[]string](t, ctx, `(() => {
		const table = [...document.querySelectorAll("table")].find(t => t.caption && t.caption.textContent === "Server maildrop");
		return [...table.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent).filter((_, i) => i == 0 || i == 4 || i == 5).join("|")
			+ (getComputedStyle(r.cells[4]).textDecorationLine.includes("line-through") ? "|struck" : ""));
	})()`)
}

func currentState(t *testing.T, ctx context.Context) string {
	return js[string](t, ctx, `(() => { const li = document.querySelector('#state-machine li[aria-current="step"]'); return li ? li.dataset.state : ""; })()`)
}

// TestTerminalSession logs in through the terminal, lists, retrieves,
// deletes and quits, checking the terminal, the server panel and the state
// machine at each step.
func TestTerminalSession(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	if got := currentState(t, ctx); got != "AUTHORIZATION" {
		t.Fatalf("state after USER: %q", got)
	}
	typeCommand(t, ctx, "PASS wonderland")
	if got := currentState(t, ctx); got != "TRANSACTION" {
		t.Fatalf("state after PASS: %q", got)
	}
	if lock := js[string](t, ctx, `document.getElementById("lock-status").textContent`); lock != "maildrop locked by a session" {
		t.Fatalf("lock badge: %q", lock)
	}
	typeCommand(t, ctx, "LIST")
	typeCommand(t, ctx, "RETR 3")
	typeCommand(t, ctx, "DELE 1")
	term := terminalText(t, ctx)
	for _, want := range []string{
		"S: +OK POP3 server ready <",
		"C: USER alice\nS: +OK Send your password.",
		"C: PASS wonderland\nS: +OK alice's maildrop has 5 messages (2156754 octets).",
		"C: LIST\nS: +OK 5 messages (2156754 octets)\nS: 1 956\nS: 2 1324\nS: 3 598\nS: 4 872\nS: 5 2153004\nS: .",
		"S: ..bashrc",
		"C: DELE 1\nS: +OK Message 1 marked for deletion.",
	} {
		if !strings.Contains(term, want) {
			t.Fatalf("terminal lacks %q:\n%s", want, term)
		}
	}
	rows := serverRows(t, ctx)
	if len(rows) != 5 || rows[0] != "1|Welcome to the POP3 lab|marked for deletion|struck" || rows[1] != "2|URGENT: your mailbox will be suspended in 24 hours|on server" {
		t.Fatalf("server maildrop rows: %q", rows)
	}
	screenshot(t, ctx, "terminal-transaction")
	typeCommand(t, ctx, "QUIT")
	if !strings.Contains(terminalText(t, ctx), "C: QUIT\nS: +OK Logging out; 1 message deleted.") {
		t.Fatalf("QUIT answer missing:\n%s", terminalText(t, ctx))
	}
	rows = serverRows(t, ctx)
	if len(rows) != 4 || !strings.HasPrefix(rows[0], "1|URGENT") {
		t.Fatalf("after QUIT the maildrop is %q", rows)
	}
	// RFC 1939 §6: QUIT in TRANSACTION enters UPDATE, which commits,
	// then the connection closes.
	if got := currentState(t, ctx); got != "closed" {
		t.Fatalf("state after QUIT: %q", got)
	}
	if ran := js[bool](t, ctx, `document.querySelector('#state-machine li[data-state="UPDATE"]').hasAttribute("data-ran")`); !ran {
		t.Fatal("the state machine does not show that UPDATE ran")
	}
	if got := js[string](t, ctx, `document.getElementById("update-summary").textContent`); got != "UPDATE (connection 1) deleted message 1. Numbers are per session: at the next login, message 2 is numbered 1; its UID stays the same." {
		t.Fatalf("UPDATE summary: %q", got)
	}
	if !strings.Contains(terminalText(t, ctx), "S: +OK Logging out; 1 message deleted.\n-- UPDATE: ") {
		t.Fatalf("the terminal does not say what UPDATE did:\n%s", terminalText(t, ctx))
	}
	// The wire panel showed the password in the clear, highlighted.
	if secret := js[string](t, ctx, `(document.querySelector("#wire-log mark.secret") || {}).textContent || ""`); secret != "wonderland" {
		t.Fatalf("highlighted credential on the wire: %q", secret)
	}
	// The sequence diagram has an arrow per command and response.
	// The greeting, then six commands and their answers.
	if n := js[int](t, ctx, `document.querySelectorAll("#sequence button.arrow").length`); n != 13 {
		t.Fatalf("%d arrows in the sequence diagram", n)
	}
	js[bool](t, ctx, `document.querySelector("#sequence button.arrow.c2s").dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
	waitFor(t, ctx, "the bytes of an arrow", `document.getElementById("arrow-bytes").textContent.includes("55 53 45 52")`)
}

// TestGetMailLeaveOnServerTwice: two Get mail runs with "leave on server"
// download each message once (UIDL bookkeeping).
func TestGetMailLeaveOnServerTwice(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("set-leave"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the setting", `document.querySelector("#client-report") !== null && document.documentElement.dataset.step === "1"`)
	for run := 1; run <= 2; run++ {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("btn-getmail"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "Get mail", `document.documentElement.dataset.step === "`+strconv.Itoa(1+run)+`"`)
	}
	local := js[int](t, ctx, `document.querySelectorAll("#local-mailbox tbody tr").length`)
	if local != 5 {
		t.Fatalf("%d messages in the local mailbox after two runs, want 5", local)
	}
	report := js[string](t, ctx, `document.getElementById("client-report").innerText`)
	if !strings.Contains(report, "UIDL: 5 unique ids; 5 already downloaded, 0 new.") {
		t.Fatalf("second run's report:\n%s", report)
	}
	if server := len(serverRows(t, ctx)); server != 5 {
		t.Fatalf("leave on server left %d messages on the server", server)
	}
	screenshot(t, ctx, "mail-client-leave-on-server")
}

// TestSniffingLab steps the sniffing lab: the wire panel shows the
// password in plaintext on port 110 and only TLS records after STLS.
func TestSniffingLab(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="sniffing"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the lab", `!document.getElementById("narration").hidden`)
	// Step until the first connection is closed (part 1 done).
	for i := 0; i < 40 && !strings.Contains(terminalText(t, ctx), "+OK Logging out; no messages deleted."); i++ {
		chromedp.Do(ctx, chromedp.KeyEvent("n"))
		time.Sleep(60 * time.Millisecond)
	}
	if secret := js[string](t, ctx, `(document.querySelector("#wire-log mark.secret") || {}).textContent || ""`); secret != "wonderland" {
		t.Fatalf("part 1: credential on the wire %q", secret)
	}
	screenshot(t, ctx, "lab-sniffing-plaintext")
	// Part 2: STLS, then the login crosses inside TLS.
	for i := 0; i < 40 && strings.Count(terminalText(t, ctx), "C: PASS wonderland") < 2; i++ {
		chromedp.Do(ctx, chromedp.KeyEvent("n"))
		time.Sleep(60 * time.Millisecond)
	}
	conn2 := js[string](t, ctx, `[...document.querySelectorAll("#wire-log li")].filter(li => li.textContent.startsWith("conn 2")).map(li => li.textContent).join("\n")`)
	if strings.Contains(conn2, "wonderland") || !strings.Contains(conn2, "TLS application_data") || !strings.Contains(conn2, "STLS") {
		t.Fatalf("part 2: what the eavesdropper saw on connection 2:\n%s", conn2)
	}
	screenshot(t, ctx, "lab-sniffing-stls")
}

// TestReloadKeepsTheSandbox: the sandbox survives a reload (IndexedDB).
func TestReloadKeepsTheSandbox(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	for _, l := range []string{"USER alice", "PASS wonderland", "DELE 2", "QUIT"} {
		typeCommand(t, ctx, l)
	}
	waitFor(t, ctx, "the save", `document.documentElement.dataset.saved === document.documentElement.dataset.step`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	rows := serverRows(t, ctx)
	if len(rows) != 4 || strings.Contains(strings.Join(rows, "\n"), "URGENT") {
		t.Fatalf("after reload the maildrop is %q, want the 4 left by the session", rows)
	}
	if !strings.Contains(terminalText(t, ctx), "C: DELE 2\nS: +OK Message 2 marked for deletion.") {
		t.Fatalf("after reload the terminal lost the session:\n%s", terminalText(t, ctx))
	}
	// Reset restores the sample state.
	chromedp.Do(ctx, chromedp.Click(chromedp.ID("btn-reset")))
	waitFor(t, ctx, "the reset", `document.documentElement.dataset.step === "0"`)
	if rows := serverRows(t, ctx); len(rows) != 5 {
		t.Fatalf("after reset: %q", rows)
	}
	// R is one key from B: Back undoes the reset.
	chromedp.Do(ctx, chromedp.KeyEvent("b"))
	waitFor(t, ctx, "the undone reset", `document.documentElement.dataset.step !== "0"`)
	if rows := serverRows(t, ctx); len(rows) != 4 {
		t.Fatalf("after undoing the reset: %q", rows)
	}
}

// TestCorruptStoreIsReplaced: a damaged IndexedDB is reported in one
// sentence and replaced; the page works.
func TestCorruptStoreIsReplaced(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	// Replace the page's database with one at a version the app cannot
	// open, as a damaged or foreign store would be.
	jsAwait[bool](t, ctx, `new Promise(done => {
		const del = indexedDB.deleteDatabase("pop3lab");
		del.onsuccess = () => { const r = indexedDB.open("pop3lab", 999); r.onsuccess = () => { r.result.close(); done(true); }; };
	})`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	notice := js[string](t, ctx, `document.getElementById("notice").textContent`)
	if notice != "The data this page saved in your browser could not be read, so it was replaced with a fresh store." {
		t.Fatalf("notice: %q", notice)
	}
	typeCommand(t, ctx, "USER alice")
	if !strings.Contains(terminalText(t, ctx), "S: +OK Send your password.") {
		t.Fatal("the page does not work after replacing the store")
	}
}

// TestHTMLMessageRunsNothing opens the sample newsletter, which holds a
// script and an onerror handler, and asserts it shows as text and runs
// nothing.
func TestHTMLMessageRunsNothing(t *testing.T) {
	ctx := newTab(t)
	addInitScript(t, ctx, `window.__ran = 0; window.alert = () => { window.__ran++; };`)
	open(t, ctx, "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#server-maildrop tbody tr:nth-child(4)`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the message dialog", `document.getElementById("message-dialog").open`)
	text := js[string](t, ctx, `document.getElementById("message-text").textContent`)
	if !strings.Contains(text, `<script>alert("this script must never run")</script>`) || !strings.Contains(text, `<img src="x" onerror="alert('neither must this')">`) {
		t.Fatalf("the message is not shown as text:\n%s", text)
	}
	time.Sleep(300 * time.Millisecond)
	if n := js[int](t, ctx, `document.querySelectorAll("#message-text *").length + document.querySelectorAll("img[src='x'], script:not([src])").length`); n != 0 {
		t.Fatalf("the message created %d elements", n)
	}
	if ran := js[int](t, ctx, `window.__ran`); ran != 0 {
		t.Fatalf("message content ran script %d times", ran)
	}
	screenshot(t, ctx, "html-message-as-text")
}

// TestAccessibleNames checks the names outside tests and assistive
// technology rely on, and that every control is reachable by keyboard.
func TestAccessibleNames(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	checks := map[string]string{
		`document.querySelector('input[aria-label="POP3 command"]') !== null`:                            "the terminal input is named POP3 command",
		`document.querySelector('[role="log"]').id === "terminal-log"`:                                   "the terminal log is a role=log region",
		`[...document.querySelectorAll("table caption")].some(c => c.textContent === "Server maildrop")`: "the server maildrop table has its caption",
		`[...document.querySelectorAll("button, input, select, textarea")].every(e => e.tabIndex >= 0)`:  "every control is in the tab order",
		`[...document.querySelectorAll("#server-maildrop tbody tr")].every(r => r.tabIndex === 0)`:       "message rows are focusable",
		`document.querySelector('#state-machine li[aria-current]') === null`:                             "no state lit before connecting",
	}
	for cond, what := range checks {
		if !js[bool](t, ctx, cond) {
			t.Errorf("%s: %s is false", what, cond)
		}
	}
}

// TestSharedLinkReproducesTheStep: a share link opened in a fresh browser
// profile reproduces the scenario step; a damaged link says so.
func TestSharedLinkReproducesTheStep(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="sniffing"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("narration").hidden`)
	for i := 0; i < 4; i++ {
		chromedp.Do(ctx, chromedp.Click(chromedp.ID("btn-step")))
		time.Sleep(100 * time.Millisecond)
	}
	chromedp.Do(ctx, chromedp.Click(chromedp.ID("btn-share")))
	waitFor(t, ctx, "the link", `location.hash.startsWith("#v1.")`)
	// The app handles inputs in order: the steps are all on screen once
	// the link (made after them) is.
	want := terminalText(t, ctx)
	hash := js[string](t, ctx, `location.hash`)

	fresh := newTab(t)
	open(t, fresh, hash)
	if got := terminalText(t, fresh); got != want {
		t.Fatalf("the shared link shows:\n%s\nwant:\n%s", got, want)
	}
	broken := newTab(t)
	open(t, broken, "#v1.damaged!")
	if n := js[string](t, broken, `document.getElementById("notice").textContent`); n != "This shared link is damaged, so the normal page was opened." {
		t.Fatalf("damaged link notice: %q", n)
	}
}

// TestPresenterModeAndKeys: P switches presenter mode; the arrow keys step
// a scenario.
func TestPresenterModeAndKeys(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="password-guessing"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("narration").hidden`)
	chromedp.Do(ctx, chromedp.KeyEvent("p"))
	waitFor(t, ctx, "presenter mode", `document.documentElement.classList.contains("presenter")`)
	if hidden := js[bool](t, ctx, `getComputedStyle(document.getElementById("lesson-pane")).display === "none"`); !hidden {
		t.Fatal("presenter mode still shows the lesson pane")
	}
	step := js[string](t, ctx, `document.documentElement.dataset.step`)
	chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight))
	waitFor(t, ctx, "a step", `document.documentElement.dataset.step !== "`+step+`"`)
	if kind := js[string](t, ctx, `document.documentElement.dataset.stepKind`); kind != "server" {
		t.Fatalf("first step of the lab is %q, want server settings", kind)
	}
	if shown := js[bool](t, ctx, `getComputedStyle(document.getElementById("client-pane")).display !== "none"`); shown {
		t.Fatal("presenter mode shows the mail client for a server step")
	}
	screenshot(t, ctx, "presenter-mode")
	chromedp.Do(ctx, chromedp.KeyEvent("p"))
	waitFor(t, ctx, "presenter mode off", `!document.documentElement.classList.contains("presenter")`)
}

// TestEditorFlagsBadLine: the scenario editor shows a parse error at its
// line as the author types.
func TestEditorFlagsBadLine(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	js[bool](t, ctx, `(() => { document.getElementById("editor").open = true; const e = document.getElementById("editor-source"); e.value = "connect\nC: USER alice\nfetch: everything\n"; e.dispatchEvent(new Event("input")); return true; })()`)
	waitFor(t, ctx, "the error list", `document.getElementById("editor-errors").textContent.startsWith("line 3: unknown line")`)
	if !js[bool](t, ctx, `document.getElementById("editor-run").disabled`) {
		t.Fatal("Run is enabled for a scenario with errors")
	}
}

// TestLessonScenarioQuizAndProgress opens a lesson, runs its scenario in
// the simulator, answers its quiz, and sees the progress survive a reload.
func TestLessonScenarioQuizAndProgress(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	waitFor(t, ctx, "the course", `document.getElementById("lesson-select").options.length === 12`)
	js[string](t, ctx, `(() => { const s = document.getElementById("lesson-select"); s.value = s.options[1].value; s.dispatchEvent(new Event("change")); return s.value; })()`)
	waitFor(t, ctx, "lesson 1", `document.querySelector("#lesson h1") && document.querySelector("#lesson h1").textContent === "Where POP3 fits"`)

	// Run in simulator: the lesson's scenario steps the simulation.
	js[bool](t, ctx, `(document.querySelector("#lesson button.run-scenario").click(), true)`)
	waitFor(t, ctx, "the scenario", `!document.getElementById("btn-step").disabled`)
	step := js[string](t, ctx, `document.documentElement.dataset.step`)
	js[bool](t, ctx, `(document.getElementById("btn-step").click(), true)`)
	waitFor(t, ctx, "a scenario step", `document.documentElement.dataset.step !== "`+step+`"`)

	// Answer the quiz: an empty check grades nothing right (and gives no
	// answer away), then the learner picks the right answers.
	js[bool](t, ctx, `(document.querySelector("#lesson form.quiz button[type=submit]").click(), true)`)
	waitFor(t, ctx, "the first grading", `document.querySelector("#lesson output.quiz-result").textContent !== ""`)
	quiz := builtinCourse(t)[0].Quizzes[0]
	total := len(quiz.Questions)
	for i, q := range quiz.Questions {
		for _, j := range q.Correct() {
			js[bool](t, ctx, `(document.querySelector('#lesson form.quiz input[name="`+quiz.Name(i)+`"][value="`+strconv.Itoa(j)+`"]').checked = true, true)`)
		}
	}
	js[bool](t, ctx, `(document.querySelector("#lesson form.quiz button[type=submit]").click(), true)`)
	want := strconv.Itoa(total) + " of " + strconv.Itoa(total) + " right"
	waitFor(t, ctx, "the second grading", `document.querySelector("#lesson output.quiz-result").textContent === "`+want+`"`)
	waitFor(t, ctx, "progress", `document.documentElement.dataset.progress === "9"`)
	waitFor(t, ctx, "the save", `document.documentElement.dataset.progressSaved === "9"`)
	screenshot(t, ctx, "lesson-quiz")

	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx)
	waitFor(t, ctx, "progress after reload", `document.documentElement.dataset.progress === "9"`)
	if text := js[string](t, ctx, `document.getElementById("course-progress-text").textContent`); !strings.HasPrefix(text, "1 of 11 lessons done") {
		t.Fatalf("progress text %q", text)
	}
	// The lesson the learner was reading opens again.
	waitFor(t, ctx, "the last lesson", `document.querySelector("#lesson h1") && document.querySelector("#lesson h1").textContent === "Where POP3 fits"`)
}

// TestPredictMode: with predict on, a step first asks the room what the
// server will answer, and the next press runs it.
func TestPredictMode(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="sniffing"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("narration").hidden`)
	chromedp.Do(ctx, chromedp.Click(chromedp.ID("predict")))
	// Step 1 changes the client settings: no question.
	chromedp.Do(ctx, chromedp.KeyEvent("n"))
	waitFor(t, ctx, "step 1", `document.documentElement.dataset.step !== "0"`)
	step := js[string](t, ctx, `document.documentElement.dataset.step`)
	// Step 2 connects: first the question, nothing runs.
	chromedp.Do(ctx, chromedp.KeyEvent("n"))
	waitFor(t, ctx, "the question", `document.getElementById("narration").textContent.includes("What will the server answer?")`)
	if now := js[string](t, ctx, `document.documentElement.dataset.step`); now != step {
		t.Fatalf("predict ran the step before revealing it (step %s, was %s)", now, step)
	}
	chromedp.Do(ctx, chromedp.KeyEvent("n"))
	waitFor(t, ctx, "the answer", `document.getElementById("terminal-log").textContent.includes("S: +OK POP3 server ready")`)
}

// TestSpeakerNotes: the narration of each step reaches the speaker-notes
// page in another window.
func TestSpeakerNotes(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	// A second tab in the same browser profile plays the notes window.
	notes, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(notes, chromedp.Navigate(siteURL(t, "notes.html"))); err != nil {
		t.Fatal(err)
	}
	js[bool](t, ctx, `(document.getElementById("btn-notes").click(), true)`)
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="sniffing"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("narration").hidden`)
	for i := 0; i < 2; i++ {
		js[bool](t, ctx, `(document.getElementById("btn-step").click(), true)`)
	}
	// The notes carry what to say (the narration), what to ask the room
	// about the next step, and its answer.
	said := js[string](t, ctx, `document.getElementById("narration").textContent`)
	waitFor(t, notes, "the notes", `document.getElementById("notes").textContent.includes(`+strconv.Quote("Say: "+said)+`)`)
	got := js[string](t, notes, `document.getElementById("notes").textContent`)
	if !strings.Contains(got, "Ask the room: The client sends USER alice. What will the server answer?\nAnswer: +OK Send your password.") {
		t.Fatalf("the notes do not ask the room about the next step:\n%s", got)
	}
}

// TestDownloads: the transcript and pcap buttons offer files with the
// right names and contents (the pcap starts with its magic number).
func TestDownloads(t *testing.T) {
	ctx := newTab(t)
	// Record what the page offers instead of letting the browser save it.
	addInitScript(t, ctx, `window.__downloads = [];
		const blobs = new Map();
		const create = URL.createObjectURL;
		URL.createObjectURL = b => { const u = create.call(URL, b); blobs.set(u, b); return u; };
		const click = HTMLAnchorElement.prototype.click;
		HTMLAnchorElement.prototype.click = function () {
			const blob = blobs.get(this.href);
			if (this.download && blob) {
				const name = this.download;
				blob.arrayBuffer().then(b => window.__downloads.push({name, bytes: [...new Uint8Array(b).slice(0, 4)], text: new TextDecoder().decode(b)}));
				return;
			}
			return click.call(this);
		};`)
	open(t, ctx, "")
	typeCommand(t, ctx, "USER alice")
	typeCommand(t, ctx, "PASS wonderland")
	js[bool](t, ctx, `(document.getElementById("btn-transcript").click(), document.getElementById("btn-pcap").click(), true)`)
	waitFor(t, ctx, "two downloads", `window.__downloads.length === 2`)
	transcript := js[string](t, ctx, `window.__downloads.find(d => d.name === "pop3lab-transcript.txt").text`)
	if !strings.Contains(transcript, "C: PASS ********") || strings.Contains(transcript, "wonderland") {
		t.Fatalf("masked transcript:\n%s", transcript)
	}
	magic := js[[]int](t, ctx, `window.__downloads.find(d => d.name === "pop3lab.pcap").bytes`)
	if len(magic) != 4 || magic[0] != 0xd4 || magic[1] != 0xc3 || magic[2] != 0xb2 || magic[3] != 0xa1 {
		t.Fatalf("pcap magic %x", magic)
	}
}
