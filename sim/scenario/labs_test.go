package scenario

import (
	"strings"
	"testing"

	"pop3lab/sim"
)

// TestLabs runs every built-in lab: each asserts its own lesson (what the
// eavesdropper saw, what the client and server did).
func TestLabs(t *testing.T) {
	labs := Labs()
	want := []string{"sniffing", "stls-stripping", "starttls-injection", "password-guessing", "apop", "two-devices"}
	var names []string
	for _, l := range labs {
		names = append(names, l.Name)
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("labs = %v, want %v", names, want)
	}
	for _, lab := range labs {
		t.Run(lab.Name, func(t *testing.T) {
			if lab.Title == "" || lab.Summary == "" {
				t.Fatal("lab without title or summary")
			}
			sc, err := Parse(lab.Source)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Title != lab.Title || sc.Summary != lab.Summary {
				t.Fatalf("listed as %q / %q, parsed as %q / %q", lab.Title, lab.Summary, sc.Title, sc.Summary)
			}
			s, err := Run(sc, sim.Options{}, nil)
			if s != nil {
				defer s.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDivergenceIsReported: a wrong expectation names its line and what
// the server really sent.
func TestDivergenceIsReported(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"wrong line", "connect\nS~ .*\nC: USER alice\nS: +OK Go on.", `line 4 (step 2): expected "+OK Go on.", but the server sent "+OK Send your password."`},
		{"missing line", "connect\nS~ .*\nS: more", `line 3 (step 1): expected "more", but the server sent nothing more`},
		{"unchecked rest", "connect\nS~ .*\nC: USER alice\nC: PASS wonderland\nC: LIST 1\nS: +OK 1 956\nC: CAPA\nS: +OK Capability list follows", `line 7 (step 5): the server sent more than the S: lines expect, starting with "TOP" (end the checks with "S: ..." to skip the rest)`},
		{"tap", "client: tls=implicit\nconnect\nS~ .*\nexpect: tap has \"POP3 server ready\"", `line 4 (step 2): the eavesdropper did not see "POP3 server ready" on connection 1`},
		{"state", "connect\nexpect: state TRANSACTION", "line 2 (step 1): expected the session in TRANSACTION, but it is in AUTHORIZATION"},
		{"fetched", "client: leave-on-server=on\ndo: get-mail\nexpect: fetched 2", "line 3 (step 2): expected the mail client to fetch 2 messages, it fetched 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Run(sc, sim.Options{}, nil)
			if s != nil {
				defer s.Close()
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}
