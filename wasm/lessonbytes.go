//go:build js && wasm

package main

import (
	"pop3lab/lessons"
	"pop3lab/wasm/view"
)

// openLessonBytes runs a lesson's bytes block: its scenario to its step,
// as a share link to that step would, then opens the byte view at what
// an eavesdropper learns from the connection the step used.
func (a *app) openLessonBytes(id string) {
	bl, src, ok := a.lessonByteLink(id)
	if !ok {
		return
	}
	if !a.openSharedState(view.Shared{Scenario: src, Step: bl.Step}) {
		return
	}
	conn := a.sim.LastConn()
	link, _, err := view.EavesdropLink(conn, theByteView.records(a.sim, conn), bl.Show)
	if err != nil {
		a.notice("The byte view has nothing to show here: " + err.Error() + ".")
		return
	}
	a.openSharedBytes(&link)
}

// lessonByteLink finds a bytes block of the lessons shown and the source
// of the scenario it runs.
func (a *app) lessonByteLink(id string) (lessons.ByteLink, string, bool) {
	for _, l := range a.lessonsShown() {
		for _, bl := range l.ByteLinks {
			if bl.ID != id {
				continue
			}
			for _, sc := range l.Scenarios {
				if sc.ID == bl.Scenario {
					return bl, sc.Source, true
				}
			}
		}
	}
	return lessons.ByteLink{}, "", false
}
