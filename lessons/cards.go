package lessons

// Card is a flashcard: a term and its explanation. A ```cards block
// holds one card per line, "Term :: Explanation"; a line
// "@include 01-where-pop3-fits.md" brings in the cards of another lesson
// (the review lesson gathers the whole deck that way). Text may hold
// `code spans`.
type Card struct {
	// ID is "DECK/term", unique in the course: the key for spaced review.
	ID string `json:"id"`
	// Deck is the slug of the lesson that defines the card.
	Deck string `json:"deck"`
	// Term and Explanation are the two sides of the card.
	Term        string `json:"term"`
	Explanation string `json:"explanation"`
	// Line is the markdown line of the card in its lesson.
	Line int `json:"line"`
}
