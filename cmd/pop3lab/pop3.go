package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"
	hackpados "github.com/hack-pad/hackpadfs/os"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/sample"
	"pop3lab/sim/secure/stdtls"
	"pop3lab/sim/server"
	"pop3lab/sim/tlscert"
)

// userFlags collects repeated --user NAME:PASSWORD flags.
type userFlags server.Users

func (u userFlags) String() string { return "" }

func (u userFlags) Set(v string) error {
	name, pass, ok := strings.Cut(v, ":")
	if !ok || name == "" || pass == "" {
		return errors.New("want NAME:PASSWORD")
	}
	if _, dup := u[name]; dup {
		return fmt.Errorf("user %q given twice", name)
	}
	u[name] = pass
	return nil
}

// checkUserName refuses, in one sentence, a --user name that could never
// log in: it must be a maildrop directory name and travel as the one
// argument of USER and APOP (RFC 1939 §7), whose command line holds only
// printable ASCII. It is checked after parsing so that the message does not
// repeat the password.
func checkUserName(name string) error {
	sendable := !strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r > '~' })
	if !sendable || !maildrop.ValidUser(name) {
		return fmt.Errorf(`--user %q: a user name must be printable ASCII without spaces, "/" or "\", and must not start with "."; it names the maildrop directory DIR/NAME/ and is sent as the one argument of USER`, name)
	}
	return nil
}

type pop3Options struct {
	listen, tlsListen string
	data              string
	users             userFlags
	certFile, keyFile string
	allowInsecureAuth bool
	idleTimeout       time.Duration
	authFailureDelay  time.Duration
	authBudget        int
	authWindow        time.Duration
	loginDelay        time.Duration
	hostname          string
	maxConns          int
	maxConnsPerIP     int
	maxUnauthPerIP    int
	// keyLogForTeaching, when set, names a file that receives every TLS
	// session's secrets: for a classroom that decrypts its own captures.
	keyLogForTeaching string
}

// defaultPOP3Options are the settings of `pop3lab pop3` before flags.
func defaultPOP3Options() pop3Options {
	return pop3Options{
		users:            userFlags{},
		idleTimeout:      server.DefaultIdleTimeout,
		authFailureDelay: server.DefaultAuthFailureDelay,
		authBudget:       server.DefaultAuthFailureBudget,
		authWindow:       server.DefaultAuthFailureWindow,
		hostname:         "localhost",
		maxConns:         server.DefaultMaxConns,
		maxConnsPerIP:    server.DefaultMaxConnsPerAddress,
		maxUnauthPerIP:   server.DefaultMaxUnauthenticatedPerAddress,
	}
}

// authDelay turns --auth-failure-delay into a Config value: 0 on the
// command line means no delay, which Config spells as a negative one.
func authDelay(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// connCap turns a cap or budget flag into a Config value: 0 on the
// command line means none, which Config spells as a negative number.
func connCap(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

func runPOP3(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts := defaultPOP3Options()
	fs := flag.NewFlagSet("pop3lab pop3", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.listen, "listen", "127.0.0.1:1110", "address for plain POP3 with STLS (port 110 style); empty to disable")
	fs.StringVar(&opts.tlsListen, "tls-listen", "127.0.0.1:1995", "address for POP3S, implicit TLS (port 995 style); empty to disable")
	fs.StringVar(&opts.data, "data", "", "directory holding one Maildir per user at DIR/NAME/ (default: the built-in sample maildrop, in memory)")
	fs.Var(opts.users, "user", "an account as NAME:PASSWORD; repeat for more (default: the sample account alice:wonderland)")
	fs.StringVar(&opts.certFile, "cert", "", "TLS certificate chain, PEM (default: a self-signed certificate made at start)")
	fs.StringVar(&opts.keyFile, "key", "", "TLS private key, PEM")
	fs.BoolVar(&opts.allowInsecureAuth, "allow-insecure-auth", false, "allow USER/PASS and AUTH PLAIN without TLS from non-loopback addresses")
	fs.DurationVar(&opts.idleTimeout, "idle-timeout", opts.idleTimeout, "autologout after this much inactivity (RFC 1939: at least 10m)")
	fs.DurationVar(&opts.authFailureDelay, "auth-failure-delay", opts.authFailureDelay, "delay before answering every login attempt, right or wrong, so that timing does not reveal the result (0: none)")
	fs.IntVar(&opts.authBudget, "auth-failure-budget", opts.authBudget, "failed logins allowed per IP address and per user name within --auth-failure-window; then logins are refused until the window frees a place (0: no budget)")
	fs.DurationVar(&opts.authWindow, "auth-failure-window", opts.authWindow, "sliding window of --auth-failure-budget")
	fs.DurationVar(&opts.loginDelay, "login-delay", 0, "minimum time between logins of one user, advertised as LOGIN-DELAY (0: none)")
	fs.StringVar(&opts.hostname, "hostname", opts.hostname, "host name in the greeting's APOP timestamp")
	fs.IntVar(&opts.maxConns, "max-conns", opts.maxConns, "most sessions open at once; more are answered -ERR [SYS/TEMP] and closed (0: no cap)")
	fs.IntVar(&opts.maxConnsPerIP, "max-conns-per-ip", opts.maxConnsPerIP, "most sessions open at once from one IP address or IPv6 /64 (0: no cap)")
	fs.IntVar(&opts.maxUnauthPerIP, "max-unauth-per-ip", opts.maxUnauthPerIP, "most sessions from one IP address that have not logged in yet (0: no cap)")
	fs.StringVar(&opts.keyLogForTeaching, "keylog-for-teaching", "", "FOR TEACHING ONLY: append every TLS session's secrets to FILE (NSS key log), so that Wireshark decrypts captures of this server; anyone with FILE can read those sessions")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	for name := range opts.users {
		if err := checkUserName(name); err != nil {
			return err
		}
	}
	if (opts.certFile == "") != (opts.keyFile == "") {
		return errors.New("--cert and --key go together")
	}
	if opts.listen == "" && opts.tlsListen == "" {
		return errors.New("nothing to listen on: --listen and --tls-listen are both empty")
	}
	return servePOP3(ctx, opts, stdout, stderr)
}

func servePOP3(ctx context.Context, opts pop3Options, stdout, stderr io.Writer) error {
	fsys, where, err := openMaildirs(opts.data)
	if err != nil {
		return err
	}
	users := server.Users(opts.users)
	sampleAccount := len(users) == 0
	if sampleAccount {
		users = server.Users{sample.User: sample.Password}
	}
	svc, err := launchPOP3(opts, fsys, users, stderr)
	if err != nil {
		return err
	}
	printBanner(stdout, banner{svc.plainAddr, svc.tlsAddr, where, users, sampleAccount, svc.fingerprint, opts.certFile != ""})
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr, "pop3lab pop3: shutting down; sessions committing an UPDATE finish first")
	case err := <-svc.errc:
		svc.shutdown(context.Background())
		return err
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "pop3lab pop3: stopped")
	return nil
}

// pop3Service is a running real POP3 server and its listeners.
type pop3Service struct {
	srv                *server.Server
	log                *logQueue
	listeners          []net.Listener
	plainAddr, tlsAddr string
	fingerprint        string
	errc               chan error // a listener failed
	keyLog             *os.File   // --keylog-for-teaching, or nil
}

// launchPOP3 starts the real server on the listeners of opts, logging one
// line per session to logw. Extra observers (the classroom's live view)
// see every event too.
func launchPOP3(opts pop3Options, fsys hackpadfs.FS, users server.Users, logw io.Writer, extra ...server.Observer) (*pop3Service, error) {
	cert, fingerprint, err := loadCertificate(opts.certFile, opts.keyFile)
	if err != nil {
		return nil, err
	}
	logq := newLogQueue(logw, logQueueSize)
	observers := multiObserver{newSessionLog(logq)}
	observers = append(observers, extra...)
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	var keyLog *os.File
	if opts.keyLogForTeaching != "" {
		// Never by default: a key log undoes TLS for whoever reads it.
		keyLog, err = os.OpenFile(opts.keyLogForTeaching, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("--keylog-for-teaching: %w", err)
		}
		tlsConfig.KeyLogWriter = keyLog
		fmt.Fprintf(logw, "pop3lab pop3: WARNING: writing every TLS session's secrets to %s, for teaching only: anyone with that file can decrypt the sessions\n", opts.keyLogForTeaching)
	}
	srv := server.New(server.Config{
		Hostname:                     opts.hostname,
		Store:                        maildrop.NewStore(fsys, "", maildrop.Options{}),
		Users:                        users,
		TLS:                          stdtls.Server(tlsConfig),
		AllowInsecureAuth:            opts.allowInsecureAuth,
		IdleTimeout:                  opts.idleTimeout,
		AuthFailureDelay:             authDelay(opts.authFailureDelay),
		AuthFailureBudget:            connCap(opts.authBudget),
		AuthFailureWindow:            opts.authWindow,
		LoginDelay:                   opts.loginDelay,
		MaxConns:                     connCap(opts.maxConns),
		MaxConnsPerAddress:           connCap(opts.maxConnsPerIP),
		MaxUnauthenticatedPerAddress: connCap(opts.maxUnauthPerIP),
		Observer:                     observers,
		Logf:                         logq.Timestamped,
	})
	svc := &pop3Service{srv: srv, log: logq, fingerprint: fingerprint, errc: make(chan error, 2), keyLog: keyLog}
	type listener struct {
		addr  string
		serve func(net.Listener) error
		into  *string
	}
	var serves []func()
	for _, l := range []listener{{opts.listen, srv.Serve, &svc.plainAddr}, {opts.tlsListen, srv.ServeTLS, &svc.tlsAddr}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			svc.closeListeners()
			svc.closeKeyLog()
			return nil, err
		}
		svc.listeners = append(svc.listeners, ln)
		*l.into = ln.Addr().String()
		serve := l.serve
		serves = append(serves, func() {
			if err := serve(ln); err != nil && !errors.Is(err, server.ErrServerClosed) {
				svc.errc <- err
			}
		})
	}
	for _, serve := range serves {
		go serve()
	}
	return svc, nil
}

func (p *pop3Service) closeListeners() {
	for _, l := range p.listeners {
		l.Close()
	}
}

// shutdown stops accepting and ends the sessions (those in UPDATE finish
// their commit first), then gives the session log a moment to be written.
func (p *pop3Service) shutdown(ctx context.Context) error {
	p.closeListeners()
	err := p.srv.Shutdown(ctx)
	p.log.Flush(logFlushTimeout)
	p.closeKeyLog()
	return err
}

func (p *pop3Service) closeKeyLog() {
	if p.keyLog != nil {
		p.keyLog.Close()
	}
}

// multiObserver sends every event to each observer.
type multiObserver []server.Observer

// Observe implements server.Observer.
func (m multiObserver) Observe(e server.Event) {
	for _, o := range m {
		o.Observe(e)
	}
}

// openMaildirs returns the file system holding the Maildirs, and says
// where that is. With no directory it is an in-memory file system with
// the sample maildrop.
func openMaildirs(dir string) (hackpadfs.FS, string, error) {
	if dir == "" {
		fsys, err := mem.NewFS()
		if err != nil {
			return nil, "", err
		}
		if err := sample.Populate(fsys, "", sample.User); err != nil {
			return nil, "", err
		}
		return fsys, "the built-in sample maildrop (in memory: changes last until exit)", nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, "", fmt.Errorf("--data: %w", err)
	}
	osfs := hackpados.NewFS()
	sub, err := osfs.Sub(strings.TrimPrefix(filepath.ToSlash(abs), "/"))
	if err != nil {
		return nil, "", fmt.Errorf("--data: %w", err)
	}
	return sub, "Maildirs under " + abs + "/NAME/", nil
}

func loadCertificate(certFile, keyFile string) (tls.Certificate, string, error) {
	var cert tls.Certificate
	var err error
	if certFile != "" {
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return cert, "", fmt.Errorf("TLS certificate: %w", err)
		}
	} else {
		cert, err = tlscert.SelfSigned(rand.Reader, time.Now(), "localhost", "127.0.0.1", "::1")
		if err != nil {
			return cert, "", err
		}
	}
	return cert, tlscert.Fingerprint(cert.Certificate[0]), nil
}

type banner struct {
	plain, tls    string
	where         string
	users         server.Users
	sampleAccount bool
	fingerprint   string
	ownCert       bool
}

func printBanner(w io.Writer, b banner) {
	if b.plain != "" {
		fmt.Fprintf(w, "POP3  listening on %s (plaintext, STLS offered)\n", b.plain)
	}
	if b.tls != "" {
		fmt.Fprintf(w, "POP3S listening on %s (implicit TLS)\n", b.tls)
	}
	fmt.Fprintf(w, "Serving %s\n", b.where)
	var names []string
	for n := range b.users {
		names = append(names, n)
	}
	slices.Sort(names)
	cred := names[0] + ":PASSWORD"
	if b.sampleAccount {
		cred = sample.User + ":" + sample.Password
		fmt.Fprintf(w, "Account: %s, password %s (the sample account)\n", sample.User, sample.Password)
	} else {
		fmt.Fprintf(w, "Accounts: %s\n", strings.Join(names, ", "))
	}
	kind := "self-signed, made at start"
	if b.ownCert {
		kind = "from --cert"
	}
	fmt.Fprintf(w, "TLS certificate (%s), SHA-256 fingerprint:\n  %s\n", kind, b.fingerprint)
	fmt.Fprintln(w, "Connect with:")
	insecure := ""
	if !b.ownCert {
		insecure = "--insecure "
	}
	if b.plain != "" {
		fmt.Fprintf(w, "  curl pop3://%s@%s/1\n", cred, b.plain)
		fmt.Fprintf(w, "  curl %s--ssl-reqd pop3://%s@%s/\n", insecure, cred, b.plain)
		fmt.Fprintf(w, "  openssl s_client -starttls pop3 -connect %s\n", b.plain)
	}
	if b.tls != "" {
		fmt.Fprintf(w, "  curl %spop3s://%s@%s/\n", insecure, cred, b.tls)
		fmt.Fprintf(w, "  openssl s_client -connect %s\n", b.tls)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
