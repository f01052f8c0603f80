package view

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// ProgressVersion is the version of the saved progress format.
const ProgressVersion = 1

// Progress is a learner's course progress, kept in the browser: lessons
// completed, quiz scores, and the flashcard schedule.
type Progress struct {
	Version   int                  `json:"v"`
	Completed map[string]bool      `json:"completed,omitempty"`
	Quizzes   map[string]QuizScore `json:"quizzes,omitempty"`
	Cards     map[string]CardState `json:"cards,omitempty"`
	// Read are the lessons the learner has opened: only their cards are
	// due for review.
	Read map[string]bool `json:"read,omitempty"`
	// Challenges are the results of the graded challenges, by ID.
	Challenges map[string]ChallengeScore `json:"challenges,omitempty"`
	// Last is the lesson open when the learner left, reopened on return.
	Last string `json:"last,omitempty"`
}

// QuizScore is the latest and best result of one quiz.
type QuizScore struct {
	Right, Total, Best int
}

// ChallengeScore is the latest and best result of one challenge: points
// (after hint costs) out of Max, and whether every item was done.
type ChallengeScore struct {
	Score, Max, Best int
	Complete         bool `json:",omitempty"`
}

// CardState is where a flashcard is in the Leitner schedule.
type CardState struct {
	Box int   `json:"box"` // 1..len(ReviewIntervals)
	Due int64 `json:"due"` // unix seconds
}

// ReviewIntervals are the waits after a card is known, by Leitner box:
// a card moves up a box each time it is known and back to box 1 when not.
var ReviewIntervals = []time.Duration{0, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 16 * 24 * time.Hour}

// NewProgress returns empty progress.
func NewProgress() *Progress {
	return &Progress{Version: ProgressVersion, Completed: map[string]bool{}, Quizzes: map[string]QuizScore{}, Cards: map[string]CardState{}, Read: map[string]bool{}, Challenges: map[string]ChallengeScore{}}
}

// LoadProgress decodes saved progress; damage gives an error wrapping
// ErrCorrupt and the caller starts afresh.
func LoadProgress(b []byte) (*Progress, error) {
	p := NewProgress()
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if p.Version != ProgressVersion {
		return nil, fmt.Errorf("%w: progress version %d", ErrCorrupt, p.Version)
	}
	if p.Completed == nil {
		p.Completed = map[string]bool{}
	}
	if p.Quizzes == nil {
		p.Quizzes = map[string]QuizScore{}
	}
	if p.Cards == nil {
		p.Cards = map[string]CardState{}
	}
	if p.Read == nil {
		p.Read = map[string]bool{}
	}
	if p.Challenges == nil {
		p.Challenges = map[string]ChallengeScore{}
	}
	for id, c := range p.Challenges {
		if c.Max < 0 || c.Score < 0 || c.Score > c.Max || c.Best < 0 || c.Best > c.Max {
			return nil, fmt.Errorf("%w: challenge %s scored %d (best %d) of %d", ErrCorrupt, id, c.Score, c.Best, c.Max)
		}
	}
	for id, c := range p.Cards {
		if c.Box < 1 || c.Box > len(ReviewIntervals) {
			return nil, fmt.Errorf("%w: card %s in box %d", ErrCorrupt, id, c.Box)
		}
	}
	return p, nil
}

// Save encodes the progress.
func (p *Progress) Save() ([]byte, error) { return json.Marshal(p) }

// Score records a quiz result. A lesson is complete once all of its quiz
// questions were answered right.
func (p *Progress) Score(lesson, quiz string, right, total int) {
	s := p.Quizzes[quiz]
	s.Right, s.Total = right, total
	s.Best = max(s.Best, right)
	p.Quizzes[quiz] = s
	if total > 0 && right == total {
		p.Completed[lesson] = true
	}
}

// Merge adds other's progress to p, losing nothing of either: lessons
// completed or read in either, each quiz and challenge with the better best
// result, each card at the higher box (the later due date on a tie). It
// is how a progress file from another browser is imported.
func (p *Progress) Merge(other *Progress) {
	for slug := range other.Completed {
		p.Completed[slug] = true
	}
	for slug := range other.Read {
		p.Read[slug] = true
	}
	for id, q := range other.Quizzes {
		if old, ok := p.Quizzes[id]; !ok || q.Best > old.Best {
			p.Quizzes[id] = q
		}
	}
	for id, c := range other.Challenges {
		old, ok := p.Challenges[id]
		if !ok || c.Best > old.Best {
			old.Score, old.Max, old.Best = c.Score, c.Max, c.Best
		}
		old.Complete = old.Complete || c.Complete
		p.Challenges[id] = old
	}
	for id, c := range other.Cards {
		if old, ok := p.Cards[id]; !ok || c.Box > old.Box || c.Box == old.Box && c.Due > old.Due {
			p.Cards[id] = c
		}
	}
	if p.Last == "" {
		p.Last = other.Last
	}
}

// ChallengeResult records a challenge's grade, and reports whether the
// saved result changed. A challenge once complete stays complete.
func (p *Progress) ChallengeResult(id string, score, maxScore int, complete bool) bool {
	old, seen := p.Challenges[id]
	c := ChallengeScore{Score: score, Max: maxScore, Best: max(old.Best, score), Complete: old.Complete || complete}
	if seen && c == old {
		return false
	}
	p.Challenges[id] = c
	return true
}

// MarkRead records that the learner opened a lesson, and reports whether
// that is new.
func (p *Progress) MarkRead(lesson string) bool {
	if p.Read[lesson] {
		return false
	}
	p.Read[lesson] = true
	return true
}

// IsRead reports whether the learner has opened a lesson (or completed it,
// for progress saved before lessons were marked read).
func (p *Progress) IsRead(lesson string) bool { return p.Read[lesson] || p.Completed[lesson] }

// Percent is the share of lessons completed, 0 to 100.
func (p *Progress) Percent(lessons int) int {
	if lessons == 0 {
		return 0
	}
	n := len(p.Completed)
	return min(100, n*100/lessons)
}

// Due returns the cards of the deck (all card ids of the course) that are
// due at now, new cards (never reviewed) included, in deck order.
func (p *Progress) Due(deck []string, now time.Time) []string {
	var due []string
	for _, id := range deck {
		c, seen := p.Cards[id]
		if !seen || c.Due <= now.Unix() {
			due = append(due, id)
		}
	}
	return due
}

// Review records an answer to a card: known moves it up a box and
// schedules it later; not known sends it back to box 1, due now.
func (p *Progress) Review(id string, known bool, now time.Time) {
	c := p.Cards[id]
	if c.Box == 0 {
		c.Box = 1
	}
	if known {
		c.Box = min(c.Box+1, len(ReviewIntervals))
	} else {
		c.Box = 1
	}
	c.Due = now.Add(ReviewIntervals[c.Box-1]).Unix()
	p.Cards[id] = c
}

// CompletedSlugs lists the completed lessons, sorted.
func (p *Progress) CompletedSlugs() []string {
	var s []string
	for slug := range p.Completed {
		s = append(s, slug)
	}
	sort.Strings(s)
	return s
}
