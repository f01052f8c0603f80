package view

import (
	"strings"
	"testing"

	"pop3lab/lessons/render"
)

func TestParseProblemsAndGutter(t *testing.T) {
	src := "title: t\nconnect\nC: USER alice\nbogus line\nwait: soon\n"
	problems, steps := ParseProblems(src)
	if steps != 0 || len(problems) != 2 || problems[0].Line != 4 || problems[1].Line != 5 {
		t.Fatalf("problems %+v, steps %d", problems, steps)
	}
	if !strings.HasPrefix(problems[0].Text(), "line 4: unknown line") {
		t.Fatalf("text %q", problems[0].Text())
	}
	g := Gutter(src, problems)
	if len(g) != 6 || g[3] != (GutterLine{4, true}) || g[4] != (GutterLine{5, true}) || g[0].Problem {
		t.Fatalf("gutter %+v", g)
	}
	if p, n := ParseProblems("connect\nC: NOOP\n"); p != nil || n != 2 {
		t.Fatalf("a good scenario: %+v %d", p, n)
	}
	if got := (EditorProblem{Line: 3, Msg: "expected +OK", Run: true}).Text(); got != "running, line 3: expected +OK" {
		t.Fatalf("run problem %q", got)
	}
}

func TestLineOffset(t *testing.T) {
	src := "a\nbb\nccc"
	for line, want := range map[int]int{1: 0, 2: 2, 3: 5, 9: 8} {
		if got := LineOffset(src, line); got != want {
			t.Errorf("LineOffset(%d) = %d, want %d", line, got, want)
		}
	}
}

// TestScenarioAsLesson: "Preview as a lesson" works for a plain scenario
// (the editor's default among them) as well as for a lesson.
func TestScenarioAsLesson(t *testing.T) {
	plain := "title: My scenario: login\nnote: Log in.\nconnect\nS~ \\+OK .*\nC: USER alice\nS: +OK Send your password.\n"
	l, err := render.Parse("preview.md", ScenarioAsLesson(plain))
	if err != nil {
		t.Fatalf("a plain scenario does not preview: %v", err)
	}
	if !strings.Contains(l.HTML, "USER alice") || l.Title != "My scenario - login" {
		t.Fatalf("preview: title %q\n%s", l.Title, l.HTML)
	}
	lesson := "---\ntitle: x\n---\n"
	if ScenarioAsLesson(lesson) != lesson {
		t.Fatal("a lesson was wrapped again")
	}
}

func TestIsLesson(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"---\ntitle: x\n---\n", true},
		{"\n  \r\n---\ntitle: x\n", true},
		{"title: My scenario\nconnect\n", false},
		{"connect\n---\n", false},
		{"", false},
	} {
		if got := IsLesson(tc.src); got != tc.want {
			t.Errorf("IsLesson(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}
