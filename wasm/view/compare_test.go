package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/client"
	"pop3lab/sim/maildrop"
	"pop3lab/sim/sample"
	"pop3lab/sim/wire"
)

// smallMaildrop delivers two short messages, the second with a line that
// is dot-stuffed on the wire, so that the runs stay quick.
func smallMaildrop(serverFS, _ hackpadfs.FS) error {
	store := maildrop.NewStore(serverFS, "", maildrop.Options{Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }, Hostname: "mx.pop3lab.example"})
	for _, m := range []string{
		"From: bob@pop3lab.example\r\nSubject: hi\r\n\r\nHello.\r\n",
		"From: bob@pop3lab.example\r\nSubject: dots\r\n\r\n.hidden\r\nend\r\n",
	} {
		if _, err := store.Deliver(sample.User, strings.NewReader(m)); err != nil {
			return err
		}
	}
	return nil
}

// learned renders the four findings of a column in one line each.
func learned(l Learned) string {
	f := func(name string, x Finding) string {
		yes := "no"
		if x.Seen {
			yes = "yes"
		}
		s := fmt.Sprintf("%s: %s: %s", name, yes, x.Value)
		if x.Where != "" {
			s += " @ " + x.Where
		}
		return s
	}
	return strings.Join([]string{f("password", l.Password), f("user", l.User), f("server", l.ServerName), f("sizes", l.Sizes)}, "\n")
}

// TestCompare runs the four modes with each login the client knows and
// checks, column by column, what the eavesdropper learns.
func TestCompare(t *testing.T) {
	const (
		// The two messages: 27+13+2+8 and 27+15+2+9+5 octets with CRLF
		// (RFC 1939 §11: the stuffed dot of ".hidden" is not counted).
		sizes    = "sizes: yes: exactly, from the messages read in the clear: 50, 58 octets"
		sni      = "server: yes: mail.pop3lab.example @ ClientHello, connection 1, segment "
		noSNI    = "server: no: no ClientHello names it"
		noUser   = "user: no: no"
		noPass   = "password: no: no"
		tlsSizes = "sizes: yes: roughly, from record lengths: "
	)
	for _, tc := range []struct {
		auth client.AuthMethod
		want [4][]string // per mode: lines the column's findings start with
	}{
		{client.AuthUserPass, [4][]string{
			{"password: yes: wonderland @ command PASS, connection 1, segment 6", "user: yes: alice @ command USER, connection 1, segment 4", noSNI, sizes + " @ RETR answer"},
			{noPass, noUser, sni + "6", tlsSizes},
			{noPass, noUser, sni + "1", tlsSizes},
			{"password: yes: wonderland @ command PASS", "user: yes: alice @ command USER", noSNI, sizes},
		}},
		{client.AuthAPOP, [4][]string{
			{"password: no: no: only the APOP digest ", "user: yes: alice @ command APOP", noSNI, sizes},
			{noPass, noUser, sni, tlsSizes},
			{noPass, noUser, sni, tlsSizes},
			{"password: no: no: only the APOP digest ", "user: yes: alice @ command APOP", noSNI, sizes},
		}},
		{client.AuthPlain, [4][]string{
			{"password: yes: wonderland @ command AUTH", "user: yes: alice @ command AUTH", noSNI, sizes},
			{noPass, noUser, sni, tlsSizes},
			{noPass, noUser, sni, tlsSizes},
			{"password: yes: wonderland @ command AUTH", "user: yes: alice @ command AUTH", noSNI, sizes},
		}},
	} {
		t.Run(tc.auth.String(), func(t *testing.T) {
			st := sim.DefaultSettings()
			st.Client.Auth = tc.auth
			st.Server.TLS = false // Compare turns it on
			cols, err := Compare(sim.Options{Seed: 3, Settings: &st, Setup: smallMaildrop})
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) != len(SecurityModes) {
				t.Fatalf("%d columns", len(cols))
			}
			for i, c := range cols {
				got := strings.Split(learned(c.Learned), "\n")
				for j, w := range tc.want[i] {
					if !strings.HasPrefix(got[j], w) {
						t.Errorf("%s, finding %d:\n got %s\nwant %s…", c.Mode.Name, j, got[j], w)
					}
				}
				if !strings.HasPrefix(c.Outcome, "downloaded 2, TLS: ") {
					t.Errorf("%s: outcome %q", c.Mode.Name, c.Outcome)
				}
				// A finding opens the span it came from.
				for _, f := range []Finding{c.Learned.Password, c.Learned.User, c.Learned.ServerName} {
					if f.Seen && !findingLocates(c, f) {
						t.Errorf("%s: finding %+v does not locate a leaf", c.Mode.Name, f)
					}
				}
			}
		})
	}
}

// findingLocates reports whether f names a leaf span of a record the
// finding's segment carried.
func findingLocates(c Column, f Finding) bool {
	v := NewByteView(f.Conn, c.Records[f.Conn-1], f.Segment)
	i, ok := v.Locate(ByteLink{Conn: f.Conn, Segment: f.Segment, Record: f.Record, Start: f.Start})
	return ok && v.Leaves[i].Span().Start == f.Start
}

// TestCompareWire checks the columns' wire summaries: who speaks TLS, and
// the attacker's rewritten CAPA in the stripped column only.
func TestCompareWire(t *testing.T) {
	cols, err := Compare(sim.Options{Seed: 3, Setup: smallMaildrop})
	if err != nil {
		t.Fatal(err)
	}
	kinds := func(c Column) string {
		var out []string
		for _, r := range c.Summary {
			out = append(out, fmt.Sprintf("%v %s ×%d", r.Dir, r.Kind, r.Records))
		}
		return strings.Join(out, "; ")
	}
	has := func(c Column, kind string) bool {
		for _, r := range c.Summary {
			if r.Kind == kind {
				return true
			}
		}
		return false
	}
	for i, want := range []struct{ tls, pop3, attacker bool }{
		{false, true, false}, {true, true, false}, {true, false, false}, {false, true, true},
	} {
		c := cols[i]
		if has(c, "TLS handshake") != want.tls || has(c, "POP3 line") != want.pop3 || has(c, "POP3 line, rewritten by the attacker") != want.attacker {
			t.Errorf("%s: %s", c.Mode.Name, kinds(c))
		}
		total := 0
		for _, r := range c.Summary {
			total += r.Bytes
		}
		var wireBytes int
		for _, segs := range c.Conns {
			for _, s := range segs {
				wireBytes += len(s.Payload)
			}
		}
		if total != wireBytes {
			t.Errorf("%s: the summary counts %d bytes, the wire carried %d", c.Mode.Name, total, wireBytes)
		}
	}
	// The plaintext column's first rows, exactly.
	if got := kinds(cols[0]); !strings.HasPrefix(got, "C->S SYN ×1; S->C POP3 line ×") {
		t.Errorf("plaintext summary %s", got)
	}
}

// TestEavesdropTLSAnswers: the server's encrypted records between two of
// the client's form one answer, its size their lengths less the TLS 1.3
// overhead (RFC 8446 §5.2).
func TestEavesdropTLSAnswers(t *testing.T) {
	appData := func(dir wire.Dir, n int) annotate.Record {
		return annotate.Record{Kind: annotate.TLSRecord, Dir: dir, Segments: []int{1}, Bytes: make([]byte, 5+n),
			Span: annotate.Span{End: 5 + n, Label: "TLS record: application_data (0x17)", Children: []annotate.Span{
				{End: 5, Label: "record header"}, {Start: 5, End: 5 + n, Label: "encrypted application data"}}}}
	}
	recs := []annotate.Record{
		appData(wire.ServerToClient, 100), appData(wire.ServerToClient, 50),
		appData(wire.ClientToServer, 30),
		appData(wire.ServerToClient, 1000),
	}
	l := Eavesdrop([][]annotate.Record{recs})
	want := fmt.Sprintf("roughly, from record lengths: 2 encrypted answers, the largest about %d, %d bytes", 1000-annotate.AEADOverhead, 150-2*annotate.AEADOverhead)
	if l.Sizes.Value != want || !l.Sizes.Seen {
		t.Fatalf("sizes %+v, want %q", l.Sizes, want)
	}
	if l.Password.Seen || l.User.Seen || l.ServerName.Seen {
		t.Fatalf("learned %+v", l)
	}
}

// BenchmarkCompare measures one side-by-side run: four fresh simulations
// of the sample maildrop's Get mail (2 MB, one large attachment), each
// annotated whole.
func BenchmarkCompare(b *testing.B) {
	if _, err := sim.SharedCertificate(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Compare(sim.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
