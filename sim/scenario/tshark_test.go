//go:build !js

package scenario

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pop3lab/sim"
	"pop3lab/sim/internal/tshark"
)

// TestLabCaptureInWireshark exports the sniffing lab, three connections
// (plaintext 110, STLS on 110, implicit TLS on 995), as one pcap and has
// tshark decode it: POP commands and responses in clear on the first, TLS
// on the others, and nothing malformed.
func TestLabCaptureInWireshark(t *testing.T) {
	lab, _ := LabByName("sniffing")
	sc, err := Parse(lab.Source)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(sc, sim.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if err := s.WritePcap(&buf); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "sniffing.pcap")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := tshark.Run(t, file, "-Y", tshark.Problems); out != "" {
		t.Fatalf("tshark reports problems:\n%s", out)
	}
	requests := tshark.Run(t, file, "-Y", "pop.request && tcp.stream == 0", "-T", "fields", "-e", "pop.request.command", "-e", "pop.request.parameter")
	want := "USER\talice\nPASS\twonderland\nTOP\t2 0\nQUIT\t\n"
	if requests != want {
		t.Fatalf("POP requests on the plaintext connection:\n%q\nwant\n%q", requests, want)
	}
	responses := tshark.Run(t, file, "-Y", "pop.response && tcp.stream == 0", "-T", "fields", "-e", "pop.response.indicator")
	if !strings.HasPrefix(responses, "+OK\n+OK\n+OK\n") {
		t.Fatalf("POP responses: %q", responses)
	}
	// After STLS the second stream is TLS, and the third is TLS from
	// the start on port 995.
	for stream, port := range map[string]string{"1": "110", "2": "995"} {
		tlsFrames := tshark.Run(t, file, "-Y", "(tls.record.opaque_type == 23 || tls.record.content_type == 23) && tcp.stream == "+stream, "-T", "fields", "-e", "tcp.port")
		if !strings.Contains(tlsFrames, port) {
			t.Fatalf("stream %s: no TLS application data on port %s", stream, port)
		}
		if leak := tshark.Run(t, file, "-Y", "pop.request.command == \"PASS\" && tcp.stream == "+stream); leak != "" {
			t.Fatalf("stream %s: PASS decoded in clear:\n%s", stream, leak)
		}
	}
}
