package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pop3lab/sim/sample"
	"pop3lab/sim/server"
)

// TestKeyLogForTeaching: with --keylog-for-teaching the real server
// appends each TLS session's secrets to the file, exactly the lines the
// client's own key log has, and warns that it does.
func TestKeyLogForTeaching(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.log")
	fsys, _, err := openMaildirs("")
	if err != nil {
		t.Fatal(err)
	}
	var logw bytes.Buffer
	opts := pop3Options{tlsListen: "127.0.0.1:0", hostname: "localhost", idleTimeout: server.DefaultIdleTimeout, keyLogForTeaching: file}
	svc, err := launchPOP3(opts, fsys, server.Users{sample.User: sample.Password}, &logw)
	if err != nil {
		t.Fatal(err)
	}
	var clientLog bytes.Buffer
	conn, err := tls.Dial("tcp", svc.tlsAddr, &tls.Config{InsecureSkipVerify: true, KeyLogWriter: &clientLog}) // the test's own self-signed server
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		t.Fatalf("greeting %q, %v", line, err)
	}
	io.WriteString(conn, "QUIT\r\n")
	r.ReadString('\n')
	conn.Close()
	if err := svc.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || !bytes.Equal(sortedLines(got), sortedLines(clientLog.Bytes())) {
		t.Errorf("server key log:\n%s\nclient key log:\n%s", got, clientLog.Bytes())
	}
	if !strings.Contains(logw.String(), "WARNING: writing every TLS session's secrets to "+file+", for teaching only") {
		t.Errorf("no warning in the log:\n%s", logw.String())
	}
}

func sortedLines(b []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Sort(lines)
	return []byte(strings.Join(lines, "\n"))
}
