// Package lessons is the course: lessons written in markdown with front
// matter, rendered with goldmark, with four kinds of custom fenced
// blocks that make them interactive.
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
// and mailto URLs. Four fenced blocks are special:
//
//   - ```pop3: a runnable scenario in the format of package
//     scenario, shown as a transcript with a "Run in simulator" button;
//   - ```quiz: questions with one or several right answers and an
//     explanation per answer (see Quiz);
//   - ```cards: flashcards, "Term :: Explanation" per line (see Card).
//
// Parse renders one lesson (an author's preview in the browser); Load
// reads a course folder; Course is the built-in course; Check validates
// a folder, running every scenario against the simulator; RenderPage
// gives a lesson page's content for prerendering.
package lessons
