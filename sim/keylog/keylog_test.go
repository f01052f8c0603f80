package keylog_test

import (
	"bytes"
	"strings"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/annotate"
	"pop3lab/sim/capture"
	"pop3lab/sim/keylog"
	"pop3lab/sim/scenario"
	"pop3lab/sim/wire"
)

// importLab runs a lab, exports it as pcapng with its key log, and imports
// the file again, as a learner who opens an exported capture.
func importLab(t *testing.T, name string) *capture.Imported {
	t.Helper()
	lab, ok := scenario.LabByName(name)
	if !ok {
		t.Fatalf("no lab %q", name)
	}
	sc, err := scenario.Parse(lab.Source)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Run(sc, sim.Options{}, nil)
	if s == nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if err := s.WritePcapng(&buf); err != nil {
		t.Fatal(err)
	}
	imp, err := capture.Import(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// streams joins the decrypted application data of a connection, a
// direction each.
func streams(recs []annotate.Record, plain map[int][]byte) (client, server string) {
	var c, s strings.Builder
	for _, r := range recs {
		if p, ok := plain[r.Index]; ok {
			if r.Dir == wire.ClientToServer {
				c.Write(p)
			} else {
				s.Write(p)
			}
		}
	}
	return c.String(), s.String()
}

// TestDecryptLab opens the sniffing lab's STLS and port 995 sessions with
// the key log the export carries: the commands inside TLS come out
// exactly, and the plaintext session has nothing to decrypt.
func TestDecryptLab(t *testing.T) {
	imp := importLab(t, "sniffing")
	if len(imp.KeyLog) == 0 {
		t.Fatal("the export carries no key log")
	}
	log, err := keylog.Parse(imp.KeyLog)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Conns) != 3 {
		t.Fatalf("%d connections, want 3", len(imp.Conns))
	}
	const answers = "+OK Send your password.\r\n+OK alice's maildrop has 5 messages (2156754 octets).\r\n+OK Logging out; no messages deleted.\r\n"
	tests := []struct {
		conn                       int
		client                     string
		serverPrefix, serverSuffix string
	}{
		{1, "", "", ""},
		{2, "USER alice\r\nPASS wonderland\r\nQUIT\r\n", answers, answers},
		{3, "USER alice\r\nPASS wonderland\r\nQUIT\r\n", "+OK POP3 server ready <", ">\r\n" + answers},
	}
	for _, tt := range tests {
		recs := annotate.Annotate(imp.Conns[tt.conn-1].Segments)
		client, server := streams(recs, log.Decrypt(recs))
		if client != tt.client {
			t.Errorf("connection %d: client's data inside TLS %q, want %q", tt.conn, client, tt.client)
		}
		if !strings.HasPrefix(server, tt.serverPrefix) || !strings.HasSuffix(server, tt.serverSuffix) || (tt.serverPrefix == "") != (server == "") {
			t.Errorf("connection %d: server's data inside TLS %q, want %q … %q", tt.conn, server, tt.serverPrefix, tt.serverSuffix)
		}
	}
}

// TestDecryptNeedsTheSecrets: without the connection's secrets, or with
// a wrong one, nothing comes out and nothing is guessed.
func TestDecryptNeedsTheSecrets(t *testing.T) {
	imp := importLab(t, "sniffing")
	recs := annotate.Annotate(imp.Conns[2].Segments)
	empty, err := keylog.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := empty.Decrypt(recs); len(got) != 0 {
		t.Errorf("an empty key log decrypted %d records", len(got))
	}
	var wrong strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(imp.KeyLog)), "\n") {
		f := strings.Fields(line)
		f[2] = strings.Repeat("00", len(f[2])/2)
		wrong.WriteString(strings.Join(f, " ") + "\n")
	}
	bad, err := keylog.Parse([]byte(wrong.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := bad.Decrypt(recs); len(got) != 0 {
		t.Errorf("wrong secrets decrypted %d records", len(got))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"CLIENT_RANDOM zz 00", "key log line 1: the client random and the secret must be hex, the random 32 bytes"},
		{"# comment\nCLIENT_TRAFFIC_SECRET_0 " + strings.Repeat("ab", 32), "key log line 2: want LABEL CLIENT_RANDOM SECRET"},
		{"CLIENT_TRAFFIC_SECRET_0 abcd 0011", "key log line 1: the client random and the secret must be hex, the random 32 bytes"},
	}
	for _, tt := range tests {
		if _, err := keylog.Parse([]byte(tt.in)); err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}
