//go:build !js

package main

// Tests of `pop3lab pop3` under abuse, as a real process on loopback:
// connection caps, a stalled log reader, parallel password guessing, a
// second process on the same --data.

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConnectionCapFlags: over --max-conns-per-ip, a connection gets one
// "-ERR [SYS/TEMP]" line (RFC 3206 §4) and is closed; the sessions already
// open go on.
func TestConnectionCapFlags(t *testing.T) {
	srv := startPOP3(t, newMaildirs(t, testMessages...), "--max-conns-per-ip", "2")
	first := dialPOP3(t, srv.plain)
	first.login("alice", "wonderland")
	second := dialPOP3(t, srv.plain)
	over := rawDial(t, srv.plain)
	expect(t, "refusal", readLine(t, over), "-ERR [SYS/TEMP] Too many connections from your address; try again later.\r\n")
	expectClosed(t, over)
	expect(t, "STAT in the first session", first.cmd("STAT")[:4], "+OK ")
	expect(t, "QUIT in the second session", second.cmd("QUIT"), "+OK Logging out.")
}

// rawDial connects without reading the greeting.
func rawDial(t *testing.T, addr string) *bufio.Reader {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, toolTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(toolTimeout))
	return bufio.NewReader(c)
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	l, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a line: %v (got %q)", err, l)
	}
	return l
}

// expectClosed asserts the server closed the connection without more.
func expectClosed(t *testing.T, r *bufio.Reader) {
	t.Helper()
	if rest, err := r.ReadString('\n'); err == nil || rest != "" {
		t.Fatalf("after the refusal: %q, %v; want the connection closed", rest, err)
	} else if !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("after the refusal: %v, want EOF", err)
	}
}

// TestParallelGuessingHeldToBudget: 300 connections guessing alice's
// password at once get exactly the budget's 10 checked guesses; every
// other attempt, and then the right password, is refused with the time
// to retry.
func TestParallelGuessingHeldToBudget(t *testing.T) {
	srv := startPOP3(t, newMaildirs(t, testMessages...), "--max-conns-per-ip", "0", "--max-unauth-per-ip", "0",
		"--auth-failure-budget", "10", "--auth-failure-window", "10m")
	const guessers = 300
	answers := make(chan string, guessers)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range guessers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", srv.plain, toolTimeout)
			if err != nil {
				answers <- err.Error()
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(toolTimeout))
			r := bufio.NewReader(c)
			r.ReadString('\n')
			fmt.Fprintf(c, "USER alice\r\nPASS guess%d\r\n", i)
			r.ReadString('\n')
			l, err := r.ReadString('\n')
			if err != nil {
				l = err.Error()
			}
			answers <- strings.TrimSuffix(l, "\r\n")
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(answers)
	failed, refused := 0, 0
	for a := range answers {
		switch {
		case a == "-ERR [AUTH] Authentication failed.":
			failed++
		case strings.HasPrefix(a, "-ERR [AUTH] Failed-login budget exhausted for this user or your address; try again in ") &&
			strings.HasSuffix(a, " seconds."):
			refused++
		default:
			t.Errorf("answer %q", a)
		}
	}
	if failed != 10 || refused != guessers-10 {
		t.Fatalf("%d guesses checked and %d refused, want 10 and %d", failed, refused, guessers-10)
	}
	t.Logf("%d parallel guesses in %v: 10 checked, %d refused", guessers, elapsed.Round(time.Millisecond), refused)
	c := dialPOP3(t, srv.plain)
	c.cmdOK("USER alice")
	if got := c.cmd("PASS wonderland"); !strings.HasPrefix(got, "-ERR [AUTH] Failed-login budget exhausted") {
		t.Fatalf("right password while the budget is spent: %q", got)
	}
}

// TestSecondProcessGetsInUse: two `pop3lab pop3` on one --data: while
// the first holds alice's maildrop, the second answers her login with
// [IN-USE] (RFC 2449 §8.1.1; RFC 1939 §8 exclusive access); once the
// first session QUITs, the second process grants it.
func TestSecondProcessGetsInUse(t *testing.T) {
	data := newMaildirs(t, testMessages...)
	first, second := startPOP3(t, data), startPOP3(t, data)
	a := dialPOP3(t, first.plain)
	a.login("alice", "wonderland")
	b := dialPOP3(t, second.plain)
	b.cmdOK("USER alice")
	expect(t, "PASS in the second process", b.cmd("PASS wonderland"), "-ERR [IN-USE] Maildrop is locked by another POP3 session.")
	expect(t, "DELE in the first", a.cmd("DELE 1"), "+OK Message 1 marked for deletion.")
	expect(t, "QUIT in the first", a.cmd("QUIT"), "+OK Logging out; 1 message deleted.")
	b.cmdOK("USER alice")
	_, total := wireSizes(testMessages[1:])
	expect(t, "PASS after the first QUIT", b.cmd("PASS wonderland"), fmt.Sprintf("+OK alice's maildrop has 2 messages (%d octets).", total))
}

// TestSymlinkedMaildirRefused: a Maildir whose cur/ is a symbolic link to
// elsewhere is not served: the login gets [SYS/PERM] (RFC 3206 §4), the
// log says why, and the file outside --data stays where it is.
func TestSymlinkedMaildirRefused(t *testing.T) {
	data := newMaildirs(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "1700000000.M1P1Q1.host")
	writeFile(t, secret, "Subject: outside\n\nsecret\n")
	cur := filepath.Join(data, "alice", "cur")
	if err := os.Remove(cur); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, cur); err != nil {
		t.Fatal(err)
	}
	srv := startPOP3(t, data)
	c := dialPOP3(t, srv.plain)
	c.cmdOK("USER alice")
	expect(t, "PASS", c.cmd("PASS wonderland"), "-ERR [SYS/PERM] Cannot open the maildrop; ask the administrator.")
	deadline := time.Now().Add(toolTimeout)
	for !strings.Contains(srv.stderr.String(), "maildrop directory is a symbolic link") {
		if time.Now().After(deadline) {
			t.Fatalf("the log does not say why:\n%s", srv.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("the file outside --data: %v", err)
	}
}

// TestUserFlagRefusesImpossibleNames: a --user name that cannot be a
// maildrop or cannot be sent in USER stops `pop3lab pop3` at start with
// one sentence that does not repeat the password.
func TestUserFlagRefusesImpossibleNames(t *testing.T) {
	for _, name := range []string{"../x", ".hidden", "a b", "a/b", `a\b`, "ünï", "tab\there"} {
		t.Run(name, func(t *testing.T) {
			var out, errOut lockedBuffer
			code := run(t.Context(), []string{"pop3", "--listen", "127.0.0.1:0", "--tls-listen", "", "--user", name + ":s3cret"}, &out, &errOut)
			want := fmt.Sprintf("pop3lab pop3: --user %q: a user name must be printable ASCII without spaces, \"/\" or \"\\\", and must not start with \".\"; it names the maildrop directory DIR/NAME/ and is sent as the one argument of USER\n", name)
			if code != 1 || errOut.String() != want || out.String() != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and stderr %q", code, out.String(), errOut.String(), want)
			}
		})
	}
	for _, name := range []string{"alice", "bob.smith", "user@example.org", "x_1-2+3"} {
		if err := checkUserName(name); err != nil {
			t.Errorf("checkUserName(%q): %v", name, err)
		}
	}
}
