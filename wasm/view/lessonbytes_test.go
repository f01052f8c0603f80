package view

import (
	"testing"

	"pop3lab/lessons/render"
	"pop3lab/sim"
	"pop3lab/sim/annotate"
)

// TestLessonByteLinks runs every bytes block of the course as the app
// does (the lesson's scenario to the block's step) and checks the span
// the byte view opens at, so the lessons' walk-throughs stay true.
func TestLessonByteLinks(t *testing.T) {
	want := map[string]struct {
		conn             int
		leaf, value, rec string
	}{
		"06-what-an-eavesdropper-sees-bytes-1": {1, "password", "wonderland", "command PASS"},
		"06-what-an-eavesdropper-sees-bytes-2": {2, "initial response (base64)", "wonderland", "command AUTH"},
		"06-what-an-eavesdropper-sees-bytes-3": {3, "encrypted application data", "", "TLS record: application_data (0x17)"},
		"07-encrypting-retrieval-bytes-1":      {1, "host name", "mail.pop3lab.example", "TLS record: handshake (0x16)"},
		"07-encrypting-retrieval-bytes-2":      {3, "encrypted application data", "", "TLS record: application_data (0x17)"},
	}
	course, err := render.Course()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range course {
		for _, bl := range l.ByteLinks {
			t.Run(bl.ID, func(t *testing.T) {
				w, ok := want[bl.ID]
				if !ok {
					t.Fatalf("bytes block %s (%q) is not checked here: add it to the table", bl.ID, bl.Caption)
				}
				seen++
				var src string
				for _, sc := range l.Scenarios {
					if sc.ID == bl.Scenario {
						src = sc.Source
					}
				}
				p, err := NewPlayer(src, sim.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer p.Sim().Close()
				p.SkipTo(bl.Step)
				if p.Done() != bl.Step {
					t.Fatalf("the scenario stopped at step %d of %d", p.Done(), bl.Step)
				}
				s := p.Sim()
				conn := s.LastConn()
				recs := annotate.Annotate(s.Segments(conn))
				link, f, err := EavesdropLink(conn, recs, bl.Show)
				if err != nil {
					t.Fatal(err)
				}
				v := NewByteView(conn, recs, link.Segment)
				i, ok := v.Locate(link)
				if !ok {
					t.Fatalf("link %+v locates no leaf", link)
				}
				leaf := v.Leaves[i]
				if conn != w.conn || leaf.Span().Label != w.leaf || leaf.Path[0].Label != w.rec || w.value != "" && f.Value != w.value {
					t.Errorf("opens connection %d, leaf %q of %q, finding %q; want connection %d, leaf %q of %q, finding %q",
						conn, leaf.Span().Label, leaf.Path[0].Label, f.Value, w.conn, w.leaf, w.rec, w.value)
				}
			})
		}
	}
	if seen != len(want) {
		t.Errorf("the course has %d bytes blocks, the table %d", seen, len(want))
	}
}

// TestEavesdropLinkErrors: a link the lab's connection cannot give says
// why, in the words the page's notice shows.
func TestEavesdropLinkErrors(t *testing.T) {
	tests := []struct {
		name, src, show, err string
	}{
		{"no connection", "title: t\nclient: tls=none\n", "password", "the lab has made no connection yet"},
		{"nothing given away", "title: t\nclient: tls=none\nconnect\nC: CAPA\n", "password", "connection 1 gives no password away (no)"},
		{"unknown name", "title: t\nclient: tls=none\nconnect\n", "the key", `no finding is called "the key": want one of ["password" "user name" "server name" "message sizes"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlayer(tt.src, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Sim().Close()
			p.SkipTo(p.Steps())
			s := p.Sim()
			var recs []annotate.Record
			if s.LastConn() > 0 {
				recs = annotate.Annotate(s.Segments(s.LastConn()))
			}
			_, _, err = EavesdropLink(s.LastConn(), recs, tt.show)
			if err == nil || err.Error() != tt.err {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}
