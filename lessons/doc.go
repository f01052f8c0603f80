// Package lessons is the course as the browser app uses it: lessons
// already rendered to HTML, with their runnable scenarios, quizzes,
// flashcards, graded challenges and byte-view links, the grading of a
// challenge on a simulation, and the pager between lessons.
//
// Package render makes these from the course's markdown (with goldmark)
// where the site is built; the build writes them as one JSON document,
// lessons/course.json, which the app reads with DecodeCourse. This package
// imports neither goldmark nor regexp, so the app's program carries no
// markdown renderer.
package lessons
