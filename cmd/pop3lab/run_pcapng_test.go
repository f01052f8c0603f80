package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunPcapng: `pop3lab run sniffing --pcapng FILE` writes a pcapng
// whose key log lets tshark list the POP3 commands sent inside TLS, with
// no expert warning.
func TestRunPcapng(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lab.pcapng")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"run", "sniffing", "--pcapng", file}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 28 || binary.LittleEndian.Uint32(b) != 0x0a0d0d0a {
		t.Fatalf("pcapng file: %v, %d bytes", err, len(b))
	}
	bin, err := exec.LookPath("tshark")
	if err != nil {
		t.Fatalf("tshark not found (%v): `make test` installs it", err)
	}
	tshark := func(args ...string) string {
		t.Helper()
		o, err := exec.Command(bin, append([]string{"-r", file}, args...)...).Output()
		if err != nil {
			t.Fatalf("tshark %v: %v", args, err)
		}
		return string(o)
	}
	if p := tshark("-Y", "_ws.malformed || _ws.expert.severity >= warning"); p != "" {
		t.Errorf("tshark reports problems:\n%s", p)
	}
	got := strings.Fields(tshark("-Y", "pop.request", "-T", "fields", "-e", "pop.request.command"))
	want := "USER PASS TOP QUIT CAPA STLS USER PASS QUIT USER PASS QUIT"
	if strings.Join(got, " ") != want {
		t.Errorf("commands: %q, want %q", strings.Join(got, " "), want)
	}
}
