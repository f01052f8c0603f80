package maildrop

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"runtime"
)

// countLF returns the number of LF octets in p: bytes.Count, which is
// vectorised natively, and countLFWords under js/wasm, where bytes.Count
// looks at one octet at a time (the comparison is a constant, so each
// build keeps one of the two).
func countLF(p []byte) int {
	if runtime.GOARCH == "wasm" {
		return countLFWords(p)
	}
	return bytes.Count(p, lf)
}

// countLFWords returns the number of LF octets in p, eight octets at a
// time: a zero-octet test on 64-bit words, counted with popcnt. Under
// js/wasm this makes delivering the 2 MB sample message at every page
// start several times quicker.
func countLFWords(p []byte) int {
	const (
		ones = 0x0101010101010101
		low7 = 0x7f7f7f7f7f7f7f7f
	)
	n := 0
	for len(p) >= 8 {
		x := binary.LittleEndian.Uint64(p) ^ ('\n' * ones) // zero octets where p has LF
		// The high bit of each octet of zero is set exactly where x has
		// a zero octet (no carry crosses octets: the low seven bits are
		// added alone).
		zero := ^((x&low7 + low7) | x | low7)
		n += bits.OnesCount64(zero)
		p = p[8:]
	}
	for _, c := range p {
		if c == '\n' {
			n++
		}
	}
	return n
}
