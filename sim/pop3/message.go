package pop3

import (
	"crypto/md5"
	"encoding/hex"
)

// MaxMessageNumber is the largest message number ParseMessageNumber
// accepts, so that numbers fit an int32 on every platform.
const MaxMessageNumber = 1<<31 - 1

// MaxUID is the longest unique-id listing string (RFC 1939 §7).
const MaxUID = 70

// ParseMessageNumber parses a message number as RFC 1939 §3 writes one:
// decimal digits only, no sign, no spaces, at most MaxMessageNumber. Zero
// parses: it names no message, which is the caller's answer to give.
func ParseMessageNumber[T ~string | ~[]byte](s T) (int, bool) {
	n, ok := ParseDecimal(s)
	if !ok || n > MaxMessageNumber {
		return 0, false
	}
	return int(n), true
}

// ParseDecimal parses an unsigned decimal of 1 to 18 digits, no sign and
// no spaces: a size or a count, small enough to fit an int64 without
// overflow checks.
func ParseDecimal[T ~string | ~[]byte](s T) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// ValidUID reports whether s may be a unique-id: 1 to MaxUID characters
// in the range 0x21 to 0x7E (RFC 1939 §7).
func ValidUID(s string) bool {
	if len(s) < 1 || len(s) > MaxUID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// APOPDigest returns the APOP digest of RFC 1939 §7: the MD5 of the
// greeting's timestamp followed by the shared secret, as 32 lower-case hex
// digits.
func APOPDigest(timestamp, secret string) string {
	sum := md5.Sum([]byte(timestamp + secret))
	return hex.EncodeToString(sum[:])
}
