package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"reflect"
	"strings"
	"testing"

	"pop3lab/sim/internal/pop3test"
	"pop3lab/sim/secure/stdtls"
	"pop3lab/sim/server"
)

var fullSession = []string{"STAT", "UIDL", "RETR", "DELE", "RETR", "DELE", "RETR", "DELE", "QUIT"}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestTLSPolicies runs each TLS policy against a server with TLS and one
// without, and through a man in the middle who deletes STLS from CAPA
// (the downgrade). It checks which commands the server saw in plaintext:
// under TLSRequired no credentials may ever leave without TLS.
func TestTLSPolicies(t *testing.T) {
	type tc struct {
		name      string
		serverTLS bool
		policy    TLSPolicy
		strip     bool // a man in the middle removes STLS from CAPA
		implicit  bool
		wantErr   error
		wantTLS   string
		warnings  []string
		commands  []string // every command the server saw
		plaintext []string // those it saw without TLS
		wantFetch int
	}
	tests := []tc{
		{name: "TLS server, policy none", serverTLS: true, policy: TLSNone, wantTLS: "none",
			commands: cat([]string{"CAPA", "USER", "PASS"}, fullSession), plaintext: cat([]string{"CAPA", "USER", "PASS"}, fullSession), wantFetch: 3},
		{name: "TLS server, STLS if offered", serverTLS: true, policy: TLSIfOffered, wantTLS: "STLS",
			commands: cat([]string{"CAPA", "STLS", "CAPA", "USER", "PASS"}, fullSession), plaintext: []string{"CAPA", "STLS"}, wantFetch: 3},
		{name: "TLS server, STLS required", serverTLS: true, policy: TLSRequired, wantTLS: "STLS",
			commands: cat([]string{"CAPA", "STLS", "CAPA", "USER", "PASS"}, fullSession), plaintext: []string{"CAPA", "STLS"}, wantFetch: 3},
		{name: "plain server, STLS if offered", policy: TLSIfOffered, wantTLS: "none", warnings: []string{WarnSTLSNotOffered},
			commands: cat([]string{"CAPA", "USER", "PASS"}, fullSession), plaintext: cat([]string{"CAPA", "USER", "PASS"}, fullSession), wantFetch: 3},
		{name: "plain server, STLS required", policy: TLSRequired, wantErr: ErrTLSUnavailable, wantTLS: "none", warnings: []string{WarnSTLSRequired},
			commands: []string{"CAPA", "QUIT"}, plaintext: []string{"CAPA", "QUIT"}},
		{name: "STLS stripped, STLS if offered (downgrade)", serverTLS: true, strip: true, policy: TLSIfOffered, wantTLS: "none", warnings: []string{WarnSTLSNotOffered},
			commands: cat([]string{"CAPA", "USER", "PASS"}, fullSession), plaintext: cat([]string{"CAPA", "USER", "PASS"}, fullSession), wantFetch: 3},
		{name: "STLS stripped, STLS required", serverTLS: true, strip: true, policy: TLSRequired, wantErr: ErrTLSUnavailable, wantTLS: "none", warnings: []string{WarnSTLSRequired},
			commands: []string{"CAPA", "QUIT"}, plaintext: []string{"CAPA", "QUIT"}},
		{name: "implicit TLS", serverTLS: true, implicit: true, policy: TLSImplicit, wantTLS: "implicit",
			commands: cat([]string{"CAPA", "USER", "PASS"}, fullSession), plaintext: nil, wantFetch: 3},
	}
	srvTLS, cliTLS := pop3test.TLS(t)
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, func(c *server.Config) {
					if tt.serverTLS {
						c.TLS = stdtls.Server(srvTLS)
					}
				}, pop3test.Messages...)
				dial := tr.Dialer(t, e.srv, false)
				if tt.implicit {
					dial = tr.Dialer(t, e.srv, true)
				}
				if tt.strip {
					dial = wrap(dial, func() *tamper { return &tamper{rewriteIn: [2]string{"STLS\r\n", "XTLS\r\n"}} })
				}
				s := alice
				s.TLS, s.TLSClient = tt.policy, stdtls.Client(cliTLS)
				mc, _, _ := newMailClient(t, newClock(), s)
				rep, err := mc.GetMail(dial)
				if tt.wantErr != nil {
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("got %v, want %v", err, tt.wantErr)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				checkReport(t, rep, tt.wantFetch, 0, tt.wantFetch, tt.wantTLS, tt.warnings...)
				e.events.waitClosed(t, 1)
				if got := e.events.commands(); !reflect.DeepEqual(got, tt.commands) {
					t.Fatalf("server saw %v, want %v", got, tt.commands)
				}
				if got := e.events.plaintextCommands(); !reflect.DeepEqual(got, tt.plaintext) {
					t.Fatalf("server saw in plaintext %v, want %v", got, tt.plaintext)
				}
				if tt.wantTLS != "none" {
					tlsStep := "TLS established: TLS 1.3, "
					if tt.implicit {
						tlsStep = "Implicit TLS (POP3S, port 995; RFC 8314): TLS 1.3, "
					}
					found := false
					for _, st := range rep.Steps {
						found = found || strings.HasPrefix(st, tlsStep)
					}
					if !found {
						t.Fatalf("no step %q in:\n%s", tlsStep, strings.Join(rep.Steps, "\n"))
					}
				}
			})
		}
	})
}

// TestTLSUntrustedCertificate: a certificate the client does not trust
// ends the session before any credential is sent.
func TestTLSUntrustedCertificate(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		srvTLS, _ := pop3test.TLS(t)
		e := newEnv(t, func(c *server.Config) { c.TLS = stdtls.Server(srvTLS) }, pop3test.Messages...)
		s := alice
		s.TLS = TLSRequired
		s.TLSClient = stdtls.Client(&tls.Config{RootCAs: x509.NewCertPool(), ServerName: "pop3.test", CurvePreferences: []tls.CurveID{tls.X25519}})
		mc, _, _ := newMailClient(t, newClock(), s)
		_, err := mc.GetMail(tr.Dialer(t, e.srv, false))
		var ua x509.UnknownAuthorityError
		if !errors.As(err, &ua) {
			t.Fatalf("got %v, want x509.UnknownAuthorityError", err)
		}
		e.events.waitClosed(t, 1)
		if got := e.events.commands(); !reflect.DeepEqual(got, []string{"CAPA", "STLS"}) {
			t.Fatalf("server saw %v", got)
		}
	})
}

// TestStartTLS drives STLS by hand (RFC 2595 §4): after TLS, CAPA no
// longer lists STLS, a second STLS is refused by the client, and a
// dot-stuffed message still arrives byte-exact.
func TestStartTLS(t *testing.T) {
	srvTLS, cliTLS := pop3test.TLS(t)
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, func(c *server.Config) { c.TLS = stdtls.Server(srvTLS) }, pop3test.Messages...)
		c := dialConn(t, tr.Dialer(t, e.srv, false))
		caps, err := c.Capa()
		if err != nil || !caps.Has("STLS") {
			t.Fatalf("CAPA before TLS: %v %v", caps.Lines, err)
		}
		if err := c.StartTLS(stdtls.Client(cliTLS)); err != nil {
			t.Fatal(err)
		}
		st, ok := c.TLSState()
		// The client verified the certificate against a pool that holds
		// only the server's (pop3test.TLS), for ServerName "pop3.test".
		if !ok || st.Version != tls.VersionTLS13 || st.VersionName != "TLS 1.3" ||
			st.CipherSuiteName == "" || st.CipherSuiteName != tls.CipherSuiteName(st.CipherSuite) {
			t.Fatalf("TLS state %v %+v", ok, st)
		}
		if caps, err = c.Capa(); err != nil || caps.Has("STLS") {
			t.Fatalf("CAPA after TLS: %v %v", caps.Lines, err)
		}
		if err := c.StartTLS(stdtls.Client(cliTLS)); err == nil || !strings.Contains(err.Error(), "already active") {
			t.Fatalf("second STLS: %v", err)
		}
		if err := c.User("alice"); err != nil {
			t.Fatal(err)
		}
		if err := c.Pass("wonderland"); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Retr(2); err != nil || string(got) != pop3test.Wire[1] {
			t.Fatalf("RETR 2 over TLS = %q %v", got, err)
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}
		e.events.waitClosed(t, 1)
		if got := e.events.plaintextCommands(); !reflect.DeepEqual(got, []string{"CAPA", "STLS"}) {
			t.Fatalf("plaintext commands %v", got)
		}
	})
}

// TestRawSTLS: a typed STLS upgrades the connection with Conn.TLS.
func TestRawSTLS(t *testing.T) {
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		srvTLS, cliTLS := pop3test.TLS(t)
		e := newEnv(t, func(c *server.Config) { c.TLS = stdtls.Server(srvTLS) }, pop3test.Messages...)
		c := dialConn(t, tr.Dialer(t, e.srv, false))
		c.TLS = stdtls.Client(cliTLS)
		resp, err := c.Raw("STLS")
		if err != nil || resp.Line != "+OK Begin TLS negotiation now." {
			t.Fatalf("STLS = %+v %v", resp, err)
		}
		if _, ok := c.TLSState(); !ok {
			t.Fatal("TLS not active after Raw STLS")
		}
		resp, err = c.Raw("CAPA")
		if err != nil || strings.Contains(string(resp.Body), "STLS") || !strings.Contains(string(resp.Body), "UIDL\r\n") {
			t.Fatalf("CAPA over TLS = %q %v", resp.Body, err)
		}
		// RFC 2595 §4: the server refuses STLS inside TLS.
		resp, err = c.Raw("STLS")
		var se *ServerError
		if !errors.As(err, &se) || resp.Line != "-ERR Command not permitted when TLS active." {
			t.Fatalf("second STLS = %+v %v", resp, err)
		}
		if _, err := c.Raw("QUIT"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDialTLS: implicit TLS at the low level (RFC 8314 §3.3).
func TestDialTLS(t *testing.T) {
	srvTLS, cliTLS := pop3test.TLS(t)
	pop3test.Run(t, func(t *testing.T, tr pop3test.Transport) {
		e := newEnv(t, func(c *server.Config) { c.TLS = stdtls.Server(srvTLS) }, pop3test.Messages...)
		raw, err := tr.Dialer(t, e.srv, true)()
		if err != nil {
			t.Fatal(err)
		}
		c, err := DialTLS(raw, stdtls.Client(cliTLS))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, ok := c.TLSState(); !ok {
			t.Fatal("not TLS")
		}
		if err := c.AuthPlain("alice", "wonderland", true); err != nil {
			t.Fatal(err)
		}
		if n, _, err := c.Stat(); err != nil || n != 3 {
			t.Fatalf("STAT %d %v", n, err)
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}
		e.events.waitClosed(t, 1)
		if got := e.events.plaintextCommands(); got != nil {
			t.Fatalf("plaintext commands %v", got)
		}
	})
}
