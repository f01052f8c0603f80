//go:build !js

package main

// Interoperability tests: `pop3lab pop3` as a real process on loopback
// ports, a Maildir in a temporary directory, and real POP3 clients (Python
// poplib, curl, openssl s_client, fetchmail, mpop) whose results are
// compared exactly. A missing client fails the test: `make test` installs
// them (scripts/install-deps.sh). A skip would hide the gap in CI.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// toolTimeout bounds every client run and every server start.
const toolTimeout = 30 * time.Second

// pop3labBin is the pop3lab binary that TestMain builds once.
var pop3labBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pop3lab-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
	pop3labBin = filepath.Join(dir, "pop3lab")
	// go test puts its own GOROOT/bin first on PATH, so this is the same
	// toolchain.
	if out, err := exec.Command("go", "build", "-o", pop3labBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "interop: go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testMessage is a message delivered into alice's new/ under the Maildir
// name uid; the name has no size fields, so the UIDL is the name itself.
type testMessage struct{ uid, raw string }

// testMessages covers dot-stuffing (lines that start with one or two dots
// and a line that is a single dot), Unix and CRLF line endings, and a last
// line without a line break.
var testMessages = []testMessage{
	{"1700000001.M100001P101Q1.interop", "From: sender@example.org\nTo: alice@example.org\nSubject: dots\n\nHello\n.hidden dot line\n..two dots\n.\nend\n"},
	{"1700000002.M200002P102Q2.interop", "From: sender@example.org\r\nSubject: crlf\r\n\r\nBody two\r\n"},
	{"1700000003.M300003P103Q3.interop", "Subject: three\n\nline one\nline two\nno newline at end"},
}

// TestPythonPoplib drives poplib through five sessions (testdata/
// poplib_session.py): CAPA, STLS with the certificate checked against the
// printed fingerprint, USER/PASS, STAT, LIST, UIDL, RETR of dot-stuffed
// messages, TOP, DELE, RSET, QUIT; then APOP in a session that sees the
// deletion; wrong credentials; a password with a space; POP3S.
func TestPythonPoplib(t *testing.T) {
	needTool(t, "python3")
	if _, _, code := runTool(t, "", nil, "python3", "-c", "import poplib, ssl"); code != 0 {
		t.Fatal("python3 lacks poplib or ssl: `make test` installs python3 (scripts/install-deps.sh)")
	}
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	_, plainPort := splitHostPort(t, srv.plain)
	_, tlsPort := splitHostPort(t, srv.tls)
	stdout, stderr, code := runTool(t, "", nil, "python3", "testdata/poplib_session.py", "127.0.0.1", plainPort, tlsPort)
	if code != 0 {
		t.Fatalf("poplib_session.py exited %d:\n%s", code, stderr)
	}
	// A multi-line answer as poplib returns it; octets count the lines
	// after un-stuffing, with their CRLF.
	type multi struct {
		Status string   `json:"status"`
		Lines  []string `json:"lines"`
		Octets int      `json:"octets"`
	}
	var got struct {
		Welcome         string              `json:"welcome"`
		Capa            map[string][]string `json:"capa"`
		STLS            string              `json:"stls"`
		STLSFingerprint string              `json:"stls_fingerprint"`
		CapaTLS         map[string][]string `json:"capa_tls"`
		User            string              `json:"user"`
		Pass            string              `json:"pass"`
		Stat            []int64             `json:"stat"`
		List            multi               `json:"list"`
		List3           string              `json:"list_3"`
		UIDL            multi               `json:"uidl"`
		UIDL2           string              `json:"uidl_2"`
		Retr1           multi               `json:"retr_1"`
		Retr3           multi               `json:"retr_3"`
		Top10           multi               `json:"top_1_0"`
		Top31           multi               `json:"top_3_1"`
		Dele2           string              `json:"dele_2"`
		StatAfterDele   []int64             `json:"stat_after_dele"`
		Retr2Deleted    string              `json:"retr_2_deleted"`
		Rset            string              `json:"rset"`
		StatAfterRset   []int64             `json:"stat_after_rset"`
		Dele2Again      string              `json:"dele_2_again"`
		Noop            string              `json:"noop"`
		Quit            string              `json:"quit"`
		APOP            string              `json:"apop"`
		APOPStat        []int64             `json:"apop_stat"`
		APOPUIDL        multi               `json:"apop_uidl"`
		APOPQuit        string              `json:"apop_quit"`
		WrongPass       string              `json:"wrong_pass"`
		WrongAPOP       string              `json:"wrong_apop"`
		BobPass         string              `json:"bob_pass"`
		BobQuit         string              `json:"bob_quit"`
		TLSWelcome      string              `json:"tls_welcome"`
		TLSFingerprint  string              `json:"tls_fingerprint"`
		TLSCapa         map[string][]string `json:"tls_capa"`
		TLSPass         string              `json:"tls_pass"`
		TLSRetr1        multi               `json:"tls_retr_1"`
		TLSQuit         string              `json:"tls_quit"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("poplib_session.py output: %v\n%s", err, stdout)
	}

	sizes, total := wireSizes(testMessages)
	greeting := regexp.MustCompile(`^\+OK POP3 server ready <[0-9]+\.[0-9]+@localhost>$`)
	for _, w := range []string{got.Welcome, got.TLSWelcome} {
		if !greeting.MatchString(w) {
			t.Errorf("greeting %q does not match %s", w, greeting)
		}
	}
	if got.Welcome == got.TLSWelcome {
		t.Errorf("two sessions got the same APOP timestamp: %q", got.Welcome)
	}
	capaTLS := map[string][]string{
		"TOP": {}, "USER": {}, "SASL": {"PLAIN"}, "RESP-CODES": {}, "AUTH-RESP-CODE": {}, "PIPELINING": {},
		"EXPIRE": {"NEVER"}, "UIDL": {}, "IMPLEMENTATION": {"pop3lab"},
	}
	capaPlain := map[string][]string{"STLS": {}}
	for k, v := range capaTLS {
		capaPlain[k] = v
	}
	expect(t, "CAPA before STLS", got.Capa, capaPlain)
	expect(t, "CAPA after STLS (RFC 2595: no STLS)", got.CapaTLS, capaTLS)
	expect(t, "CAPA on POP3S", got.TLSCapa, capaTLS)
	expect(t, "STLS", got.STLS, "+OK Begin TLS negotiation now.")
	expect(t, "certificate after STLS", got.STLSFingerprint, srv.fingerprintHex())
	expect(t, "certificate on POP3S", got.TLSFingerprint, srv.fingerprintHex())

	expect(t, "USER", got.User, "+OK Send your password.")
	expect(t, "PASS", got.Pass, fmt.Sprintf("+OK alice's maildrop has 3 messages (%d octets).", total))
	expect(t, "STAT", got.Stat, []int64{3, total})
	expect(t, "LIST", got.List.Status, fmt.Sprintf("+OK 3 messages (%d octets)", total))
	expect(t, "LIST lines", got.List.Lines, numbered(sizes))
	expect(t, "LIST 3", got.List3, fmt.Sprintf("+OK 3 %d", sizes[2]))
	expect(t, "UIDL", got.UIDL.Status, "+OK")
	expect(t, "UIDL lines", got.UIDL.Lines, numbered(uids(testMessages)))
	expect(t, "UIDL 2", got.UIDL2, "+OK 2 "+testMessages[1].uid)
	for _, c := range []struct {
		name string
		got  multi
		msg  testMessage
	}{{"RETR 1", got.Retr1, testMessages[0]}, {"RETR 3", got.Retr3, testMessages[2]}, {"POP3S RETR 1", got.TLSRetr1, testMessages[0]}} {
		expect(t, c.name, c.got.Status, fmt.Sprintf("+OK %d octets", len(wireForm(c.msg.raw))))
		// poplib removes the dot-stuffing: the lines are the original ones.
		expect(t, c.name+" lines", c.got.Lines, wireLines(c.msg.raw))
		expect(t, c.name+" octets", c.got.Octets, len(wireForm(c.msg.raw)))
	}
	expect(t, "TOP 1 0", got.Top10.Status, fmt.Sprintf("+OK %d octets", len(wireForm(headerOf(testMessages[0].raw)))))
	expect(t, "TOP 1 0 lines", got.Top10.Lines, wireLines(headerOf(testMessages[0].raw)))
	expect(t, "TOP 3 1 lines", got.Top31.Lines, wireLines(headerOf(testMessages[2].raw)+"line one\n"))

	expect(t, "DELE 2", got.Dele2, "+OK Message 2 marked for deletion.")
	expect(t, "STAT after DELE 2", got.StatAfterDele, []int64{2, total - sizes[1]})
	expect(t, "RETR 2 after DELE 2", got.Retr2Deleted, "-ERR Message 2 is marked for deletion.")
	expect(t, "RSET", got.Rset, fmt.Sprintf("+OK Maildrop has 3 messages (%d octets).", total))
	expect(t, "STAT after RSET", got.StatAfterRset, []int64{3, total})
	expect(t, "DELE 2 again", got.Dele2Again, "+OK Message 2 marked for deletion.")
	expect(t, "NOOP", got.Noop, "+OK")
	expect(t, "QUIT", got.Quit, "+OK Logging out; 1 message deleted.")

	// The next session sees the deletion, renumbered (RFC 1939 §6).
	expect(t, "APOP", got.APOP, fmt.Sprintf("+OK alice's maildrop has 2 messages (%d octets).", total-sizes[1]))
	expect(t, "STAT after the deleting session", got.APOPStat, []int64{2, total - sizes[1]})
	expect(t, "UIDL after the deleting session", got.APOPUIDL.Lines,
		numbered([]string{testMessages[0].uid, testMessages[2].uid}))
	expect(t, "QUIT after APOP", got.APOPQuit, "+OK Logging out; no messages deleted.")

	expect(t, "wrong password", got.WrongPass, "-ERR [AUTH] Authentication failed.")
	expect(t, "wrong APOP secret", got.WrongAPOP, "-ERR [AUTH] Authentication failed.")
	expect(t, "password with a space", got.BobPass, "+OK bob's maildrop has 0 messages (0 octets).")
	expect(t, "bob's QUIT", got.BobQuit, "+OK Logging out; no messages deleted.")
	expect(t, "POP3S PASS", got.TLSPass, fmt.Sprintf("+OK alice's maildrop has 2 messages (%d octets).", total-sizes[1]))
	expect(t, "POP3S QUIT", got.TLSQuit, "+OK Logging out; no messages deleted.")
}

// TestCurl checks curl's POP3 support: LIST, RETR, custom TOP and UIDL,
// its choice of SASL PLAIN, --ssl-reqd over STLS, pop3s with a pinned
// public key, a wrong password, and DELE.
func TestCurl(t *testing.T) {
	needTool(t, "curl")
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	plain := "pop3://alice:wonderland@" + srv.plain
	pop3s := "pop3s://alice:wonderland@" + srv.tls
	sizes, _ := wireSizes(testMessages)

	curl := func(args ...string) (stdout, stderr string) {
		t.Helper()
		stdout, stderr, code := runTool(t, "", nil, "curl", append([]string{"-sS"}, args...)...)
		if code != 0 {
			t.Fatalf("curl %q exited %d:\n%s", args, code, stderr)
		}
		return stdout, stderr
	}

	// pop3://host/ is LIST; curl prints the listing's lines as sent.
	out, _ := curl(plain + "/")
	expect(t, "curl LIST", out, crlfLines(numbered(sizes)))
	// pop3://host/N is RETR N: curl removes the dot-stuffing and prints the
	// message as the server has it on the wire, CRLF line endings.
	for i, m := range testMessages {
		out, _ := curl(fmt.Sprintf("%s/%d", plain, i+1))
		expect(t, fmt.Sprintf("curl RETR %d", i+1), out, wireForm(m.raw))
	}
	// Custom commands: curl treats TOP and UIDL as multi-line and un-stuffs them too.
	out, _ = curl("-X", "TOP 1 0", plain+"/")
	expect(t, "curl TOP 1 0", out, wireForm(headerOf(testMessages[0].raw)))
	out, _ = curl("-X", "TOP 1 99", plain+"/")
	expect(t, "curl TOP 1 99 (more lines than the body)", out, wireForm(testMessages[0].raw))
	out, _ = curl("-X", "UIDL", plain+"/")
	expect(t, "curl UIDL", out, crlfLines(numbered(uids(testMessages))))

	// curl sees SASL PLAIN in CAPA (offered on loopback) and prefers it to
	// USER/PASS and to APOP.
	_, trace := curl("-v", plain+"/1")
	assertTrace(t, "curl -v (plaintext)", trace, []string{"> CAPA", "> AUTH PLAIN", "< + ", "> RETR 1"}, []string{"> USER", "> APOP", "> STLS"})

	// --ssl-reqd: CAPA, STLS, then CAPA again inside TLS.
	out, trace = curl("-v", "--ssl-reqd", "--insecure", plain+"/1")
	expect(t, "curl --ssl-reqd RETR 1", out, wireForm(testMessages[0].raw))
	assertTrace(t, "curl -v --ssl-reqd", trace,
		[]string{"> CAPA", "> STLS", "< +OK Begin TLS negotiation now.", "> CAPA", "> AUTH PLAIN", "> RETR 1"}, nil)

	// Implicit TLS, with the public key pinned.
	cert := peerCertificate(t, srv)
	spki := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	pin := "sha256//" + base64.StdEncoding.EncodeToString(spki[:])
	out, _ = curl("--insecure", "--pinnedpubkey", pin, pop3s+"/2")
	expect(t, "curl pop3s RETR 2 (pinned key)", out, wireForm(testMessages[1].raw))
	wrong := "sha256//" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	if _, stderr, code := runTool(t, "", nil, "curl", "-sS", "--insecure", "--pinnedpubkey", wrong, pop3s+"/"); code != 90 {
		t.Errorf("curl with a wrong pinned key: exit %d, want 90 (SSL pinned public key does not match)\n%s", code, stderr)
	}

	// A wrong password: curl reports "Login denied" (exit 67).
	if _, stderr, code := runTool(t, "", nil, "curl", "-sS", "pop3://alice:wrong@"+srv.plain+"/"); code != 67 {
		t.Errorf("curl with a wrong password: exit %d, want 67 (login denied)\n%s", code, stderr)
	}

	// -X DELE -I deletes: curl sends QUIT when it closes the connection.
	curl("-X", "DELE", "-I", plain+"/2")
	out, _ = curl(plain + "/")
	expect(t, "curl LIST after DELE 2", out, crlfLines(numbered([]int64{sizes[0], sizes[2]})))
}

// TestOpenSSLClient runs a session through openssl s_client, over STLS
// and over POP3S, and checks the certificate it receives.
func TestOpenSSLClient(t *testing.T) {
	needTool(t, "openssl")
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	_, total := wireSizes(testMessages)
	capaTLS := "+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n" +
		"EXPIRE NEVER\r\nUIDL\r\nIMPLEMENTATION pop3lab\r\n.\r\n"
	session := fmt.Sprintf("+OK Send your password.\r\n+OK alice's maildrop has 3 messages (%d octets).\r\n+OK 3 %d\r\n"+
		"+OK Logging out; no messages deleted.\r\n", total, total)
	input := "CAPA\r\nUSER alice\r\nPASS wonderland\r\nSTAT\r\nQUIT\r\n"

	// -starttls pop3 reads the greeting and sends STLS at once, without
	// CAPA; -quiet prints only what comes after the handshake. s_client
	// reads the piped commands at once and may send them in one record:
	// the answers must come in order (RFC 2449 §6.6 PIPELINING).
	stdout, stderr, code := runTool(t, input, nil, "openssl", "s_client", "-starttls", "pop3", "-connect", srv.plain, "-quiet")
	if code != 0 {
		t.Fatalf("openssl s_client -starttls pop3 exited %d:\n%s", code, stderr)
	}
	expect(t, "openssl s_client -starttls pop3", stdout, capaTLS+session)

	stdout, stderr, code = runTool(t, input, nil, "openssl", "s_client", "-connect", srv.tls, "-quiet")
	if code != 0 {
		t.Fatalf("openssl s_client (POP3S) exited %d:\n%s", code, stderr)
	}
	greeting, rest, _ := strings.Cut(stdout, "\r\n")
	if !regexp.MustCompile(`^\+OK POP3 server ready <[0-9]+\.[0-9]+@localhost>$`).MatchString(greeting) {
		t.Errorf("openssl s_client (POP3S) greeting %q", greeting)
	}
	expect(t, "openssl s_client (POP3S) session", rest, capaTLS+session)

	// The certificate openssl receives is the one whose fingerprint the
	// server printed. Without -quiet, s_client prints it in PEM and ends
	// at the end of its input.
	stdout, stderr, code = runTool(t, "", nil, "openssl", "s_client", "-connect", srv.tls)
	if code != 0 {
		t.Fatalf("openssl s_client exited %d:\n%s", code, stderr)
	}
	fp, stderr, code := runTool(t, stdout, nil, "openssl", "x509", "-noout", "-fingerprint", "-sha256")
	if code != 0 {
		t.Fatalf("openssl x509 exited %d:\n%s", code, stderr)
	}
	_, fp, _ = strings.Cut(strings.TrimSpace(fp), "=")
	expect(t, "openssl x509 -fingerprint -sha256", fp, srv.fingerprint)
}

// TestFetchmail fetches with fetchmail twice: over STLS keeping the mail,
// then over POP3S deleting it, the certificate pinned both times.
func TestFetchmail(t *testing.T) {
	needTool(t, "fetchmail")
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	sizes, total := wireSizes(testMessages)
	_, plainPort := splitHostPort(t, srv.plain)
	_, tlsPort := splitHostPort(t, srv.tls)
	// fetchmail pins the MD5 fingerprint of the certificate; "no
	// sslcertck" accepts the self-signed certificate, the pin still holds.
	sum := md5.Sum(peerCertificate(t, srv).Raw)
	md5FP := colonHex(sum[:])
	home := t.TempDir()
	env := []string{"HOME=" + home}

	fetch := func(name, port, options string) (cmds []string, out string, delivered []string) {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "delivered")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		rc := filepath.Join(home, name)
		// mda runs through /bin/sh: one file per message, named by the shell's pid.
		config := fmt.Sprintf("set no bouncemail\npoll 127.0.0.1 service %s protocol POP3 auth password\n"+
			"  user \"alice\" password \"wonderland\" is \"alice\" here\n  %s\n"+
			"  no sslcertck sslfingerprint \"%s\"\n  norewrite mda \"cat > '%s'/$$.eml\"\n", port, options, md5FP, dir)
		if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := runTool(t, "", env, "fetchmail", "-f", rc, "-v", "--nodetach", "-d0")
		out = stdout + stderr
		if code != 0 {
			t.Fatalf("fetchmail (%s) exited %d:\n%s", name, code, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if c, ok := strings.CutPrefix(l, "fetchmail: POP3> "); ok {
				cmds = append(cmds, c)
			}
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			delivered = append(delivered, stripReceived(t, string(b)))
		}
		slices.Sort(delivered)
		return cmds, out, delivered
	}
	var want []string
	for _, m := range testMessages {
		want = append(want, unixForm(m.raw))
	}
	slices.Sort(want)

	// Run 1: port 110 style, STLS required (sslproto), keep the mail.
	// fetchmail tries the obsolete LAST command (RFC 1460) before UIDL.
	cmds, out, delivered := fetch("keep.rc", plainPort, `sslproto "tls1.2+" keep`)
	expect(t, "fetchmail (STLS, keep) commands", cmds, []string{"CAPA", "STLS", "CAPA", "USER alice", "PASS *", "STAT", "LAST",
		"UIDL", "LIST 1", "RETR 1", "LIST 2", "RETR 2", "LIST 3", "RETR 3", "QUIT"})
	assertContains(t, "fetchmail (STLS, keep) output", out,
		fmt.Sprintf("3 messages for alice at 127.0.0.1 (%d octets).", total),
		"fetchmail: 127.0.0.1 fingerprints match.",
		"fetchmail: 127.0.0.1: upgrade to TLS succeeded.")
	// fetchmail may print a progress bar of stars before "not flushed".
	for i, size := range sizes {
		assertMatch(t, "fetchmail (STLS, keep) output", out,
			fmt.Sprintf(`(?m)^reading message alice@127\.0\.0\.1:%d of 3 \(%d octets\)( #\**)? not flushed$`, i+1, size))
	}
	// fetchmail un-stuffs, turns CRLF into LF and adds a Received header.
	expect(t, "fetchmail (STLS, keep) delivered messages", delivered, want)
	c := dialPOP3(t, srv.plain)
	c.login("alice", "wonderland")
	expect(t, "STAT after fetchmail keep", c.cmd("STAT"), fmt.Sprintf("+OK 3 %d", total))
	c.cmd("QUIT")

	// Run 2: POP3S, fetch everything again (fetchall) and delete it.
	// Over implicit TLS fetchmail sends no CAPA.
	cmds, out, delivered = fetch("flush.rc", tlsPort, "ssl fetchall nokeep")
	expect(t, "fetchmail (POP3S, nokeep) commands", cmds, []string{"USER alice", "PASS *", "STAT",
		"LIST 1", "RETR 1", "DELE 1", "LIST 2", "RETR 2", "DELE 2", "LIST 3", "RETR 3", "DELE 3", "QUIT"})
	for i, size := range sizes {
		assertMatch(t, "fetchmail (POP3S, nokeep) output", out,
			fmt.Sprintf(`(?m)^reading message alice@127\.0\.0\.1:%d of 3 \(%d octets\)( #\**)? flushed$`, i+1, size))
	}
	expect(t, "fetchmail (POP3S, nokeep) delivered messages", delivered, want)
	c = dialPOP3(t, srv.plain)
	c.login("alice", "wonderland")
	expect(t, "STAT after fetchmail nokeep", c.cmd("STAT"), "+OK 0 0")
	c.cmd("QUIT")
	expect(t, "message files left after fetchmail nokeep", maildirFiles(t, data, "alice"), []string(nil))
}

// TestMpop fetches with mpop into Maildirs: over STLS with the SHA-256
// fingerprint pinned, again with nothing new (UIDL bookkeeping), with a
// wrong fingerprint (refused), and over POP3S with USER/PASS.
func TestMpop(t *testing.T) {
	needTool(t, "mpop")
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	_, total := wireSizes(testMessages)
	_, plainPort := splitHostPort(t, srv.plain)
	_, tlsPort := splitHostPort(t, srv.tls)
	home := t.TempDir()
	env := []string{"HOME=" + home}
	var want []string
	for _, m := range testMessages {
		want = append(want, unixForm(m.raw))
	}
	slices.Sort(want)

	mpop := func(name, account string, args ...string) (cmds []string, stdout, stderr string, code int) {
		t.Helper()
		rc := filepath.Join(home, name)
		config := "account default\nhost 127.0.0.1\nuser alice\npassword wonderland\nreceived_header off\nkeep on\n" +
			"uidls_file " + filepath.Join(home, "uidls") + "\n" + account
		if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code = runTool(t, "", env, "mpop", append([]string{"-C", rc, "--debug"}, args...)...)
		for _, l := range strings.Split(stdout, "\n") {
			if c, ok := strings.CutPrefix(l, "--> "); ok {
				cmds = append(cmds, strings.TrimSuffix(c, "\r"))
			}
		}
		return cmds, stdout, stderr, code
	}
	newMaildir := func() string {
		dir := filepath.Join(t.TempDir(), "Maildir")
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	readNew := func(dir string) []string {
		var msgs []string
		for _, f := range maildirFilesIn(t, dir) {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, string(b))
		}
		slices.Sort(msgs)
		return msgs
	}

	// Run 1: STLS, the certificate pinned by its SHA-256 fingerprint as
	// the server printed it, SASL PLAIN, the RETRs pipelined.
	md1 := newMaildir()
	starttls := fmt.Sprintf("port %s\ntls on\ntls_starttls on\ntls_fingerprint %s\ndelivery maildir %s\n", plainPort, srv.fingerprint, md1)
	cmds, stdout, stderr, code := mpop("starttls.rc", starttls)
	if code != 0 {
		t.Fatalf("mpop (STLS) exited %d:\n%s\n%s", code, stdout, stderr)
	}
	plainResponse := base64.StdEncoding.EncodeToString([]byte("\x00alice\x00wonderland"))
	expect(t, "mpop (STLS) commands", cmds, []string{"CAPA", "STLS", "CAPA", "AUTH PLAIN", plainResponse, "STAT", "LIST", "UIDL",
		"RETR 1", "RETR 2", "RETR 3", "QUIT"})
	assertContains(t, "mpop (STLS) output", stdout,
		fmt.Sprintf("new: 3 messages in %d bytes, total: 3 messages in %d bytes", total, total))
	// received_header off: the files hold the messages, un-stuffed, with LF.
	expect(t, "mpop (STLS) delivered messages", readNew(md1), want)

	// Run 2: the UIDs are in the uidls file: nothing new to fetch.
	cmds, stdout, stderr, code = mpop("starttls.rc", starttls)
	if code != 0 {
		t.Fatalf("mpop (STLS, second run) exited %d:\n%s\n%s", code, stdout, stderr)
	}
	expect(t, "mpop (second run) commands", cmds, []string{"CAPA", "STLS", "CAPA", "AUTH PLAIN", plainResponse, "STAT", "LIST", "UIDL", "QUIT"})
	assertContains(t, "mpop (second run) output", stdout, fmt.Sprintf("new: no messages, total: 3 messages in %d bytes", total))
	expect(t, "mpop (second run) Maildir", readNew(md1), want)

	// Run 3: POP3S with a wrong fingerprint must fail before logging in.
	md3 := newMaildir()
	wrongFP := "00" + srv.fingerprint[2:]
	if srv.fingerprint[:2] == "00" {
		wrongFP = "FF" + srv.fingerprint[2:]
	}
	cmds, stdout, stderr, code = mpop("wrongfp.rc", fmt.Sprintf("port %s\ntls on\ntls_starttls off\ntls_fingerprint %s\ndelivery maildir %s\n", tlsPort, wrongFP, md3))
	if code == 0 {
		t.Errorf("mpop with a wrong fingerprint succeeded:\n%s", stdout)
	}
	assertContains(t, "mpop with a wrong fingerprint", stderr, "fingerprint does not match")
	expect(t, "mpop with a wrong fingerprint: commands sent", cmds, []string(nil))

	// Run 4: POP3S, USER/PASS, every message again (--only-new=off).
	pop3s := fmt.Sprintf("port %s\ntls on\ntls_starttls off\ntls_fingerprint %s\nauth user\ndelivery maildir %s\n", tlsPort, srv.fingerprint, md3)
	cmds, stdout, stderr, code = mpop("pop3s.rc", pop3s, "--only-new=off")
	if code != 0 {
		t.Fatalf("mpop (POP3S) exited %d:\n%s\n%s", code, stdout, stderr)
	}
	expect(t, "mpop (POP3S) commands", cmds, []string{"CAPA", "USER alice", "PASS wonderland", "STAT", "LIST", "UIDL",
		"RETR 1", "RETR 2", "RETR 3", "QUIT"})
	expect(t, "mpop (POP3S) delivered messages", readNew(md3), want)
}

// TestMaildirEditsBetweenSessions changes the Maildir behind the server's
// back between sessions, as a person or another program may: each session
// must describe the maildrop exactly as it is at login (RFC 1939 §5 LIST:
// exact sizes; §7 UIDL: stable unique-ids).
func TestMaildirEditsBetweenSessions(t *testing.T) {
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	maildir := filepath.Join(data, "alice")

	session := func(want []testMessage) []string {
		t.Helper()
		c := dialPOP3(t, srv.plain)
		c.login("alice", "wonderland")
		sizes, total := wireSizes(want)
		expect(t, "STAT", c.cmd("STAT"), fmt.Sprintf("+OK %d %d", len(want), total))
		expect(t, "LIST", c.multi("LIST"), numbered(sizes))
		got := c.multi("UIDL")
		if len(got) != len(want) {
			t.Fatalf("UIDL has %d lines, want %d: %q", len(got), len(want), got)
		}
		var ids []string
		for i, l := range got {
			n, uid, _ := strings.Cut(l, " ")
			if n != fmt.Sprint(i+1) || !validUIDL(uid) || slices.Contains(ids, uid) {
				t.Errorf("UIDL line %q: want number %d and a unique id of 1-70 octets in 0x21-0x7E (RFC 1939 §7)", l, i+1)
			}
			if want[i].uid != "" && uid != want[i].uid {
				t.Errorf("UIDL of message %d: %q, want %q", i+1, uid, want[i].uid)
			}
			ids = append(ids, uid)
		}
		for i, m := range want {
			expect(t, fmt.Sprintf("RETR %d", i+1), c.retr(i+1), wireForm(m.raw))
		}
		expect(t, "QUIT", c.cmd("QUIT"), "+OK Logging out; no messages deleted.")
		return ids
	}
	session(testMessages)

	// A file with an arbitrary name (not a Maildir unique name: a space,
	// no delivery time) dropped into new/: it sorts by modification
	// time, after the others, and gets a derived unique-id.
	dropped := testMessage{raw: "Subject: dropped by hand\n\nsaved from a mail client\n"}
	writeFile(t, filepath.Join(maildir, "new", "saved message.eml"), dropped.raw)
	// A file in cur/ with info but without size fields.
	inCur := testMessage{uid: "1700000004.M400004P104Q4.interop", raw: "Subject: four\r\n\r\nput into cur/ directly\r\n.\r\n"}
	writeFile(t, filepath.Join(maildir, "cur", inCur.uid+":2,S"), inCur.raw)
	// Message 1 edited in place: its size changes, its name does not.
	edited := testMessage{uid: testMessages[0].uid, raw: "Subject: dots, edited\n\n.only this line is left\n"}
	writeFile(t, onlyFile(t, maildir, testMessages[0].uid), edited.raw)
	// Message 2 removed.
	if err := os.Remove(onlyFile(t, maildir, testMessages[1].uid)); err != nil {
		t.Fatal(err)
	}
	// The edited message keeps its unique-id: a Maildir message is its
	// unique name, and the name did not change.
	ids := session([]testMessage{edited, testMessages[2], inCur, dropped})
	// Nothing changed since: the same list, the same unique-ids.
	dropped.uid = ids[3]
	again := session([]testMessage{edited, testMessages[2], inCur, dropped})
	expect(t, "UIDL in the next session", again, ids)
}

// TestSIGTERMKeepsMarkedMessages: a session that never sent QUIT must not
// enter UPDATE (RFC 1939 §6), also when the server is stopped under it.
func TestSIGTERMKeepsMarkedMessages(t *testing.T) {
	data := newMaildirs(t, testMessages...)
	srv := startPOP3(t, data)
	_, total := wireSizes(testMessages)
	c := dialPOP3(t, srv.plain)
	c.login("alice", "wonderland")
	expect(t, "DELE 1", c.cmd("DELE 1"), "+OK Message 1 marked for deletion.")

	start := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.exited:
	case <-time.After(5 * time.Second):
		t.Fatalf("pop3lab still running 5s after SIGTERM:\n%s", srv.stderr)
	}
	if srv.waitErr != nil {
		t.Fatalf("pop3lab after SIGTERM: %v (want exit status 0)\n%s", srv.waitErr, srv.stderr)
	}
	t.Logf("pop3lab stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	log := srv.stderr.String()
	assertContains(t, "pop3lab stderr after SIGTERM", log, "pop3lab pop3: stopped\n",
		`dele=1 auth-failures=0`, `end="connection closed by server shutdown"`)
	// The client sees the connection end, with no response.
	c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if line, err := c.r.ReadString('\n'); err == nil {
		t.Errorf("after SIGTERM the client read %q, want the connection closed", line)
	}

	srv = startPOP3(t, data)
	c = dialPOP3(t, srv.plain)
	c.login("alice", "wonderland")
	expect(t, "STAT after restart", c.cmd("STAT"), fmt.Sprintf("+OK 3 %d", total))
	expect(t, "UIDL after restart", c.multi("UIDL"), numbered(uids(testMessages)))
	c.cmd("QUIT")
}

// pop3labProcess is a running `pop3lab pop3`.
type pop3labProcess struct {
	cmd         *exec.Cmd
	plain, tls  string // the listening addresses it printed
	fingerprint string // SHA-256 of the certificate, as printed: "AB:CD:…"
	stdout      *lockedBuffer
	stderr      *lockedBuffer // the one-line-per-session log
	exited      chan struct{}
	waitErr     error // valid once exited is closed
}

// fingerprintHex is the fingerprint as lower-case hex without colons.
func (p *pop3labProcess) fingerprintHex() string {
	return strings.ToLower(strings.ReplaceAll(p.fingerprint, ":", ""))
}

var (
	plainRE = regexp.MustCompile(`(?m)^POP3  listening on (\S+) \(plaintext, STLS offered\)$`)
	tlsRE   = regexp.MustCompile(`(?m)^POP3S listening on (\S+) \(implicit TLS\)$`)
	fpRE    = regexp.MustCompile(`(?m)SHA-256 fingerprint:\n  ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$`)
)

// startPOP3 starts pop3lab pop3 on ports the kernel picks (it prints the
// addresses it got) and waits for its banner. The process is stopped when
// the test ends; its session log is shown if the test failed. extra flags
// follow the usual ones.
func startPOP3(t *testing.T, data string, extra ...string) *pop3labProcess {
	t.Helper()
	p := &pop3labProcess{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	args := []string{"pop3", "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0", "--data", data,
		"--user", "alice:wonderland", "--user", "bob:pass word", "--auth-failure-delay", "10ms"}
	p.cmd = exec.Command(pop3labBin, append(args, extra...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.exited:
			case <-time.After(10 * time.Second):
				p.cmd.Process.Kill()
				<-p.exited
			}
		}
		if t.Failed() {
			t.Logf("pop3lab pop3 stderr:\n%s", p.stderr)
		}
	})
	deadline := time.Now().Add(toolTimeout)
	for !strings.Contains(p.stdout.String(), "Press Ctrl-C to stop.\n") {
		select {
		case <-p.exited:
			t.Fatalf("pop3lab pop3 exited before it was ready: %v\n%s%s", p.waitErr, p.stdout, p.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("pop3lab pop3 not ready after %v:\n%s%s", toolTimeout, p.stdout, p.stderr)
		}
	}
	banner := p.stdout.String()
	for _, f := range []struct {
		re  *regexp.Regexp
		dst *string
	}{{plainRE, &p.plain}, {tlsRE, &p.tls}, {fpRE, &p.fingerprint}} {
		m := f.re.FindStringSubmatch(banner)
		if m == nil {
			t.Fatalf("pop3lab pop3 banner has no match for %s:\n%s", f.re, banner)
		}
		*f.dst = m[1]
	}
	return p
}

// newMaildirs makes a --data directory with alice's Maildir holding msgs.
func newMaildirs(t *testing.T, msgs ...testMessage) string {
	t.Helper()
	data := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(data, "alice", sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range msgs {
		deliver(t, filepath.Join(data, "alice"), m.uid, m.raw)
	}
	return data
}

// deliver puts a message into a Maildir the Maildir way: written in tmp/,
// then renamed into new/, so that no reader sees it half-written.
func deliver(t *testing.T, maildir, name, raw string) {
	t.Helper()
	tmp := filepath.Join(maildir, "tmp", name)
	writeFile(t, tmp, raw)
	if err := os.Rename(tmp, filepath.Join(maildir, "new", name)); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// onlyFile returns the one file of a Maildir whose name starts with the
// unique name uniq (the server adds size fields and flags to names).
func onlyFile(t *testing.T, maildir, uniq string) string {
	t.Helper()
	var found []string
	for _, sub := range []string{"cur", "new"} {
		m, err := filepath.Glob(filepath.Join(maildir, sub, uniq+"*"))
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, m...)
	}
	if len(found) != 1 {
		t.Fatalf("files for %s in %s: %q, want one", uniq, maildir, found)
	}
	return found[0]
}

// maildirFiles lists the message files of a user's Maildir (cur/ and new/).
func maildirFiles(t *testing.T, data, user string) []string {
	return maildirFilesIn(t, filepath.Join(data, user))
}

func maildirFilesIn(t *testing.T, maildir string) []string {
	t.Helper()
	var files []string
	for _, sub := range []string{"cur", "new"} {
		des, err := os.ReadDir(filepath.Join(maildir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			if !de.IsDir() && !strings.HasPrefix(de.Name(), ".") {
				files = append(files, filepath.Join(sub, de.Name()))
			}
		}
	}
	return files
}

// wireForm is a message as POP3 sends it before dot-stuffing (RFC 1939
// §3): every line ends in CRLF, the last one too.
func wireForm(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\n' && (i == 0 || raw[i-1] != '\r') {
			b.WriteByte('\r')
		}
		b.WriteByte(raw[i])
	}
	if raw != "" && !strings.HasSuffix(raw, "\n") {
		b.WriteString("\r\n")
	}
	return b.String()
}

// wireLines is the wire form split into lines without their CRLF.
func wireLines(raw string) []string {
	return strings.Split(strings.TrimSuffix(wireForm(raw), "\r\n"), "\r\n")
}

// unixForm is the wire form with LF line endings, as mail clients store it.
func unixForm(raw string) string {
	return strings.ReplaceAll(wireForm(raw), "\r\n", "\n")
}

// headerOf returns the header and the blank line that ends it.
func headerOf(raw string) string {
	w := wireForm(raw)
	i := strings.Index(w, "\r\n\r\n")
	return w[:i+4]
}

func wireSizes(msgs []testMessage) (sizes []int64, total int64) {
	for _, m := range msgs {
		n := int64(len(wireForm(m.raw)))
		sizes = append(sizes, n)
		total += n
	}
	return sizes, total
}

func uids(msgs []testMessage) []string {
	var u []string
	for _, m := range msgs {
		u = append(u, m.uid)
	}
	return u
}

// numbered makes scan listing lines "N value" (LIST, UIDL).
func numbered[T any](vals []T) []string {
	var lines []string
	for i, v := range vals {
		lines = append(lines, fmt.Sprintf("%d %v", i+1, v))
	}
	return lines
}

func crlfLines(lines []string) string {
	return strings.Join(lines, "\r\n") + "\r\n"
}

func colonHex(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// validUIDL: 1 to 70 octets in 0x21..0x7E (RFC 1939 §7).
func validUIDL(s string) bool {
	if len(s) < 1 || len(s) > 70 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// stripReceived removes the Received header a delivering client put first.
func stripReceived(t *testing.T, msg string) string {
	t.Helper()
	if !strings.HasPrefix(msg, "Received: ") {
		t.Fatalf("delivered message does not start with a Received header:\n%s", msg)
	}
	lines := strings.SplitAfter(msg, "\n")
	i := 1
	for i < len(lines) && (strings.HasPrefix(lines[i], "\t") || strings.HasPrefix(lines[i], " ")) {
		i++
	}
	return strings.Join(lines[i:], "")
}

// peerCertificate fetches the server certificate from the POP3S port and
// checks it against the printed fingerprint.
func peerCertificate(t *testing.T, p *pop3labProcess) *x509.Certificate {
	t.Helper()
	d := &net.Dialer{Timeout: toolTimeout}
	conn, err := tls.DialWithDialer(d, "tcp", p.tls, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cert := conn.ConnectionState().PeerCertificates[0]
	sum := sha256.Sum256(cert.Raw)
	expect(t, "certificate fingerprint", colonHex(sum[:]), p.fingerprint)
	return cert
}

func splitHostPort(t *testing.T, addr string) (host, port string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// needTool fails the test when a client program is missing.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed: `make test` installs it (scripts/install-deps.sh)", name)
	}
}

// runTool runs a program with stdin, extra environment and a timeout, in a
// C locale. A run that times out fails the test.
func runTool(t *testing.T, stdin string, env []string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C"), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q did not finish within %v:\n%s\n%s", name, args, toolTimeout, out.String(), errOut.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("%s: %v", name, err)
	}
	return out.String(), errOut.String(), code
}

func expect[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

func assertContains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: no %q in:\n%s", what, w, text)
		}
	}
}

func assertMatch(t *testing.T, what, text, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(text) {
		t.Errorf("%s: no match for %s in:\n%s", what, pattern, text)
	}
}

// assertTrace checks that a curl -v trace has the wanted lines in order
// and none of the unwanted ones.
func assertTrace(t *testing.T, what, trace string, wants, unwanted []string) {
	t.Helper()
	lines := strings.Split(strings.ReplaceAll(trace, "\r", ""), "\n")
	i := 0
	for _, l := range lines {
		if i < len(wants) && l == wants[i] {
			i++
		}
		for _, u := range unwanted {
			if strings.HasPrefix(l, u) {
				t.Errorf("%s: unexpected line %q", what, l)
			}
		}
	}
	if i < len(wants) {
		t.Errorf("%s: line %q missing (after %q) in:\n%s", what, wants[i], wants[:i], trace)
	}
}

// popConn is a minimal POP3 client for the tests that need exact control.
type popConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialPOP3(t *testing.T, addr string) *popConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, toolTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(toolTimeout))
	p := &popConn{t: t, c: c, r: bufio.NewReader(c)}
	if g := p.line(); !strings.HasPrefix(g, "+OK ") {
		t.Fatalf("greeting %q", g)
	}
	return p
}

func (p *popConn) line() string {
	p.t.Helper()
	l, err := p.r.ReadString('\n')
	if err != nil {
		p.t.Fatalf("reading from the server: %v", err)
	}
	if !strings.HasSuffix(l, "\r\n") {
		p.t.Fatalf("line %q does not end in CRLF", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// cmd sends a command and returns the status line.
func (p *popConn) cmd(line string) string {
	p.t.Helper()
	if _, err := p.c.Write([]byte(line + "\r\n")); err != nil {
		p.t.Fatal(err)
	}
	return p.line()
}

func (p *popConn) login(user, pass string) {
	p.t.Helper()
	p.cmdOK("USER " + user)
	p.cmdOK("PASS " + pass)
}

func (p *popConn) cmdOK(line string) string {
	p.t.Helper()
	s := p.cmd(line)
	if !strings.HasPrefix(s, "+OK") {
		p.t.Fatalf("%s: %q", line, s)
	}
	return s
}

// multi sends a command with a multi-line answer and returns its lines,
// dot-stuffing removed.
func (p *popConn) multi(line string) []string {
	p.t.Helper()
	p.cmdOK(line)
	var lines []string
	for {
		l := p.line()
		if l == "." {
			return lines
		}
		lines = append(lines, strings.TrimPrefix(l, "."))
	}
}

// retr returns message n as it came over the wire, un-stuffed.
func (p *popConn) retr(n int) string {
	p.t.Helper()
	lines := p.multi(fmt.Sprintf("RETR %d", n))
	return crlfLines(lines)
}

// lockedBuffer is a bytes.Buffer that a process may write while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
