package lessons_test

import (
	"reflect"
	"testing"

	"pop3lab/lessons"
	"pop3lab/lessons/render"
	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// smallLesson has one block of every kind, for a course document small
// enough to seed the fuzzer.
const smallLesson = "---\ntitle: Small\norder: 1\nminutes: 5\nobjectives:\n  - Fuzz.\nsecplus:\n  - 1.4\n---\n\n# Small\n\n" +
	"```pop3\ntitle: Log in\nconnect\nC: USER alice\nS: +OK Send your password.\n```\n\n" +
	"```quiz\n? Which port?\n+ 995 :: POP3S.\n- 110 :: Plain.\n```\n\n" +
	"```cards\nPOP3S :: POP3 over TLS.\n```\n\n" +
	"```bytes\nstep: 2\nshow: user name\ncaption: The user\n```\n\n" +
	"```challenge\ntitle: T\ngoal: G\nsetup: client: tls=none\nitem (20): I :: ran \"USER\" >= 1 and not tap lacks \"USER\"\nitem: J :: server messages >= 1\nhint (3): H\nsolution: connect\nsolution: C: USER alice\n```\n"

// FuzzDecodeCourse feeds course documents to DecodeCourse. It may refuse
// them, never panic; what it accepts encodes and decodes to itself, and
// its challenges set up and grade a simulation without a panic.
func FuzzDecodeCourse(f *testing.F) {
	l, err := render.Parse("01-small.md", smallLesson)
	if err != nil {
		f.Fatal(err)
	}
	doc, err := lessons.EncodeCourse([]*lessons.Lesson{l})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(doc))
	f.Add(`{"version":1,"lessons":[{"slug":"a","title":"A","order":1,"minutes":1,"html":"<p>x</p>"}]}`)
	f.Add(`{"version":1,"lessons":[null]}`)
	f.Add(`{"version":2}`)
	f.Fuzz(func(t *testing.T, doc string) {
		course, err := lessons.DecodeCourse([]byte(doc))
		if err != nil {
			return
		}
		again, err := lessons.EncodeCourse(course)
		if err != nil {
			t.Fatalf("an accepted course does not encode: %v", err)
		}
		back, err := lessons.DecodeCourse(again)
		if err != nil || !reflect.DeepEqual(back, course) {
			t.Fatalf("an accepted course does not come back from its encoding (%v)", err)
		}
		for _, l := range course {
			for i := range l.Challenges {
				c := &l.Challenges[i]
				r, err := scenario.NewRunner(c.Setup(), sim.Options{})
				if err != nil {
					continue
				}
				c.Grade(r.Sim, 0, len(c.Hints)+1)
				r.Sim.Close()
			}
		}
	})
}
