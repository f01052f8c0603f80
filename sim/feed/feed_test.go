package feed

import (
	"encoding/json"
	"net"
	"testing"
	"time"

	"pop3lab/sim/pop3"
	"pop3lab/sim/server"
)

func TestFromServer(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 0, 0, 5, time.FixedZone("CET", 3600))
	remote := &net.TCPAddr{IP: net.IPv4(198, 51, 100, 7), Port: 50123}
	tests := []struct {
		name string
		in   server.Event
		want string // the JSON the page receives; "" when left out
	}{
		{"connect", server.Event{Kind: server.EventConnect, Session: 3, Time: at, Remote: remote, State: server.StateAuthorization, Note: "<1.2@mx>"},
			`{"session":3,"time":"2026-11-26T08:00:00.000000005Z","kind":"connect","remote":"198.51.100.7:50123","state":"AUTHORIZATION","tls":false,"note":"\u003c1.2@mx\u003e"}`},
		{"password redacted", server.Event{Kind: server.EventCommand, Session: 3, Time: at, User: "student01", State: server.StateAuthorization, TLS: true, Line: "PASS hunter22", Secret: pop3.Span{Start: 5, End: 13}},
			`{"session":3,"time":"2026-11-26T08:00:00.000000005Z","kind":"command","user":"student01","state":"AUTHORIZATION","tls":true,"line":"PASS ********"}`},
		{"response", server.Event{Kind: server.EventResponse, Session: 3, Time: at, State: server.StateTransaction, Line: "+OK 2 messages"},
			`{"session":3,"time":"2026-11-26T08:00:00.000000005Z","kind":"response","state":"TRANSACTION","tls":false,"line":"+OK 2 messages"}`},
		{"discarded plaintext dropped", server.Event{Kind: server.EventDiscard, Session: 3, Time: at, Line: "PASS hunter22", Note: "plaintext after STLS"},
			`{"session":3,"time":"2026-11-26T08:00:00.000000005Z","kind":"discard","state":"AUTHORIZATION","tls":false,"note":"plaintext after STLS"}`},
		{"body left out", server.Event{Kind: server.EventBody, Data: []byte("secret mail\r\n.\r\n")}, ""},
		{"maildrop left out", server.Event{Kind: server.EventMaildrop}, ""},
		{"mark left out", server.Event{Kind: server.EventMark}, ""},
		{"unmark left out", server.Event{Kind: server.EventUnmark}, ""},
		{"commit left out", server.Event{Kind: server.EventCommit}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, ok := FromServer(tt.in)
			if !ok {
				if tt.want != "" {
					t.Fatalf("left out, want %s", tt.want)
				}
				return
			}
			if tt.want == "" {
				t.Fatalf("sent %+v, want it left out", ev)
			}
			b, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
			var back Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back != ev {
				t.Errorf("round trip %+v, want %+v", back, ev)
			}
		})
	}
}

// TestUnknownKindIsAnError keeps a feed from a newer server from being
// read as some other kind.
func TestUnknownKindIsAnError(t *testing.T) {
	var e Event
	if err := json.Unmarshal([]byte(`{"kind":"teleport"}`), &e); err == nil {
		t.Fatalf("decoded %+v, want an error", e)
	}
}
