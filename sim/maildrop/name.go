package maildrop

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"pop3lab/sim/pop3"
)

// A Maildir file name is "unique:info" (https://cr.yp.to/proto/maildir.html).
// The delivering agent picks the unique part and nobody changes it; mail
// readers change the info ("2," and the flags) by renaming the file. Dovecot
// adds fields to the unique part: ",S=<file size>" and ",W=<wire size>"
// (doc.dovecot.org, "Maildir mailbox format"), so that sizes are known from
// a directory listing alone. We do the same, and the unique id of a message
// is its unique part without those two fields: it survives flag changes and
// size fixes, as RFC 1939 §7 wants of UIDL.

const (
	// infoNew is the info a message gets when it moves from new/ to cur/:
	// version 2, no flags (Maildir "experimental semantics").
	infoNew = ":2,"
	// maxDecimal bounds the digits we parse from names so that every
	// value fits an int64.
	maxDecimal = 18
	// maxUser bounds user names: a directory name longer than 255 octets
	// fails on every common file system.
	maxUser = 255
)

// maildirName is a parsed Maildir file name.
type maildirName struct {
	base  string // the unique part without its S= and W= fields
	info  string // from the first ':' on; "" when the name has none
	size  int64  // S=: the file size the name claims
	wire  int64  // W=: the wire size the name claims
	sized bool   // exactly one S= and one W= field, both decimal
}

// parseName splits a Maildir file name into its base, sizes and info.
func parseName(name string) maildirName {
	var n maildirName
	uniq := name
	if i := strings.IndexByte(name, ':'); i >= 0 {
		uniq, n.info = name[:i], name[i:]
	}
	first := strings.IndexByte(uniq, ',')
	if first < 0 {
		n.base = uniq
		return n
	}
	// The first field is the unique name proper; later fields may be
	// S=, W= or anything another agent added, which stays in the base.
	var b strings.Builder
	b.Grow(len(uniq))
	b.WriteString(uniq[:first])
	var sCount, wCount int
	for _, f := range strings.Split(uniq[first+1:], ",") {
		if v, ok := decimalField(f, "S="); ok {
			n.size = v
			sCount++
			continue
		}
		if v, ok := decimalField(f, "W="); ok {
			n.wire = v
			wCount++
			continue
		}
		b.WriteByte(',')
		b.WriteString(f)
	}
	n.base = b.String()
	n.sized = sCount == 1 && wCount == 1
	return n
}

// decimalField returns the value of a field "<prefix><digits>".
func decimalField(f, prefix string) (int64, bool) {
	digits, ok := strings.CutPrefix(f, prefix)
	if !ok || digits == "" || len(digits) > maxDecimal {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	return v, err == nil
}

// sizedName is the name a message file should have: its base, both sizes,
// then its info, or ":2," when it has none (a message leaving new/, or a
// file someone dropped into cur/ without one).
func sizedName(base string, size, wire int64, info string) string {
	if info == "" {
		info = infoNew
	}
	return base + ",S=" + strconv.FormatInt(size, 10) + ",W=" + strconv.FormatInt(wire, 10) + info
}

// leadingSeconds returns the delivery time that starts a Maildir unique
// name: decimal Unix seconds followed by a dot ("1700000000.M...").
func leadingSeconds(base string) (int64, bool) {
	i := 0
	for i < len(base) && i <= maxDecimal && base[i] >= '0' && base[i] <= '9' {
		i++
	}
	if i == 0 || i > maxDecimal || i == len(base) || base[i] != '.' {
		return 0, false
	}
	v, err := strconv.ParseInt(base[:i], 10, 64)
	return v, err == nil
}

// validUID reports whether s may be sent as a unique-id (RFC 1939 §7).
func validUID(s string) bool { return pop3.ValidUID(s) }

// hashUID derives a valid unique-id from a base that is not one itself
// (too long, spaces, non-ASCII): "h" and 40 hex digits of its SHA-256.
// The same base always gives the same id, in every session and process.
func hashUID(base string) string {
	sum := sha256.Sum256([]byte(base))
	return "h" + hex.EncodeToString(sum[:20])
}

// uidFor is the unique-id of a message with this base when no other
// message claims it first.
func uidFor(base string) string {
	if validUID(base) {
		return base
	}
	return hashUID(base)
}

// ValidUser reports whether user can name a maildrop: Open, Deliver and
// List refuse other names with ErrBadUser.
func ValidUser(user string) bool { return validUser(user) }

// validUser reports whether user can name a maildrop directory: one path
// element that is not hidden, with no separators or control octets.
func validUser(user string) bool {
	if user == "" || len(user) > maxUser || user[0] == '.' || !utf8.ValidString(user) {
		return false
	}
	for i := 0; i < len(user); i++ {
		c := user[i]
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' {
			return false
		}
	}
	return true
}

// escapeHost makes a host name safe inside a Maildir unique name. The
// Maildir specification replaces "/" with "\057" and ":" with "\072"; we
// write every other octet that could break a name or a unique-id the same
// way (octal escape): "," would start a size field, and spaces, control and
// non-ASCII octets are not allowed in a UIDL (RFC 1939 §7).
func escapeHost(host string) string {
	var b strings.Builder
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c <= 0x20 || c >= 0x7f || c == '/' || c == ':' || c == ',' || c == '\\' {
			fmt.Fprintf(&b, "\\%03o", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
