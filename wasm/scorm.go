//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"
	"time"

	"pop3lab/wasm/view"
)

// The SCORM 1.2 run-time: when the page runs inside a learning management
// system (a `pop3lab build --scorm` package), the LMS offers an object
// named API in a parent window (SCORM 1.2 RTE §3.3). The app reports to
// it: lesson_status, score and, when the page goes away, session_time;
// the progress itself travels in cmi.suspend_data when it fits, so it
// follows the learner to another browser. Without an API the page is the
// plain site.

// maxSuspendData is the SCORM 1.2 limit of cmi.suspend_data.
const maxSuspendData = 4096

// maxAPIHops is how far up the window chain the API is looked for, as the
// SCORM 1.2 discovery algorithm does.
const maxAPIHops = 7

// lmsSession is the page's connection to its LMS: one per page.
type lmsSession struct {
	api     js.Value
	started time.Time
	sent    map[string]string // what was last set, to set only changes
	done    bool
}

var lms *lmsSession

// connectLMS finds the SCORM 1.2 API, initialises the session and takes
// the progress saved in the LMS. It runs once, after the progress is
// loaded.
func (a *app) connectLMS() {
	api, ok := findSCORMAPI()
	if !ok || lms != nil {
		return
	}
	if r, ok := lmsCall(api, "LMSInitialize", ""); !ok || r != "true" {
		return
	}
	lms = &lmsSession{api: api, started: time.Now(), sent: map[string]string{}}
	a.doc.DocumentElement().Underlying().Get("dataset").Set("lms", "scorm12")
	if data, ok := lmsCall(api, "LMSGetValue", "cmi.suspend_data"); ok && data != "" {
		if p, err := view.LoadProgress([]byte(data)); err == nil {
			a.progress.Merge(p)
			a.saveProgress() // also reports to the LMS
		}
	}
	a.reportLMS()
	js.Global().Call("addEventListener", "pagehide", jsFunc(func([]js.Value) any {
		a.finishLMS()
		return nil
	}))
}

// courseTotals is what the course offers to score, for the LMS.
func (a *app) courseTotals() view.CourseTotals {
	t := view.CourseTotals{Quizzes: map[string]int{}, Challenges: map[string]int{}}
	for _, l := range a.course {
		t.Lessons = append(t.Lessons, l.Slug)
		for _, q := range l.Quizzes {
			t.Quizzes[q.ID] = len(q.Questions)
		}
		for i := range l.Challenges {
			t.Challenges[l.Challenges[i].ID] = l.Challenges[i].MaxPoints()
		}
	}
	return t
}

// reportLMS sends the course's status and score, and the progress, to
// the LMS if they changed.
func (a *app) reportLMS() {
	if lms == nil || lms.done {
		return
	}
	t := a.courseTotals()
	values := [][2]string{
		{"cmi.core.lesson_status", a.progress.LMSStatus(t)},
		{"cmi.core.score.min", "0"},
		{"cmi.core.score.max", "100"},
		{"cmi.core.score.raw", strconv.Itoa(a.progress.LMSScore(t))},
	}
	if b, err := a.progress.Save(); err == nil && len(b) <= maxSuspendData {
		values = append(values, [2]string{"cmi.suspend_data", string(b)})
	}
	changed := false
	for _, kv := range values {
		if lms.sent[kv[0]] == kv[1] {
			continue
		}
		if _, ok := lmsCall(lms.api, "LMSSetValue", kv[0], kv[1]); ok {
			lms.sent[kv[0]] = kv[1]
			changed = true
		}
	}
	if changed {
		lmsCall(lms.api, "LMSCommit", "")
	}
}

// finishLMS ends the LMS session as the page goes away: the time spent,
// whether the learner will come back, a last commit.
func (a *app) finishLMS() {
	if lms == nil || lms.done {
		return
	}
	a.reportLMS()
	lmsCall(lms.api, "LMSSetValue", "cmi.core.session_time", view.SCORMTime(time.Since(lms.started)))
	exit := "suspend"
	if a.progress.LMSStatus(a.courseTotals()) == "completed" {
		exit = ""
	}
	lmsCall(lms.api, "LMSSetValue", "cmi.core.exit", exit)
	lmsCall(lms.api, "LMSCommit", "")
	lmsCall(lms.api, "LMSFinish", "")
	lms.done = true
}

// findSCORMAPI looks for the API object in this window, its parents and
// its opener's, as SCORM 1.2 prescribes. Windows of another origin throw
// when touched; they are skipped.
func findSCORMAPI() (js.Value, bool) {
	search := func(w js.Value) (js.Value, bool) {
		for i := 0; i <= maxAPIHops && w.Truthy(); i++ {
			if api, ok := jsGet(w, "API"); ok && api.Truthy() {
				if f, ok := jsGet(api, "LMSInitialize"); ok && f.Type() == js.TypeFunction {
					return api, true
				}
			}
			parent, ok := jsGet(w, "parent")
			if !ok || parent.Equal(w) {
				break
			}
			w = parent
		}
		return js.Value{}, false
	}
	win := js.Global()
	if api, ok := search(win); ok {
		return api, true
	}
	if opener, ok := jsGet(win, "opener"); ok && opener.Truthy() {
		return search(opener)
	}
	return js.Value{}, false
}

// jsGet reads a property, reporting false where the browser refuses (a
// window of another origin).
func jsGet(v js.Value, name string) (out js.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return v.Get(name), true
}

// lmsCall calls an API method and returns its result as a string; an LMS
// that throws is treated as one that failed.
func lmsCall(api js.Value, method string, args ...any) (out string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	r := api.Call(method, args...)
	if r.Type() == js.TypeBoolean {
		return strconv.FormatBool(r.Bool()), true
	}
	return r.String(), true
}
