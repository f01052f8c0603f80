package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLabsCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"labs"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, name := range []string{"sniffing ", "stls-stripping ", "starttls-injection ", "password-guessing ", "apop ", "two-devices "} {
		if !strings.Contains(out.String(), "\n"+name) && !strings.HasPrefix(out.String(), name) {
			t.Errorf("labs output lacks %q:\n%s", name, out.String())
		}
	}
}

func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	pcap, transcript := filepath.Join(dir, "s.pcap"), filepath.Join(dir, "s.txt")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"run", "sniffing", "--pcap", pcap, "--transcript", transcript}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "C: PASS wonderland\nS: +OK alice's maildrop has 5 messages") || !strings.Contains(out.String(), "steps as expected") {
		t.Fatalf("output:\n%s", out.String())
	}
	capture, err := os.ReadFile(pcap)
	if err != nil || len(capture) < 24 || binary.LittleEndian.Uint32(capture) != 0xa1b2c3d4 {
		t.Fatalf("pcap file: %v, %d bytes", err, len(capture))
	}
	text, err := os.ReadFile(transcript)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "wonderland") || !strings.Contains(string(text), "C: PASS ********") {
		t.Fatalf("transcript does not mask the password:\n%s", text)
	}
}

func TestRunCommandDivergence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.pop3")
	os.WriteFile(file, []byte("connect\nS~ .*\nC: USER alice\nS: +OK nope\n"), 0o644)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"run", file}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := `bad.pop3: line 4 (step 2): expected "+OK nope", but the server sent "+OK Send your password."`
	if !strings.Contains(errOut.String(), want) {
		t.Fatalf("stderr %q lacks %q", errOut.String(), want)
	}
	errOut.Reset()
	os.WriteFile(file, []byte("connect\nbogus line\n"), 0o644)
	if code := run(context.Background(), []string{"run", file}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "line 2: unknown line \"bogus line\"") {
		t.Fatalf("parse error: exit %d, %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"run", "no-such-lab"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "neither a built-in lab") {
		t.Fatalf("unknown lab: exit %d, %q", code, errOut.String())
	}
}
