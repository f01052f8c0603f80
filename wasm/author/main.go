//go:build js && wasm

// Command author is the lesson renderer of pop3lab's browser app: a second
// WebAssembly program, author.wasm, that the page loads only when the
// learner first asks the scenario editor for a preview as a lesson (see
// pop3labAuthor in web/loader.js). It renders with package render, as
// pop3lab build renders the course, so the preview is the lesson the build
// would publish, while the app itself links no markdown renderer.
//
// It defines pop3labAuthor.render(name, markdown), which returns
// {lesson, problems}: the lesson as a course document of one lesson
// (lessons.EncodeCourse, which the page reads with lessons.DecodeCourse as
// it reads the course) and no problems, or no lesson and the problems as
// "name:line: message" lines. Then it waits for calls.
package main

import (
	"fmt"
	"strings"
	"syscall/js"

	"pop3lab/lessons"
	"pop3lab/lessons/render"
)

func main() {
	author := js.Global().Get("pop3labAuthor")
	if author.Type() != js.TypeObject {
		panic("pop3labAuthor is not defined: web/loader.js starts this program")
	}
	author.Set("render", js.FuncOf(renderLesson))
	select {} // calls come from the page
}

// renderLesson is pop3labAuthor.render. It does its work inside the call
// (rendering waits for nothing), and a panic comes back as a problem, so
// no input can stop the program.
func renderLesson(_ js.Value, args []js.Value) (result any) {
	defer func() {
		if r := recover(); r != nil {
			result = rendered("", fmt.Sprintf("the lesson renderer failed: %v", r))
		}
	}()
	if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
		return rendered("", "render wants a file name and the markdown, two strings")
	}
	l, err := render.Parse(args[0].String(), args[1].String())
	if err != nil {
		return rendered("", strings.Split(err.Error(), "\n")...)
	}
	doc, err := lessons.EncodeCourse([]*lessons.Lesson{l})
	if err != nil {
		return rendered("", "the lesson could not be encoded: "+err.Error())
	}
	return rendered(string(doc))
}

// rendered is render's result as a JavaScript object.
func rendered(lesson string, problems ...string) map[string]any {
	list := make([]any, len(problems))
	for i, p := range problems {
		list[i] = p
	}
	return map[string]any{"lesson": lesson, "problems": list}
}
