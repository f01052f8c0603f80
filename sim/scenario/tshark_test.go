//go:build !js

package scenario

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pop3lab/sim"
)

// runTshark reads a capture with Wireshark's dissectors, checksums checked.
func runTshark(t *testing.T, file string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("tshark")
	if err != nil {
		t.Fatalf("tshark not found (%v): `make test` installs it (apt-get install tshark)", err)
	}
	args = append([]string{"-r", file, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"}, args...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("tshark %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

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
	if out := runTshark(t, file, "-Y", "_ws.malformed || tcp.analysis.flags || _ws.expert.severity >= warning"); out != "" {
		t.Fatalf("tshark reports problems:\n%s", out)
	}
	requests := runTshark(t, file, "-Y", "pop.request && tcp.stream == 0", "-T", "fields", "-e", "pop.request.command", "-e", "pop.request.parameter")
	want := "USER\talice\nPASS\twonderland\nTOP\t2 0\nQUIT\t\n"
	if requests != want {
		t.Fatalf("POP requests on the plaintext connection:\n%q\nwant\n%q", requests, want)
	}
	responses := runTshark(t, file, "-Y", "pop.response && tcp.stream == 0", "-T", "fields", "-e", "pop.response.indicator")
	if !strings.HasPrefix(responses, "+OK\n+OK\n+OK\n") {
		t.Fatalf("POP responses: %q", responses)
	}
	// After STLS the second stream is TLS, and the third is TLS from
	// the start on port 995.
	for stream, port := range map[string]string{"1": "110", "2": "995"} {
		tlsFrames := runTshark(t, file, "-Y", "(tls.record.opaque_type == 23 || tls.record.content_type == 23) && tcp.stream == "+stream, "-T", "fields", "-e", "tcp.port")
		if !strings.Contains(tlsFrames, port) {
			t.Fatalf("stream %s: no TLS application data on port %s", stream, port)
		}
		if leak := runTshark(t, file, "-Y", "pop.request.command == \"PASS\" && tcp.stream == "+stream); leak != "" {
			t.Fatalf("stream %s: PASS decoded in clear:\n%s", stream, leak)
		}
	}
}
