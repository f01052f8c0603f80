//go:build !js

package web_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pop3labBinary returns the pop3lab command the harness built, building
// one when the harness reused a site.
func pop3labBinary(t *testing.T) string {
	t.Helper()
	h := site(t)
	bin := filepath.Join(h.tmp, "pop3lab")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	bin = filepath.Join(t.TempDir(), "pop3lab")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/pop3lab")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building pop3lab: %v\n%s", err, out)
	}
	return bin
}

// TestClassroomShowsRealClientsLive runs `pop3lab serve --classroom`,
// connects Python poplib and curl as students, and asserts the instructor's
// page shows their commands live with the passwords masked.
func TestClassroomShowsRealClientsLive(t *testing.T) {
	for _, tool := range []string{"python3", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: `make test` installs it", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pop3labBinary(t), "serve", "--dir", site(t).siteDir, "--addr", "127.0.0.1:0", "--quiet",
		"--classroom", "--students", "2", "--pop3-listen", "127.0.0.1:0", "--pop3-tls-listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })

	var pageURL, pop3Addr, password string
	accountLine := regexp.MustCompile(`^\s+student01\s+(\S+)$`)
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() && pageURL == "" {
		line := scanner.Text()
		if m := accountLine.FindStringSubmatch(line); m != nil {
			password = m[1]
		}
		if rest, ok := strings.CutPrefix(line, "Students connect to POP3 at "); ok {
			pop3Addr, _, _ = strings.Cut(rest, " ")
		}
		if rest, ok := strings.CutPrefix(line, "Serving pop3lab on "); ok {
			pageURL = rest
		}
	}
	go func() {
		for scanner.Scan() {
		}
	}()
	if pageURL == "" || pop3Addr == "" || len(password) != 10 {
		t.Fatalf("serve printed no URL, address or sheet: %q %q %q", pageURL, pop3Addr, password)
	}

	tab := newTab(t)
	if err := chromedp.Do(tab, chromedp.Navigate(pageURL)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, tab)
	waitFor(t, tab, "the classroom pane", `!document.getElementById("classroom-pane").hidden`)

	host, port, _ := strings.Cut(pop3Addr, ":")
	py := `import poplib,sys
p = poplib.POP3(sys.argv[1], int(sys.argv[2]))
p.user("student01"); p.pass_(sys.argv[3]); p.stat(); p.quit()`
	if out, err := exec.CommandContext(ctx, "python3", "-c", py, host, port, password).CombinedOutput(); err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(ctx, "curl", "-s", "pop3://student01:"+password+"@"+pop3Addr+"/").CombinedOutput(); err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	waitFor(t, tab, "the live commands", `(() => {
		const log = document.getElementById("classroom-log").textContent;
		return log.includes("C: USER student01") && log.includes("C: PASS ********") && log.includes("C: AUTH PLAIN") && log.includes("S: +OK Logging out");
	})()`)
	log := js[string](t, tab, `document.getElementById("classroom-log").innerText`)
	if strings.Contains(log, password) {
		t.Fatalf("the classroom view shows a password:\n%s", log)
	}
	if n := js[int](t, tab, `document.querySelectorAll("#sequence button.arrow").length`); n == 0 {
		t.Fatal("no live arrows in the sequence diagram")
	}
	screenshot(t, tab, "classroom-live")
}
