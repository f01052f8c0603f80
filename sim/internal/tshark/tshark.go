//go:build !js

// Package tshark runs Wireshark's dissectors on the captures the tests
// write, for the tests of the packages that write them. js/wasm has no
// processes, so the package is left out of js builds.
package tshark

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// Problems is the display filter of everything Wireshark finds wrong: a
// malformed packet, a TCP analysis flag (retransmission, out of order,
// lost segment, window full, duplicate ACK...) or an expert warning.
const Problems = "_ws.malformed || tcp.analysis.flags || _ws.expert.severity >= warning"

// Run reads file with tshark, IPv4 and TCP checksums checked (Wireshark
// leaves them unchecked by default), and returns its standard output. A
// missing tshark or a failed run fails the test.
func Run(t testing.TB, file string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("tshark")
	if err != nil {
		t.Fatalf("tshark not found (%v): `make test` installs it (apt-get install tshark)", err)
	}
	args = append([]string{"-r", file, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"}, args...)
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// NoProblems fails the test when Wireshark finds anything wrong with file
// (Problems).
func NoProblems(t testing.TB, file string) {
	t.Helper()
	if out := Run(t, file, "-Y", Problems); out != "" {
		t.Errorf("tshark reports problems:\n%s", out)
	}
}

// CheckWellFormed asserts NoProblems and that every one of the frames
// has its IPv4 and TCP checksums verified good.
func CheckWellFormed(t testing.TB, file string, frames int) {
	t.Helper()
	NoProblems(t, file)
	out := Run(t, file, "-T", "fields", "-e", "ip.checksum.status", "-e", "tcp.checksum.status")
	if want := strings.Repeat("1\t1\n", frames); out != want { // 1: good
		t.Errorf("checksum status per frame:\n%s\nwant %d frames of \"1\\t1\"", out, frames)
	}
}
