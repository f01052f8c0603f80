package render

import (
	"fmt"
	"html"
	"path"
	"strings"

	"pop3lab/lessons"
)

// cardBlock is one cards block: its own cards and its includes.
type cardBlock struct {
	deck     string
	line     int
	own      []lessons.Card
	includes []include
	// cards are own plus the included cards, once Load resolved them.
	cards []lessons.Card
}

// include is an "@include FILE.md" line of a cards block.
type include struct {
	line int
	file string
}

// parseCards reads a cards block of the lesson whose slug is deck.
func parseCards(b block, deck string) (*cardBlock, []lineError) {
	cb := &cardBlock{deck: deck, line: b.fence}
	var errs []lineError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, lineError{line, "cards: " + fmt.Sprintf(format, args...)})
	}
	ids := map[string]int{}
	for i, raw := range b.contentLines() {
		n := b.line(i + 1)
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if hasControl(line) {
			fail(n, "control character in the line")
			continue
		}
		if file, ok := strings.CutPrefix(line, "@include"); ok && (file == "" || file[0] == ' ' || file[0] == '\t') {
			file = strings.TrimSpace(file)
			if !strings.HasSuffix(file, ".md") || strings.Contains(file, "/") || path.Clean(file) != file {
				fail(n, `want "@include NAME.md", a lesson in the course folder, got %q`, truncate(line, 40))
				continue
			}
			cb.includes = append(cb.includes, include{n, file})
			continue
		}
		term, why, ok := cutExplanation(line)
		switch {
		case !ok:
			fail(n, `want "Term :: Explanation", got %q`, truncate(line, 40))
			continue
		case term == "":
			fail(n, `empty term before "::"`)
			continue
		case why == "":
			fail(n, `empty explanation after "::"`)
			continue
		}
		id := deck + "/" + termSlug(term)
		if first, dup := ids[id]; dup {
			fail(n, "the term %q repeats the card on line %d", truncate(term, 30), first)
			continue
		}
		ids[id] = n
		cb.own = append(cb.own, lessons.Card{ID: id, Deck: deck, Term: term, Explanation: why, Line: n})
	}
	if len(cb.own) == 0 && len(cb.includes) == 0 && len(errs) == 0 {
		fail(b.fence, "no cards")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	cb.cards = cb.own
	return cb, nil
}

// termSlug makes the term part of a card ID: lower-case letters and
// digits, other runs of characters as one "-".
func termSlug(term string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(term) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "card"
	}
	return b.String()
}

// html renders the block as a definition list of cards.
func (cb *cardBlock) html() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<dl class="cards" data-deck="%s">`+"\n", html.EscapeString(cb.deck))
	for _, c := range cb.cards {
		fmt.Fprintf(&b, `<div class="card" data-card="%s"><dt>%s</dt><dd>%s</dd></div>`+"\n", html.EscapeString(c.ID), inlineText(c.Term), inlineText(c.Explanation))
	}
	b.WriteString("</dl>\n")
	return b.String()
}
