//go:build !js

package capture_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pop3lab/sim/capture"
	"pop3lab/sim/internal/tshark"
)

// These tests hand the pcapng export to Wireshark's dissectors; js/wasm
// has no processes, so this file is left out of js builds.

// TestTsharkDecryptsLab opens the sniffing lab's pcapng as a learner
// would: the key log in its Decryption Secrets Block lets Wireshark read
// the POP3 commands sent inside TLS, after STLS (stream 1) and on port
// 995 (stream 2), with no setting; nothing is malformed or flagged.
func TestTsharkDecryptsLab(t *testing.T) {
	s := runLab(t, "sniffing")
	var buf bytes.Buffer
	if err := s.WritePcapng(&buf); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "lab.pcapng")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tshark.NoProblems(t, file)
	got := tshark.Run(t, file, "-Y", "pop.request", "-T", "fields", "-e", "tcp.stream", "-e", "tls.record.content_type", "-e", "pop.request.command")
	want := strings.Join([]string{
		"0\t\tUSER", "0\t\tPASS", "0\t\tTOP", "0\t\tQUIT",
		"1\t\tCAPA", "1\t\tSTLS",
		"1\t23\tUSER", "1\t23\tPASS", "1\t23\tQUIT",
		"2\t23\tUSER", "2\t23\tPASS", "2\t23\tQUIT",
	}, "\n") + "\n"
	if got != want {
		t.Errorf("POP requests (stream, TLS content type, command):\n%s\nwant:\n%s", got, want)
	}
	// The responses inside TLS too, the greeting on 995 first.
	got = tshark.Run(t, file, "-Y", "pop.response && tcp.stream == 2", "-T", "fields", "-e", "pop.response.indicator", "-e", "pop.response.description")
	if !strings.HasPrefix(got, "+OK\tPOP3 server ready <") {
		t.Errorf("decrypted responses on port 995:\n%s", got)
	}
}

// TestTsharkPcapngAttack: the attacker's frames carry a packet comment.
func TestTsharkPcapngAttack(t *testing.T) {
	s := runLab(t, "starttls-injection")
	var buf bytes.Buffer
	if err := s.WritePcapng(&buf); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "attack.pcapng")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tshark.NoProblems(t, file)
	got := tshark.Run(t, file, "-Y", "frame.comment", "-T", "fields", "-e", "frame.comment")
	if !strings.Contains(got, "pop3lab: rewritten by the attacker") {
		t.Errorf("packet comments: %q", got)
	}
}

// TestImportWiresharkFiles imports captures that Wireshark's editcap
// wrote: a nanosecond pcap, and a pcapng into which editcap injected the
// key log itself (--inject-secrets). The segments and the key log come
// back as the simulation made them.
func TestImportWiresharkFiles(t *testing.T) {
	bin, err := exec.LookPath("editcap")
	if err != nil {
		t.Fatalf("editcap not found (%v): it comes with tshark", err)
	}
	s := runLab(t, "sniffing")
	dir := t.TempDir()
	var pcap bytes.Buffer
	if err := s.WritePcap(&pcap); err != nil {
		t.Fatal(err)
	}
	in, keys := filepath.Join(dir, "in.pcap"), filepath.Join(dir, "keys.log")
	os.WriteFile(in, pcap.Bytes(), 0o644)
	os.WriteFile(keys, s.KeyLog(0), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		keys bool
	}{
		{"nsecpcap", []string{"-F", "nsecpcap"}, false},
		{"pcapng with injected secrets", []string{"-F", "pcapng", "--inject-secrets", "tls," + keys}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if b, err := exec.Command(bin, append(tc.args, in, out)...).CombinedOutput(); err != nil {
				t.Fatalf("editcap: %v\n%s", err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			imp, err := capture.Import(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Conns) != 3 {
				t.Fatalf("%d connections", len(imp.Conns))
			}
			for i, c := range imp.Conns {
				if got, want := describe(c.Segments), describe(s.Segments(i+1)); got != want {
					t.Errorf("connection %d:\n%s", i+1, firstDiff(want, got))
				}
			}
			if tc.keys != (len(imp.KeyLog) > 0) || tc.keys && !bytes.Equal(imp.KeyLog, s.KeyLog(0)) {
				t.Errorf("key log: %d bytes read, %d injected", len(imp.KeyLog), len(s.KeyLog(0)))
			}
		})
	}
}
