package view

import (
	"strings"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
	"pop3lab/sim/wire"
)

func lab(t *testing.T, name string) string {
	t.Helper()
	for _, l := range scenario.Labs() {
		if l.Name == name {
			return l.Source
		}
	}
	t.Fatalf("no lab %q", name)
	return ""
}

// TestPlayerStepsAGetMailCommandByCommand: the stripping lab's Get mail
// is one step of the scenario but one press per command in the player,
// each with its own sentence and "command k of n".
func TestPlayerStepsAGetMailCommandByCommand(t *testing.T) {
	p, err := NewPlayer(lab(t, "stls-stripping"), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Sim().Close()
	if p.Title() != "STLS stripping (a downgrade attack)" || p.Steps() != 8 {
		t.Fatalf("title %q, %d steps", p.Title(), p.Steps())
	}
	var presses []Played
	for !p.Finished() && len(presses) < 200 {
		pl := p.Next()
		if pl.Err != nil {
			t.Fatalf("press %d: %v", len(presses)+1, pl.Err)
		}
		presses = append(presses, pl)
	}
	first := presses[0]
	if first.Progress() != "Step 1 of 8" || first.Kind != "attack" || first.Panel != "wire" ||
		!strings.HasPrefix(first.Narration, "An on-path attacker rewrites the server's CAPA answer") {
		t.Fatalf("first press: %+v", first)
	}
	// Step 3 is the first Get mail: CAPA, USER, PASS, UIDL? ... one press each.
	var getMail []Played
	for _, pl := range presses {
		if pl.Step == 3 {
			getMail = append(getMail, pl)
		}
	}
	if len(getMail) < 5 || getMail[0].Commands != len(getMail) {
		t.Fatalf("the first Get mail took %d presses: %+v", len(getMail), getMail)
	}
	for k, pl := range getMail {
		if pl.Command != k+1 || pl.Panel != "client" {
			t.Errorf("press %d of Get mail: %+v", k+1, pl)
		}
	}
	if got := getMail[0].Progress(); got != "Step 3 of 8 · command 1 of "+itoa(len(getMail)) {
		t.Errorf("progress %q", got)
	}
	if !strings.HasSuffix(getMail[0].Narration, "Command 1 of "+itoa(len(getMail))+": the mail client sends CAPA.") {
		t.Errorf("first command's sentence: %q", getMail[0].Narration)
	}
	for _, pl := range getMail {
		if strings.Contains(pl.Narration, "wonderland") {
			t.Errorf("narration reads out the password: %q", pl.Narration)
		}
	}
	// One sentence per press: no press repeats the one before it.
	for i := 1; i < len(presses); i++ {
		if presses[i].Narration == presses[i-1].Narration {
			t.Errorf("presses %d and %d say the same: %q", i, i+1, presses[i].Narration)
		}
	}
	if last := presses[len(presses)-1]; !last.Finished || last.Step != 8 {
		t.Fatalf("last press %+v", last)
	}
}

// TestPlayerShowsTheLogUpToTheCommand: during a mail-client step the
// page renders the log only up to the command being shown.
func TestPlayerShowsTheLogUpToTheCommand(t *testing.T) {
	p, err := NewPlayer("title: t\nclient: tls=none\ndo: get-mail\nC: NOOP\n", sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Sim().Close()
	p.Next() // settings
	if p.Shown() != -1 {
		t.Fatalf("shown %d before the Get mail", p.Shown())
	}
	pl := p.Next()
	for pl.Command < pl.Commands {
		events := p.Sim().Events(0)
		shown := p.Shown()
		if shown < 0 || shown >= len(events) || events[shown].Kind != sim.EvSegment || events[shown].Dir != wire.ClientToServer {
			t.Fatalf("command %d of %d: shown %d is not the segment of the next command", pl.Command, pl.Commands, shown)
		}
		// Nothing of the next command is shown: not its bytes either.
		commands := 0
		for _, e := range events[:shown] {
			if e.Kind == sim.EvCommand {
				commands++
			}
		}
		if commands != pl.Command {
			t.Fatalf("command %d: %d commands rendered", pl.Command, commands)
		}
		pl = p.Next()
	}
	if p.Shown() != -1 {
		t.Fatalf("after the last command, shown %d", p.Shown())
	}
	if pl := p.Next(); pl.Kind != "C" || pl.Narration != "The client sends NOOP." || !pl.Finished {
		t.Fatalf("last step %+v", pl)
	}
}

func TestPlayerBack(t *testing.T) {
	p, err := NewPlayer(lab(t, "sniffing"), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		p.Next()
	}
	q, err := p.Back()
	if err != nil {
		t.Fatal(err)
	}
	p.Sim().Close()
	defer q.Sim().Close()
	if q.Done() != 3 || q.Last().Step != 3 || q.Last().Narration == "" {
		t.Fatalf("after Back: done %d, last %+v", q.Done(), q.Last())
	}
	if pl := q.Next(); pl.Step != 4 || pl.Narration != "The password crosses the wire exactly as typed. Look for it, highlighted, in the wire panel." {
		t.Fatalf("step 4 again: %+v", pl)
	}
}

func TestNarrateAndMasked(t *testing.T) {
	tests := []struct {
		step scenario.Step
		want string
	}{
		{scenario.Step{Kind: sim.ActSend, Text: "USER alice"}, "The client sends USER alice."},
		{scenario.Step{Kind: sim.ActSend, Text: "PASS wonderland"}, "The client sends PASS ••••••."},
		{scenario.Step{Kind: sim.ActSend, Text: "APOP alice 0123abcd"}, "The client sends APOP alice (digest)."},
		{scenario.Step{Kind: sim.ActSend, Text: "AUTH PLAIN AGFsaWNl"}, "The client sends AUTH PLAIN (credentials)."},
		{scenario.Step{Kind: sim.ActConnect}, "The client opens a connection; the server greets it."},
		{scenario.Step{Kind: sim.ActDrop}, "The connection drops without QUIT."},
		{scenario.Step{Kind: sim.ActSettings, Scope: "client", Settings: []scenario.Setting{{Key: "tls", Value: "required"}}}, "The mail client's settings change: tls required."},
		{scenario.Step{Kind: sim.ActSend, Text: "QUIT", Note: "  Now end the session.  "}, "Now end the session."},
	}
	for _, tt := range tests {
		if got := Narrate(tt.step); got != tt.want {
			t.Errorf("Narrate(%+v) = %q, want %q", tt.step, got, tt.want)
		}
	}
}

func itoa(n int) string { return Thousands(n) }

func TestNotesAskTheRoom(t *testing.T) {
	p, err := NewPlayer("title: Login\nconnect\nS~ \\+OK POP3 .*\nC: USER alice\nS: +OK Send your password.\nC: PASS wonderland\nS~ \\+OK .*\n", sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Sim().Close()
	p.Next()
	pl := p.Next()
	got := p.Notes(pl.Narration)
	want := "Login · Step 2 of 3\n\nSay: The client sends USER alice.\n\n" +
		"Ask the room: The client sends PASS ••••••. What will the server answer?\nAnswer: a line like \\+OK .*\n\n" +
		"Next, step 3 of 3: The client sends PASS ••••••."
	if got != want {
		t.Fatalf("notes:\n%s\nwant:\n%s", got, want)
	}
	pl = p.Next()
	if got := p.Notes(pl.Narration); !strings.HasSuffix(got, "Ask the room: what would have stopped this? Which setting, which port, which check?") {
		t.Fatalf("last notes:\n%s", got)
	}
	if q, a, ok := Question(p.Scenario.Steps[1]); !ok || q != "The client sends USER alice. What will the server answer?" || a != "+OK Send your password." {
		t.Fatalf("Question = %q %q %v", q, a, ok)
	}
}
