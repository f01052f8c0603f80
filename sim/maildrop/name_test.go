package maildrop

import (
	"errors"
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		name  string
		want  maildirName
		sized string // the name sizedName builds back, with S=1,W=2
	}{
		{"1700000000.M1P2Q3.host", maildirName{base: "1700000000.M1P2Q3.host"}, "1700000000.M1P2Q3.host,S=1,W=2:2,"},
		{"1700000000.M1P2Q3.host,S=10,W=12", maildirName{base: "1700000000.M1P2Q3.host", size: 10, wire: 12, sized: true}, "1700000000.M1P2Q3.host,S=1,W=2:2,"},
		{"1700000000.M1P2Q3.host,S=10,W=12:2,S", maildirName{base: "1700000000.M1P2Q3.host", info: ":2,S", size: 10, wire: 12, sized: true}, "1700000000.M1P2Q3.host,S=1,W=2:2,S"},
		{"u,W=12,S=10:2,RS", maildirName{base: "u", info: ":2,RS", size: 10, wire: 12, sized: true}, "u,S=1,W=2:2,RS"},
		// Other agents' fields stay in the base; only S= and W= go.
		{"u,X=1,S=10,W=12:2,", maildirName{base: "u,X=1", info: ":2,", size: 10, wire: 12, sized: true}, "u,X=1,S=1,W=2:2,"},
		// Only S= is not enough to trust.
		{"u,S=10:2,", maildirName{base: "u", info: ":2,", size: 10}, "u,S=1,W=2:2,"},
		// Two S= fields: which one is right? Neither is trusted.
		{"u,S=10,S=11,W=12", maildirName{base: "u", size: 11, wire: 12}, "u,S=1,W=2:2,"},
		// Not decimal: an ordinary field, kept in the base.
		{"u,S=ten,W=12", maildirName{base: "u,S=ten", wire: 12}, "u,S=ten,S=1,W=2:2,"},
		{"u,S=,W=12", maildirName{base: "u,S=", wire: 12}, "u,S=,S=1,W=2:2,"},
		{"u,S=-1,W=2", maildirName{base: "u,S=-1", wire: 2}, "u,S=-1,S=1,W=2:2,"},
		// The first field is the unique name even when it looks like a size.
		{"S=5", maildirName{base: "S=5"}, "S=5,S=1,W=2:2,"},
		{"msg1.eml", maildirName{base: "msg1.eml"}, "msg1.eml,S=1,W=2:2,"},
		{"a,,b,", maildirName{base: "a,,b,"}, "a,,b,,S=1,W=2:2,"},
		// The info starts at the first colon; later colons belong to it.
		{"u:2,S:x,S=1", maildirName{base: "u", info: ":2,S:x,S=1"}, "u,S=1,W=2:2,S:x,S=1"},
		{":2,", maildirName{base: "", info: ":2,"}, ",S=1,W=2:2,"},
	}
	for _, tc := range tests {
		got := parseName(tc.name)
		if got != tc.want {
			t.Errorf("parseName(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
		sized := sizedName(got.base, 1, 2, got.info)
		if sized != tc.sized {
			t.Errorf("sizedName for %q = %q, want %q", tc.name, sized, tc.sized)
		}
		// The base survives the rename: this is what keeps UIDs stable.
		if back := parseName(sized); back.base != got.base || !back.sized || back.size != 1 || back.wire != 2 {
			t.Errorf("parseName(%q) = %+v, base/sizes lost", sized, back)
		}
	}
}

func TestLeadingSeconds(t *testing.T) {
	tests := []struct {
		base string
		secs int64
		ok   bool
	}{
		{"1700000000.M1P2Q3.host", 1700000000, true},
		{"999999999.x", 999999999, true},
		{"0.x", 0, true},
		{"1700000000", 0, false},
		{"1700000000x.y", 0, false},
		{"msg1.eml", 0, false},
		{".1", 0, false},
		{"", 0, false},
		{"123456789012345678.x", 123456789012345678, true},
		{"1234567890123456789.x", 0, false}, // too many digits to be a time
	}
	for _, tc := range tests {
		secs, ok := leadingSeconds(tc.base)
		if secs != tc.secs || ok != tc.ok {
			t.Errorf("leadingSeconds(%q) = %d, %v; want %d, %v", tc.base, secs, ok, tc.secs, tc.ok)
		}
	}
}

// RFC 1939 §7: a unique-id is 1 to 70 characters in 0x21 to 0x7E.
func TestUIDForRFC1939Section7(t *testing.T) {
	tests := []struct {
		base   string
		hashed bool
	}{
		{"1700000000.M1P2Q3.host", false},
		{"msg1.eml", false},
		{strings.Repeat("a", 70), false},
		{strings.Repeat("a", 71), true},
		{"", true},
		{"my message.eml", true},
		{"tab\there", true},
		{"r\xc3\xa9sum\xc3\xa9.eml", true},
		{"del\x7f", true},
		{"!~", false},
	}
	for _, tc := range tests {
		uid := uidFor(tc.base)
		if !validUID(uid) {
			t.Errorf("uidFor(%q) = %q: not a valid unique-id", tc.base, uid)
		}
		if hashed := uid != tc.base; hashed != tc.hashed {
			t.Errorf("uidFor(%q) = %q, hashed=%v, want %v", tc.base, uid, hashed, tc.hashed)
		}
		if uidFor(tc.base) != uid {
			t.Errorf("uidFor(%q) is not deterministic", tc.base)
		}
	}
	if hashUID("a") == hashUID("b") {
		t.Error("hashUID does not distinguish bases")
	}
	if got := len(hashUID("x")); got != 41 {
		t.Errorf("len(hashUID) = %d, want 41", got)
	}
}

func TestAssignUIDsUniqueAndStable(t *testing.T) {
	msgs := []entry{
		{base: "a"},
		{base: hashUID("x y")}, // a file literally named like the hash of another
		{base: "x y"},
		{base: "a"}, // a duplicate base
		{base: "a"},
		{base: strings.Repeat("z", 80)},
	}
	assignUIDs(msgs)
	seen := map[string]bool{}
	for i, e := range msgs {
		if !validUID(e.uid) {
			t.Errorf("msg %d: invalid uid %q", i, e.uid)
		}
		if seen[e.uid] {
			t.Errorf("msg %d: uid %q used twice", i, e.uid)
		}
		seen[e.uid] = true
	}
	if msgs[0].uid != "a" || msgs[1].uid != hashUID("x y") {
		t.Errorf("valid bases must be their own uid: %q %q", msgs[0].uid, msgs[1].uid)
	}
	if !msgs[0].dupBase || !msgs[3].dupBase || msgs[2].dupBase {
		t.Errorf("dupBase flags wrong: %v %v %v", msgs[0].dupBase, msgs[3].dupBase, msgs[2].dupBase)
	}
	again := []entry{{base: "a"}, {base: hashUID("x y")}, {base: "x y"}, {base: "a"}, {base: "a"}, {base: strings.Repeat("z", 80)}}
	assignUIDs(again)
	for i := range msgs {
		if msgs[i].uid != again[i].uid {
			t.Errorf("msg %d: uid %q then %q: not deterministic", i, msgs[i].uid, again[i].uid)
		}
	}
}

func TestValidUser(t *testing.T) {
	tests := []struct {
		user string
		ok   bool
	}{
		{"alice", true},
		{"alice@example.org", true},
		{"bob smith", true},
		{"émile", true},
		{"a.b", true},
		{"", false},
		{".", false},
		{"..", false},
		{".hidden", false},
		{"a/b", false},
		{"a\\b", false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\x7fb", false},
		{"\xff", false},
		{strings.Repeat("u", 255), true},
		{strings.Repeat("u", 256), false},
	}
	for _, tc := range tests {
		if got := validUser(tc.user); got != tc.ok {
			t.Errorf("validUser(%q) = %v, want %v", tc.user, got, tc.ok)
		}
	}
}

func TestEscapeHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pop3lab", "pop3lab"},
		{"mail.example.org", "mail.example.org"},
		{"a/b", `a\057b`},
		{"a:b", `a\072b`},
		{"a,S=1", `a\054S=1`},
		{`a\b`, `a\134b`},
		{"a b", `a\040b`},
		{"h\xc3\xa9", `h\303\251`},
	}
	for _, tc := range tests {
		if got := escapeHost(tc.in); got != tc.want {
			t.Errorf("escapeHost(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJournalRoundTrip(t *testing.T) {
	recs := []journalRecord{
		{path: "cur/1.a,S=1,W=2:2,", base: "1.a", byBase: true},
		{path: "new/we\nird \"name\"", base: "we\nird \"name\"", byBase: false},
		{path: "cur/\xff", base: "\xff", byBase: true},
	}
	got, err := decodeJournal(encodeJournal(recs))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("got %d records, want %d", len(got), len(recs))
	}
	for i := range recs {
		if got[i] != recs[i] {
			t.Errorf("record %d: %+v, want %+v", i, got[i], recs[i])
		}
	}
}

func TestJournalRejectsDamage(t *testing.T) {
	bad := []string{
		"",
		"pop3lab-deletions 1",                // no final newline: cut short
		"pop3lab-deletions 2\n",              // unknown version
		"pop3lab-deletions 1\nu \"cur/a\"\n", // no base
		"pop3lab-deletions 1\nq \"cur/a\" \"a\"\n",              // bad flag
		"pop3lab-deletions 1\nu \"cur/a \"a\"\n",                // broken quoting
		"pop3lab-deletions 1\nu \"../../etc/passwd\" \"x\"\n",   // outside the maildrop
		"pop3lab-deletions 1\nu \"tmp/a\" \"a\"\n",              // not a message directory
		"pop3lab-deletions 1\nu \"cur/a/b\" \"a\"\n",            // nested
		"pop3lab-deletions 1\nu \"cur/..\" \"a\"\n",             // parent
		"pop3lab-deletions 1\nu \"cur/\" \"a\"\n",               // no name
		"pop3lab-deletions 1\nu \"cur/a\" \"a\" trailing\n",     // trailing junk
		"pop3lab-deletions 1\nu \"cur/a\" \"a\"\n\n",            // empty line
		"pop3lab-deletions 1\nu \"cur/a\\x00b\" \"a\"\n",        // NUL
		"garbage\nu \"cur/a\" \"a\"\n",                          // no header
		"pop3lab-deletions 1\nu \"cur/a\" \"a\"\nu \"cur/b\"\n", // second record cut
	}
	for _, s := range bad {
		if _, err := decodeJournal([]byte(s)); !errors.Is(err, errBadJournal) {
			t.Errorf("decodeJournal(%q) err = %v, want errBadJournal", s, err)
		}
	}
}
