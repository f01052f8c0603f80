//go:build unix

package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fdLimitChildEnv makes the test binary act as the server child of
// TestAcceptSurvivesFileDescriptorLimit.
const fdLimitChildEnv = "POP3LAB_TEST_FDLIMIT_CHILD"

// TestAcceptSurvivesFileDescriptorLimit runs a server in a child process
// whose file descriptors are used up (a tiny RLIMIT_NOFILE, then filled):
// accept fails with EMFILE, the server backs off instead of returning,
// and once descriptors are free again the waiting clients and a new one
// are all served.
func TestAcceptSurvivesFileDescriptorLimit(t *testing.T) {
	if os.Getenv(fdLimitChildEnv) != "" {
		fdLimitChild(t) // this process is the child
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcceptSurvivesFileDescriptorLimit$", "-test.v")
	cmd.Env = append(os.Environ(), fdLimitChildEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// await returns the value of the first child line with prefix.
	await := func(prefix string) string {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("child ended before %q", prefix)
				}
				if v, found := strings.CutPrefix(l, prefix); found {
					return v
				}
			case <-timeout:
				t.Fatalf("no %q from the child", prefix)
			}
		}
	}
	addr := await("listening ")
	await("descriptors full")
	var waiting []*client
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		waiting = append(waiting, newClient(t, c))
	}
	if msg := await("log: "); !strings.Contains(msg, "too many open files") || !strings.Contains(msg, "retrying in") {
		t.Fatalf("child logged %q, want a retried EMFILE", msg)
	}
	io.WriteString(stdin, "free\n")
	await("descriptors free")
	for _, c := range waiting {
		c.greeting()
		c.cmd("QUIT")
		c.expect("+OK Logging out.")
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	late := newClient(t, c)
	late.login()
	late.cmd("QUIT")
	late.expect("+OK Logging out; no messages deleted.")
}

// fdLimitChild is the child of TestAcceptSurvivesFileDescriptorLimit: it
// serves on loopback, uses up its file descriptors, and frees them when a
// line arrives on stdin. It reports on stdout.
func fdLimitChild(t *testing.T) {
	env := newEnv(t, func(c *Config) {
		c.Logf = func(format string, args ...any) { fmt.Printf("log: "+format+"\n", args...) }
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- env.srv.Serve(l) }()
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	tiny := syscall.Rlimit{Cur: 64, Max: orig.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &tiny); err != nil {
		t.Fatal(err)
	}
	var fillers []*os.File
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			if !strings.Contains(err.Error(), "too many open files") {
				t.Fatal(err)
			}
			break
		}
		fillers = append(fillers, f)
	}
	fmt.Printf("listening %s\n", l.Addr())
	fmt.Println("descriptors full")
	bufio.NewReader(os.Stdin).ReadString('\n')
	for _, f := range fillers {
		f.Close()
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	fmt.Println("descriptors free")
	io.Copy(io.Discard, os.Stdin) // until the parent is done
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v", err)
	default:
	}
}
