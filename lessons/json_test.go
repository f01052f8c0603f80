package lessons_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"pop3lab/lessons"
	"pop3lab/lessons/render"
)

// builtInDocument renders the built-in course and encodes it as the
// course document the build publishes.
func builtInDocument(tb testing.TB) ([]*lessons.Lesson, []byte) {
	tb.Helper()
	course, err := render.Course()
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := lessons.EncodeCourse(course)
	if err != nil {
		tb.Fatal(err)
	}
	return course, doc
}

// TestCourseDocumentRoundTrip: the built-in course, rendered, encoded
// and decoded, is the course it was, scenarios parsed again and all.
func TestCourseDocumentRoundTrip(t *testing.T) {
	course, b := builtInDocument(t)
	if !strings.HasPrefix(string(b), `{"version":1,"lessons":[{"slug":"01-where-pop3-fits",`) {
		t.Errorf("the document starts %.80s", b)
	}
	got, err := lessons.DecodeCourse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(course) {
		t.Fatalf("%d lessons back, want %d", len(got), len(course))
	}
	for i := range course {
		if !reflect.DeepEqual(got[i], course[i]) {
			t.Errorf("lesson %s differs after the round trip", course[i].Slug)
		}
		for j := range course[i].Scenarios {
			if got[i].Scenarios[j].Parsed() == nil {
				t.Errorf("scenario %s is not parsed after decoding", got[i].Scenarios[j].ID)
			}
		}
		for j := range course[i].Challenges {
			want, back := course[i].Challenges[j].Setup(), got[i].Challenges[j].Setup()
			if !reflect.DeepEqual(back, want) {
				t.Errorf("challenge %s: its setup differs after the round trip", course[i].Challenges[j].ID)
			}
		}
	}
}

// TestDecodeCourseRefusesDamage: a document of another version, a damaged
// or truncated one, and one whose content the app could trip on are each
// an error that says what is wrong.
func TestDecodeCourseRefusesDamage(t *testing.T) {
	_, good := builtInDocument(t)
	// edit decodes the good document as generic JSON, changes it and
	// encodes it again.
	edit := func(change func(doc map[string]any)) string {
		var doc map[string]any
		if err := json.Unmarshal(good, &doc); err != nil {
			t.Fatal(err)
		}
		change(doc)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	lesson := func(doc map[string]any, i int) map[string]any {
		return doc["lessons"].([]any)[i].(map[string]any)
	}
	first := func(l map[string]any, key string) map[string]any {
		return l[key].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"empty", "", "not JSON"},
		{"HTML", "<!doctype html><title>404</title>", "not JSON"},
		{"truncated", string(good[:len(good)/2]), "not JSON"},
		{"no version", `{"lessons":[]}`, "has no version"},
		{"version 2", `{"version":2,"lessons":[]}`, "is version 2; this app reads version 1"},
		{"version as text", `{"version":"1","lessons":[]}`, "not JSON"},
		{"no lessons", `{"version":1,"lessons":[]}`, "damaged: no lessons"},
		{"null lesson", `{"version":1,"lessons":[null]}`, "a lesson is null"},
		{"unknown field", edit(func(d map[string]any) { d["extra"] = true }), `unknown field "extra"`},
		{"data after it", string(good) + `{}`, "not JSON"},
		{"a form feed after it", string(good) + "\f", "not JSON"}, // not JSON's white space
		{"bad slug", edit(func(d map[string]any) { lesson(d, 0)["slug"] = "../x" }), `bad slug "../x"`},
		{"slug twice", edit(func(d map[string]any) { lesson(d, 1)["slug"] = lesson(d, 0)["slug"] }), "given twice"},
		{"orders out of order", edit(func(d map[string]any) { lesson(d, 1)["order"] = 1 }), "order 1 after 1"},
		{"no HTML", edit(func(d map[string]any) { lesson(d, 0)["html"] = "" }), "no title, HTML"},
		{"scenario that does not parse", edit(func(d map[string]any) {
			first(lesson(d, 0), "scenarios")["source"] = "connect\nC: USER\nbogus line\n"
		}), "does not parse"},
		{"scenario title not its source's", edit(func(d map[string]any) {
			first(lesson(d, 0), "scenarios")["title"] = "Another title"
		}), "title and summary are not those of its source"},
		{"quiz without a wrong answer", edit(func(d map[string]any) {
			q := first(first(lesson(d, 0), "quizzes"), "questions")
			for _, a := range q["answers"].([]any) {
				a.(map[string]any)["correct"] = true
			}
		}), "needs a right and a wrong answer"},
		{"unknown condition", edit(func(d map[string]any) {
			cond := first(first(first(lesson(d, 2), "challenges"), "items"), "conditions")
			cond["kind"] = "magic"
		}), `unknown check "magic"`},
		{"condition short of words", edit(func(d map[string]any) {
			cond := first(first(first(lesson(d, 2), "challenges"), "items"), "conditions")
			cond["kind"], cond["args"] = "tap", []any{"has"}
		}), "want tap has"},
		{"comparison not its words'", edit(func(d map[string]any) {
			cond := first(first(first(lesson(d, 2), "challenges"), "items"), "conditions")
			cond["kind"], cond["args"], cond["op"], cond["n"] = "server", []any{"messages", ">=", "2"}, ">=", 3
		}), "comparison"},
		{"setup that does not parse", edit(func(d map[string]any) {
			c := first(lesson(d, 2), "challenges")
			c["setup"] = []any{map[string]any{"text": "fly: away", "line": 1}}
		}), "setup or solution does not parse"},
		{"byte link to another lesson's scenario", edit(func(d map[string]any) {
			for _, l := range d["lessons"].([]any) {
				if links, _ := l.(map[string]any)["byteLinks"].([]any); len(links) > 0 {
					links[0].(map[string]any)["scenario"] = "01-where-pop3-fits-1"
					return
				}
			}
			t.Fatal("no lesson of the course has a bytes block")
		}), "byte link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lessons.DecodeCourse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DecodeCourse = %d lessons, %v; want an error with %q", len(got), err, tt.want)
			}
		})
	}
	if _, err := lessons.DecodeCourse(good); err != nil {
		t.Errorf("the good document: %v", err)
	}
	if _, err := lessons.DecodeCourse(append(good, " \r\n\t"...)); err != nil {
		t.Errorf("the good document with white space after it: %v", err)
	}
}

// TestValidSlug is the rule for lesson file names, which become URLs.
func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"03-the-commands": true, "a": true, "11": true,
		"": false, "-a": false, "a-": false, "a--b": false, "A": false, "a_b": false, "a.b": false, "../x": false, "ä": false,
	} {
		if got := lessons.ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

// BenchmarkDecodeCourse measures DecodeCourse on the built-in course's
// document, which the app decodes once it is usable (a long task there).
func BenchmarkDecodeCourse(b *testing.B) {
	_, doc := builtInDocument(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := lessons.DecodeCourse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
