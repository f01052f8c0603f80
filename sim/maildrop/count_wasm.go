package maildrop

// countLF returns the number of LF octets in p.
func countLF(p []byte) int { return countLFWords(p) }
