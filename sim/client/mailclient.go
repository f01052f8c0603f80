package client

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/hack-pad/hackpadfs"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
)

// AuthMethod is how a MailClient logs in.
type AuthMethod int

// The authentication methods.
const (
	// AuthUserPass: USER and PASS (RFC 1939 §7); the password crosses
	// the wire as typed.
	AuthUserPass AuthMethod = iota
	// AuthAPOP: APOP with MD5 of the greeting's timestamp and the
	// password (RFC 1939 §7); the password stays home, but MD5 is broken.
	AuthAPOP
	// AuthPlain: AUTH PLAIN (RFC 5034, RFC 4616); the password crosses
	// the wire in base64, which is an encoding, not encryption.
	AuthPlain
)

// String names the method as a mail program's settings do.
func (a AuthMethod) String() string {
	switch a {
	case AuthUserPass:
		return "USER/PASS"
	case AuthAPOP:
		return "APOP"
	case AuthPlain:
		return "AUTH PLAIN"
	}
	return fmt.Sprintf("AuthMethod(%d)", int(a))
}

// authKeywords are the names settings and scenarios write ("client: auth=apop").
var authKeywords = [...]string{AuthUserPass: "user", AuthAPOP: "apop", AuthPlain: "plain"}

// AuthMethods returns every method, in the order settings list them.
func AuthMethods() []AuthMethod { return []AuthMethod{AuthUserPass, AuthAPOP, AuthPlain} }

// Keyword returns the method's name in settings and scenarios: "user",
// "apop" or "plain". (Not MarshalText: saved settings keep their numbers.)
func (a AuthMethod) Keyword() string {
	if a < 0 || int(a) >= len(authKeywords) {
		return a.String()
	}
	return authKeywords[a]
}

// ParseAuthMethod returns the method with the keyword k.
func ParseAuthMethod(k string) (AuthMethod, error) {
	for i, kw := range authKeywords {
		if kw == k {
			return AuthMethod(i), nil
		}
	}
	return 0, fmt.Errorf("pop3 client: unknown authentication method %q: want %s", k, strings.Join(authKeywords[:], "|"))
}

// TLSPolicy says when a MailClient encrypts the connection.
type TLSPolicy int

// The TLS policies.
const (
	// TLSNone: never; everything crosses the network readable.
	TLSNone TLSPolicy = iota
	// TLSIfOffered: STLS when CAPA lists it, else go on in plaintext with
	// a warning. An attacker who removes STLS from CAPA gets the password:
	// the downgrade lesson.
	TLSIfOffered
	// TLSRequired: STLS, and if the server does not offer it, refuse to
	// log in (QUIT without sending credentials).
	TLSRequired
	// TLSImplicit: TLS from the first byte (POP3S, port 995), as RFC 8314
	// §3.3 recommends.
	TLSImplicit
)

// String names the policy.
func (p TLSPolicy) String() string {
	switch p {
	case TLSNone:
		return "none"
	case TLSIfOffered:
		return "STLS if offered"
	case TLSRequired:
		return "STLS required"
	case TLSImplicit:
		return "implicit TLS"
	}
	return fmt.Sprintf("TLSPolicy(%d)", int(p))
}

// tlsKeywords are the names settings and scenarios write ("client: tls=required").
var tlsKeywords = [...]string{TLSNone: "none", TLSIfOffered: "if-offered", TLSRequired: "required", TLSImplicit: "implicit"}

// TLSPolicies returns every policy, in the order settings list them.
func TLSPolicies() []TLSPolicy { return []TLSPolicy{TLSNone, TLSIfOffered, TLSRequired, TLSImplicit} }

// Keyword returns the policy's name in settings and scenarios: "none",
// "if-offered", "required" or "implicit".
func (p TLSPolicy) Keyword() string {
	if p < 0 || int(p) >= len(tlsKeywords) {
		return p.String()
	}
	return tlsKeywords[p]
}

// ParseTLSPolicy returns the policy with the keyword k.
func ParseTLSPolicy(k string) (TLSPolicy, error) {
	for i, kw := range tlsKeywords {
		if kw == k {
			return TLSPolicy(i), nil
		}
	}
	return 0, fmt.Errorf("pop3 client: unknown TLS policy %q: want %s", k, strings.Join(tlsKeywords[:], "|"))
}

// Settings are the account settings a user fills in.
type Settings struct {
	// Username and Password log in to the server.
	Username, Password string
	// Auth is the login method.
	Auth AuthMethod
	// TLS is the encryption policy.
	TLS TLSPolicy
	// TLSConfig verifies the server for every policy but TLSNone
	// (RootCAs, ServerName, and in the simulator CurvePreferences).
	TLSConfig *tls.Config
	// LeaveOnServer keeps messages on the server after downloading them;
	// the UID memory then fetches each only once. False: download and
	// delete.
	LeaveOnServer bool
	// DeleteAfterDays, with LeaveOnServer, deletes messages from the
	// server once they were first downloaded more than this many days
	// ago. Zero: never.
	DeleteAfterDays int
}

// ErrBadSettings: the settings contradict themselves.
var ErrBadSettings = errors.New("pop3 client: invalid settings")

// Validate checks the settings for contradictions.
func (s Settings) Validate() error {
	switch {
	case s.Username == "":
		return fmt.Errorf("%w: no user name", ErrBadSettings)
	case s.Auth < AuthUserPass || s.Auth > AuthPlain:
		return fmt.Errorf("%w: unknown authentication method %d", ErrBadSettings, int(s.Auth))
	case s.TLS < TLSNone || s.TLS > TLSImplicit:
		return fmt.Errorf("%w: unknown TLS policy %d", ErrBadSettings, int(s.TLS))
	case s.TLS != TLSNone && s.TLSConfig == nil:
		return fmt.Errorf("%w: TLS policy %q needs a TLSConfig", ErrBadSettings, s.TLS)
	case s.DeleteAfterDays < 0:
		return fmt.Errorf("%w: DeleteAfterDays %d is negative", ErrBadSettings, s.DeleteAfterDays)
	case s.DeleteAfterDays > 0 && !s.LeaveOnServer:
		return fmt.Errorf("%w: DeleteAfterDays needs LeaveOnServer (download and delete deletes at once)", ErrBadSettings)
	}
	return nil
}

// DefaultMailboxUser names the local Maildir when Config.MailboxUser is
// empty.
const DefaultMailboxUser = "local"

// Config wires a MailClient to its local storage and clock.
type Config struct {
	// Settings are the initial account settings.
	Settings Settings
	// Mailbox is the local mail store that downloaded messages are
	// delivered into. Required.
	Mailbox *maildrop.Store
	// MailboxUser names the local Maildir in Mailbox; default
	// DefaultMailboxUser.
	MailboxUser string
	// FS holds the UID memory file. Required; usually the file system
	// of Mailbox.
	FS hackpadfs.FS
	// MemoryFile is the path of the UID memory on FS; default
	// DefaultMemoryFile.
	MemoryFile string
	// Now is the clock (virtual in the simulator); default time.Now. It
	// dates the UID memory, so DeleteAfterDays counts on it.
	Now func() time.Time
	// DeadlineClock is the clock connection deadlines are set on: that of
	// the transport Dialer returns. Default Now, right for the simulated
	// link (which keeps time on the simulation's clock) and for real time
	// everywhere; set time.Now when Now is virtual but the transport is
	// real (net.Pipe, TCP).
	DeadlineClock func() time.Time
	// Timeout is the per-read and per-write deadline of connections;
	// zero means DefaultTimeout, negative none.
	Timeout time.Duration
}

// Dialer opens the transport to the server: a plain connection, also for
// TLSImplicit (the MailClient runs the TLS handshake itself).
type Dialer func() (net.Conn, error)

// MailClient is a mail program's POP3 side: it logs in as its Settings
// say, downloads into a local Maildir, and narrates each decision in a
// Report. Its actions are serialised; it is safe for concurrent use, but
// change Settings only between actions.
type MailClient struct {
	// Settings are the account settings used by the next action.
	Settings Settings

	cfg Config
	mu  sync.Mutex
}

// NewMailClient returns a MailClient. Nothing is read or written until an
// action runs.
func NewMailClient(cfg Config) (*MailClient, error) {
	if cfg.Mailbox == nil || cfg.FS == nil {
		return nil, errors.New("pop3 client: Config needs Mailbox and FS")
	}
	if cfg.MailboxUser == "" {
		cfg.MailboxUser = DefaultMailboxUser
	}
	return &MailClient{Settings: cfg.Settings, cfg: cfg}, nil
}

// Report tells what an action did and why.
type Report struct {
	// Fetched counts messages downloaded into the local mailbox.
	Fetched int
	// Skipped counts messages not downloaded because the UID memory knew
	// them.
	Skipped int
	// Deleted counts messages the server deleted at QUIT (RFC 1939 §6).
	// DELEs of a session that ended without QUIT are not counted: the
	// server did not carry them out.
	Deleted int
	// TLS is "none", "STLS" or "implicit".
	TLS string
	// Warnings are what a careful user should notice.
	Warnings []string
	// Steps narrate each step and decision, for the lesson. They never
	// hold the password.
	Steps []string
}

func (r *Report) step(format string, args ...any) {
	r.Steps = append(r.Steps, fmt.Sprintf(format, args...))
}

func (r *Report) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// Warning texts that callers and lessons may look for.
const (
	// WarnSTLSNotOffered: TLSIfOffered met a server without STLS.
	WarnSTLSNotOffered = "STLS not offered: continued without encryption"
	// WarnSTLSRequired: TLSRequired met a server without STLS.
	WarnSTLSRequired = "STLS not offered: refused to log in without encryption"
)

// GetMail downloads new mail: greeting, CAPA, TLS per policy, login,
// STAT, UIDL, then RETR of each message the UID memory does not know,
// delivered into the local mailbox and remembered at once; DELE per
// policy (download and delete: every message; leave on server with
// DeleteAfterDays: those first downloaded more than that many days ago);
// QUIT.
//
// If the session breaks before QUIT, what was delivered stays local and
// remembered, and the server keeps every message (RFC 1939 §6: no UPDATE
// without QUIT); the next GetMail does not download them again, and in
// download-and-delete mode deletes them without fetching. The Report is
// returned with the error.
func (m *MailClient) GetMail(dial Dialer) (Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.Settings
	rep := Report{TLS: "none"}
	if err := s.Validate(); err != nil {
		return rep, err
	}
	mem, err := m.loadMemory()
	if err != nil {
		return rep, err
	}
	known := mem.account(s.Username)
	conn, _, err := m.open(dial, s, &rep)
	if err != nil {
		return rep, err
	}
	defer conn.Close()

	count, size, err := conn.Stat()
	var se *ServerError
	if errors.As(err, &se) {
		rep.step("STAT refused (-ERR %s): QUIT.", se.Status.Text)
		conn.Quit()
		return rep, err
	}
	if err != nil {
		return rep, m.abort(conn, &rep, 0, err)
	}
	rep.step("STAT: %d messages, %d octets on the server.", count, size)

	list, err := conn.UIDL()
	haveUIDs := true
	switch {
	case errors.As(err, &se):
		haveUIDs = false
		list = make([]MessageUID, count)
		for i := range list {
			list[i].Number = i + 1
		}
		if s.LeaveOnServer {
			rep.warn("UIDL refused (%s): could not tell new messages from old ones; downloaded all of them (duplicates possible)", se.Status.Text)
			rep.step("UIDL refused: without unique ids, leave on server cannot know which messages it already has; downloading all %d.", count)
		} else {
			rep.step("UIDL refused: downloading all %d messages; a retried session could duplicate the ones whose DELE was not committed.", count)
		}
	case err != nil:
		return rep, m.abort(conn, &rep, 0, err)
	default:
		// Ids no longer on the server are gone for good (RFC 1939 §7
		// ids are not reused): forget them.
		onServer := make(map[string]bool, len(list))
		old := 0
		for _, mu := range list {
			onServer[mu.UID] = true
			if _, ok := known[mu.UID]; ok {
				old++
			}
		}
		for uid := range known {
			if !onServer[uid] {
				delete(known, uid)
			}
		}
		if err := m.saveMemory(mem); err != nil {
			return rep, m.abort(conn, &rep, 0, err)
		}
		rep.step("UIDL: %d unique ids; %d already downloaded, %d new.", len(list), old, len(list)-old)
	}

	now := m.now()
	maxAge := time.Duration(s.DeleteAfterDays) * 24 * time.Hour
	var marked []string // uids with a DELE accepted
	dele := func(mu MessageUID, why string) error {
		if err := conn.Dele(mu.Number); err != nil {
			if errors.As(err, &se) {
				rep.warn("DELE %d refused: %s", mu.Number, se.Status.Text)
				return nil
			}
			return err
		}
		marked = append(marked, mu.UID)
		rep.step("DELE %d: %s; the server deletes it at QUIT.", mu.Number, why)
		return nil
	}
	for _, mu := range list {
		label := fmt.Sprintf("message %d", mu.Number)
		if mu.UID != "" {
			label += fmt.Sprintf(" (uid %s)", mu.UID)
		}
		if first, ok := known[mu.UID]; ok && haveUIDs {
			rep.Skipped++
			switch {
			case !s.LeaveOnServer:
				rep.step("Skip %s: downloaded in an earlier session whose DELE was never committed.", label)
				if err := dele(mu, "downloaded earlier, so deleted without fetching it again"); err != nil {
					return rep, m.abort(conn, &rep, len(marked), err)
				}
			case maxAge > 0 && now.Sub(first) > maxAge:
				rep.step("Skip %s: already downloaded, first on %s, more than %d days ago.", label, first.UTC().Format(time.DateTime), s.DeleteAfterDays)
				if err := dele(mu, fmt.Sprintf("older than %d days", s.DeleteAfterDays)); err != nil {
					return rep, m.abort(conn, &rep, len(marked), err)
				}
			default:
				rep.step("Skip %s: already downloaded on %s.", label, first.UTC().Format(time.DateTime))
			}
			continue
		}
		data, err := conn.Retr(mu.Number)
		if errors.As(err, &se) {
			rep.warn("RETR %d refused: %s", mu.Number, se.Status.Text)
			continue
		}
		if err != nil {
			return rep, m.abort(conn, &rep, len(marked), err)
		}
		if _, err := m.cfg.Mailbox.Deliver(m.cfg.MailboxUser, bytes.NewReader(data)); err != nil {
			return rep, m.abort(conn, &rep, len(marked), fmt.Errorf("pop3 client: saving %s locally: %w", label, err))
		}
		rep.Fetched++
		if haveUIDs {
			known[mu.UID] = now
			if err := m.saveMemory(mem); err != nil {
				return rep, m.abort(conn, &rep, len(marked), err)
			}
		}
		rep.step("RETR %d: %s, %d octets, saved to the local mailbox.", mu.Number, label, len(data))
		if !s.LeaveOnServer {
			if err := dele(mu, "download and delete"); err != nil {
				return rep, m.abort(conn, &rep, len(marked), err)
			}
		}
	}

	err = conn.Quit()
	switch {
	case errors.As(err, &se):
		rep.warn("QUIT: the server could not delete the marked messages (%s); they stay on the server", se.Status.Text)
		rep.step("QUIT answered -ERR: the UPDATE failed, the %d marked messages stay on the server.", len(marked))
		return rep, err
	case err != nil:
		rep.warn("connection lost during QUIT: the server may or may not have deleted the %d marked messages", len(marked))
		rep.step("Session broken at QUIT (%v): if the QUIT did not reach the server, it does not enter UPDATE and the %d DELEs are not carried out (RFC 1939 §6); the UID memory keeps what was downloaded from being downloaded again.", err, len(marked))
		return rep, err
	}
	rep.Deleted = len(marked)
	for _, uid := range marked {
		delete(known, uid)
	}
	if len(marked) > 0 {
		if err := m.saveMemory(mem); err != nil {
			return rep, err
		}
		rep.step("QUIT: the server entered UPDATE and deleted %d messages (RFC 1939 §6).", len(marked))
	} else {
		rep.step("QUIT: nothing to delete; the session ends.")
	}
	return rep, nil
}

// abort ends a broken session without QUIT and says what that means.
func (m *MailClient) abort(conn *Conn, rep *Report, marked int, err error) error {
	conn.Close()
	if marked > 0 {
		rep.step("Session broken before QUIT (%v): the server does not enter UPDATE, so the %d DELEs are not carried out (RFC 1939 §6); the UID memory keeps what was downloaded from being downloaded again.", err, marked)
	} else {
		rep.step("Session broken before QUIT (%v): the server does not enter UPDATE; nothing is deleted there (RFC 1939 §6).", err)
	}
	return err
}

// open connects, reads the greeting, asks CAPA, applies the TLS policy and
// logs in. On error the connection is closed (after QUIT where the
// protocol is still in step).
func (m *MailClient) open(dial Dialer, s Settings, rep *Report) (*Conn, Capabilities, error) {
	raw, err := dial()
	if err != nil {
		rep.step("Could not connect: %v.", err)
		return nil, Capabilities{}, fmt.Errorf("pop3 client: connect: %w", err)
	}
	var conn *Conn
	if s.TLS == TLSImplicit {
		conn = NewConnTLS(raw, s.TLSConfig)
	} else {
		conn = NewConn(raw)
	}
	conn.Now = m.cfg.DeadlineClock
	if conn.Now == nil {
		conn.Now = m.cfg.Now
	}
	switch {
	case m.cfg.Timeout > 0:
		conn.Timeout = m.cfg.Timeout
	case m.cfg.Timeout < 0:
		conn.Timeout = 0
	}
	if err := conn.ReadGreeting(); err != nil {
		conn.Close()
		rep.step("No usable greeting: %v.", err)
		return nil, Capabilities{}, err
	}
	if st, ok := conn.TLS(); ok {
		rep.TLS = "implicit"
		rep.step("Implicit TLS (POP3S, port 995; RFC 8314): %s, %s, before any POP3 byte.", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	}
	_, greeting := conn.Greeting()
	rep.step("Greeting: %s", greeting)

	fail := func(err error) (*Conn, Capabilities, error) {
		var se *ServerError
		if errors.As(err, &se) || errors.Is(err, ErrNoTimestamp) || errors.Is(err, ErrTLSUnavailable) {
			// The protocol is still in step: say goodbye properly.
			conn.Quit()
		}
		conn.Close()
		return nil, Capabilities{}, err
	}

	caps, err := m.capa(conn, rep, "CAPA")
	if err != nil {
		return fail(err)
	}

	if s.TLS == TLSIfOffered || s.TLS == TLSRequired {
		upgraded := false
		if caps.Has(pop3.CapSTLS) {
			rep.step("CAPA lists STLS: upgrading the connection to TLS (RFC 2595).")
			err := conn.StartTLS(s.TLSConfig)
			var se *ServerError
			switch {
			case errors.As(err, &se):
				rep.step("STLS refused: -ERR %s", se.Status.Text)
			case err != nil:
				rep.step("STLS failed: %v.", err)
				return fail(err)
			default:
				upgraded = true
				st, _ := conn.TLS()
				rep.TLS = "STLS"
				rep.step("TLS established: %s, %s.", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
				// RFC 2595 §4: forget what was learnt before TLS.
				if caps, err = m.capa(conn, rep, "CAPA again over TLS (RFC 2595 §4: capabilities seen before TLS cannot be trusted)"); err != nil {
					return fail(err)
				}
			}
		}
		if !upgraded {
			if s.TLS == TLSRequired {
				rep.warn(WarnSTLSRequired)
				rep.step("Policy %q: no TLS, so no login. QUIT without sending the user name or password.", s.TLS)
				return fail(ErrTLSUnavailable)
			}
			rep.warn(WarnSTLSNotOffered)
			rep.step("Policy %q: no STLS, so continuing in plaintext. Anyone on the path reads the session; an attacker who deletes STLS from CAPA forces exactly this (a downgrade).", s.TLS)
		}
	} else if s.TLS == TLSNone {
		rep.step("Policy %q: staying in plaintext; everything below crosses the network readable.", s.TLS)
	}

	_, encrypted := conn.TLS()
	switch s.Auth {
	case AuthUserPass:
		if err := conn.User(s.Username); err != nil {
			rep.step("USER %s refused: %v", s.Username, err)
			return fail(err)
		}
		if err := conn.Pass(s.Password); err != nil {
			rep.step("PASS refused: %v", err)
			return fail(err)
		}
		if encrypted {
			rep.step("Logged in with USER %s and PASS, inside TLS.", s.Username)
		} else {
			rep.step("Logged in with USER %s and PASS: the password crossed the network in clear text.", s.Username)
		}
	case AuthAPOP:
		if conn.Timestamp() == "" {
			rep.step("APOP needs a <timestamp> in the greeting and there is none: cannot log in.")
			return fail(ErrNoTimestamp)
		}
		if err := conn.APOP(s.Username, s.Password); err != nil {
			rep.step("APOP refused: %v", err)
			return fail(err)
		}
		rep.step("Logged in with APOP %s: only MD5(%s + password) crossed the network, not the password; but MD5 is broken (CVE-2007-1558).", s.Username, conn.Timestamp())
	case AuthPlain:
		if err := conn.AuthPlain(s.Username, s.Password, true); err != nil {
			rep.step("AUTH PLAIN refused: %v", err)
			return fail(err)
		}
		if encrypted {
			rep.step("Logged in with AUTH PLAIN as %s, inside TLS.", s.Username)
		} else {
			rep.step("Logged in with AUTH PLAIN as %s: the password crossed the network in base64, which anyone can decode.", s.Username)
		}
	}
	return conn, caps, nil
}

// capa asks CAPA; a server that refuses it is treated as one with no
// extensions (RFC 2449 §5).
func (m *MailClient) capa(conn *Conn, rep *Report, what string) (Capabilities, error) {
	caps, err := conn.Capa()
	var se *ServerError
	switch {
	case errors.As(err, &se):
		rep.step("%s refused (-ERR %s): assuming no extensions.", what, se.Status.Text)
		return Capabilities{}, nil
	case err != nil:
		return Capabilities{}, err
	}
	rep.step("%s: %s.", what, strings.Join(caps.Lines, ", "))
	return caps, nil
}

func (m *MailClient) now() time.Time {
	if m.cfg.Now != nil {
		return m.cfg.Now()
	}
	return time.Now()
}
