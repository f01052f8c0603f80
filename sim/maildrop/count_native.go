//go:build !wasm

package maildrop

import "bytes"

// countLF returns the number of LF octets in p. bytes.Count is vectorised
// here.
func countLF(p []byte) int { return bytes.Count(p, lf) }
