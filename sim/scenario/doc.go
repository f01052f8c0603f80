// Package scenario is the text format for scripted POP3 sessions that
// lessons and instructors write by hand, and its runner.
//
// The format is Reference, which the app also shows beside its scenario
// editor.
package scenario
