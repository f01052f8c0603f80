// Package render reads the course: lessons written in markdown with front
// matter, rendered with goldmark into package lessons' types, with five
// kinds of custom fenced blocks that make them interactive. It runs where
// the course is built and written (pop3lab build, pop3lab lessons check,
// the editor's lesson preview); the browser app reads the rendered course
// as package lessons' JSON document and never links goldmark.
//
// A lesson file starts with front matter between "---" lines:
//
//	---
//	title: Where POP3 fits
//	order: 1
//	minutes: 6
//	objectives:
//	  - Tell the protocol that delivers mail from those that retrieve it.
//	secplus:
//	  - 2.2
//	  - 4.5
//	---
//
// title, order (1, 2, ...), minutes (the estimated time), objectives
// (what the learner can do afterwards) and secplus (CompTIA Security+
// SY0-701 objective numbers, checked against the published list) are all
// required. The markdown after it is CommonMark with the GFM extensions
// and the typographer; headings get IDs for #anchors; raw HTML is not
// allowed. Links are relative links to other lessons ("02-x.md", which
// the rendered pages turn into "02-x.html"), #anchors, and http, https
// and mailto URLs. Five fenced blocks are special:
//
//   - ```pop3: a runnable scenario in the format of package
//     scenario, shown as a transcript with a "Run in simulator" button;
//   - ```quiz: questions with one or several right answers and an
//     explanation per answer (see lessons.Quiz);
//   - ```cards: flashcards, "Term :: Explanation" per line (see lessons.Card);
//   - ```challenge: a graded task in the sandbox (see lessons.Challenge);
//   - ```bytes: a button into the byte view (see lessons.ByteLink).
//
// Parse renders one lesson (an author's preview in the browser); Load
// reads a course folder; Course is the built-in course (package course);
// Check validates a folder, running every scenario against the simulator
// and looking, at each bytes block's step, for what the block shows.
package render
