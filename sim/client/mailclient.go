package client

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/hack-pad/hackpadfs"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
	"pop3lab/sim/secure"
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
	// TLSClient starts TLS for every policy but TLSNone; it verifies the
	// server (stdtls.Client with RootCAs and ServerName, natively).
	TLSClient secure.Client
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
	case s.TLS != TLSNone && s.TLSClient == nil:
		return fmt.Errorf("%w: TLS policy %q needs a TLSClient", ErrBadSettings, s.TLS)
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
// STAT, UIDL, then what PlanGetMail decides for each message: RETR of
// each message the UID memory does not know, delivered into the local
// mailbox and remembered at once; DELE per policy (download and delete:
// every message; leave on server with DeleteAfterDays: those first
// downloaded more than that many days ago); QUIT.
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
	conn, _, err := m.open(dial, s, &rep)
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	run := &getMailRun{m: m, conn: conn, rep: &rep, s: s, mem: mem, known: mem.account(s.Username)}

	count, size, err := conn.Stat()
	var se *ServerError
	if errors.As(err, &se) {
		rep.step("STAT refused (-ERR %s): QUIT.", se.Status.Text)
		conn.Quit()
		return rep, err
	}
	if err != nil {
		return rep, run.abort(err)
	}
	rep.step("STAT: %d messages, %d octets on the server.", count, size)

	list, err := conn.UIDL()
	if err != nil && !errors.As(err, &se) {
		return rep, run.abort(err)
	}
	run.now = m.now() // after UIDL, as the memory dates what follows
	plan := PlanGetMail(s, count, list, err == nil, run.known, run.now)
	if err := run.uidl(plan, se); err != nil {
		return rep, run.abort(err)
	}
	for _, mp := range plan.Messages {
		if err := run.message(mp); err != nil {
			return rep, run.abort(err)
		}
	}
	return rep, run.quit()
}

// getMailRun carries out a Plan on an open session and narrates it.
type getMailRun struct {
	m      *MailClient
	conn   *Conn
	rep    *Report
	s      Settings
	mem    *memory
	known  map[string]time.Time // the account's UID memory, inside mem
	now    time.Time            // when this session's downloads are remembered
	marked []string             // uids with a DELE accepted
}

// uidl narrates the UIDL answer and drops the ids that left the server;
// refused is the -ERR of a refused UIDL.
func (r *getMailRun) uidl(plan Plan, refused *ServerError) error {
	if !plan.UIDL {
		n := len(plan.Messages)
		if r.s.LeaveOnServer {
			r.rep.warn("UIDL refused (%s): could not tell new messages from old ones; downloaded all of them (duplicates possible)", refused.Status.Text)
			r.rep.step("UIDL refused: without unique ids, leave on server cannot know which messages it already has; downloading all %d.", n)
		} else {
			r.rep.step("UIDL refused: downloading all %d messages; a retried session could duplicate the ones whose DELE was not committed.", n)
		}
		return nil
	}
	for _, uid := range plan.Forget {
		delete(r.known, uid)
	}
	if err := r.m.saveMemory(r.mem); err != nil {
		return err
	}
	r.rep.step("UIDL: %d unique ids; %d already downloaded, %d new.", len(plan.Messages), plan.Known, len(plan.Messages)-plan.Known)
	return nil
}

// message carries out one message's plan. A command the server refuses
// is a warning; the error returned breaks the session.
func (r *getMailRun) message(mp MessagePlan) error {
	if !mp.Retrieve {
		r.rep.Skipped++
		r.rep.step("%s", mp.skipStep(r.s))
		if mp.Delete {
			return r.dele(mp)
		}
		return nil
	}
	data, err := r.conn.Retr(mp.Number)
	var se *ServerError
	if errors.As(err, &se) {
		r.rep.warn("RETR %d refused: %s", mp.Number, se.Status.Text)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := r.m.cfg.Mailbox.Deliver(r.m.cfg.MailboxUser, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("pop3 client: saving %s locally: %w", mp.label(), err)
	}
	r.rep.Fetched++
	if mp.Remember {
		r.known[mp.UID] = r.now
		if err := r.m.saveMemory(r.mem); err != nil {
			return err
		}
	}
	r.rep.step("RETR %d: %s, %d octets, saved to the local mailbox.", mp.Number, mp.label(), len(data))
	if mp.Delete {
		return r.dele(mp)
	}
	return nil
}

// dele marks a message; a refused DELE is a warning.
func (r *getMailRun) dele(mp MessagePlan) error {
	if err := r.conn.Dele(mp.Number); err != nil {
		var se *ServerError
		if errors.As(err, &se) {
			r.rep.warn("DELE %d refused: %s", mp.Number, se.Status.Text)
			return nil
		}
		return err
	}
	r.marked = append(r.marked, mp.UID)
	r.rep.step("DELE %d: %s; the server deletes it at QUIT.", mp.Number, mp.deleteReason(r.s))
	return nil
}

// quit ends the session; once the server has committed the deletions
// (RFC 1939 §6) their ids are forgotten.
func (r *getMailRun) quit() error {
	err := r.conn.Quit()
	var se *ServerError
	switch {
	case errors.As(err, &se):
		r.rep.warn("QUIT: the server could not delete the marked messages (%s); they stay on the server", se.Status.Text)
		r.rep.step("QUIT answered -ERR: the UPDATE failed, the %d marked messages stay on the server.", len(r.marked))
		return err
	case err != nil:
		r.rep.warn("connection lost during QUIT: the server may or may not have deleted the %d marked messages", len(r.marked))
		r.rep.step("Session broken at QUIT (%v): if the QUIT did not reach the server, it does not enter UPDATE and the %d DELEs are not carried out (RFC 1939 §6); the UID memory keeps what was downloaded from being downloaded again.", err, len(r.marked))
		return err
	}
	r.rep.Deleted = len(r.marked)
	for _, uid := range r.marked {
		delete(r.known, uid)
	}
	if len(r.marked) == 0 {
		r.rep.step("QUIT: nothing to delete; the session ends.")
		return nil
	}
	if err := r.m.saveMemory(r.mem); err != nil {
		return err
	}
	r.rep.step("QUIT: the server entered UPDATE and deleted %d messages (RFC 1939 §6).", len(r.marked))
	return nil
}

// abort ends a broken session without QUIT and says what that means.
func (r *getMailRun) abort(err error) error {
	return r.m.abort(r.conn, r.rep, len(r.marked), err)
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
		conn = NewConnTLS(raw, s.TLSClient)
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
	if st, ok := conn.TLSState(); ok {
		rep.TLS = "implicit"
		rep.step("Implicit TLS (POP3S, port 995; RFC 8314): %s, %s, before any POP3 byte.", st.VersionName, st.CipherSuiteName)
	}
	_, greeting := conn.Greeting()
	rep.step("Greeting: %s", greeting)

	caps, err := m.capa(conn, rep, "CAPA")
	if err == nil {
		caps, err = m.secure(conn, s, caps, rep)
	}
	if err == nil {
		err = authenticate(conn, s, rep)
	}
	if err != nil {
		var se *ServerError
		if errors.As(err, &se) || errors.Is(err, ErrNoTimestamp) || errors.Is(err, ErrTLSUnavailable) {
			// The protocol is still in step: say goodbye properly.
			conn.Quit()
		}
		conn.Close()
		return nil, Capabilities{}, err
	}
	return conn, caps, nil
}

// secure applies the STLS policies (RFC 2595) and returns the
// capabilities to trust: those asked again over TLS after an upgrade.
func (m *MailClient) secure(conn *Conn, s Settings, caps Capabilities, rep *Report) (Capabilities, error) {
	switch s.TLS {
	case TLSNone:
		rep.step("Policy %q: staying in plaintext; everything below crosses the network readable.", s.TLS)
		return caps, nil
	case TLSImplicit:
		return caps, nil
	}
	if caps.Has(pop3.CapSTLS) {
		rep.step("CAPA lists STLS: upgrading the connection to TLS (RFC 2595).")
		err := conn.StartTLS(s.TLSClient)
		var se *ServerError
		switch {
		case errors.As(err, &se):
			rep.step("STLS refused: -ERR %s", se.Status.Text)
		case err != nil:
			rep.step("STLS failed: %v.", err)
			return caps, err
		default:
			st, _ := conn.TLSState()
			rep.TLS = "STLS"
			rep.step("TLS established: %s, %s.", st.VersionName, st.CipherSuiteName)
			// RFC 2595 §4: forget what was learnt before TLS.
			return m.capa(conn, rep, "CAPA again over TLS (RFC 2595 §4: capabilities seen before TLS cannot be trusted)")
		}
	}
	if s.TLS == TLSRequired {
		rep.warn(WarnSTLSRequired)
		rep.step("Policy %q: no TLS, so no login. QUIT without sending the user name or password.", s.TLS)
		return caps, ErrTLSUnavailable
	}
	rep.warn(WarnSTLSNotOffered)
	rep.step("Policy %q: no STLS, so continuing in plaintext. Anyone on the path reads the session; an attacker who deletes STLS from CAPA forces exactly this (a downgrade).", s.TLS)
	return caps, nil
}

// authenticate logs in with the method of the settings (RFC 1939 §7,
// RFC 5034) and narrates what crossed the network.
func authenticate(conn *Conn, s Settings, rep *Report) error {
	_, encrypted := conn.TLSState()
	switch s.Auth {
	case AuthUserPass:
		if err := conn.User(s.Username); err != nil {
			rep.step("USER %s refused: %v", s.Username, err)
			return err
		}
		if err := conn.Pass(s.Password); err != nil {
			rep.step("PASS refused: %v", err)
			return err
		}
		if encrypted {
			rep.step("Logged in with USER %s and PASS, inside TLS.", s.Username)
		} else {
			rep.step("Logged in with USER %s and PASS: the password crossed the network in clear text.", s.Username)
		}
	case AuthAPOP:
		if conn.Timestamp() == "" {
			rep.step("APOP needs a <timestamp> in the greeting and there is none: cannot log in.")
			return ErrNoTimestamp
		}
		if err := conn.APOP(s.Username, s.Password); err != nil {
			rep.step("APOP refused: %v", err)
			return err
		}
		rep.step("Logged in with APOP %s: only MD5(%s + password) crossed the network, not the password; but MD5 is broken (CVE-2007-1558).", s.Username, conn.Timestamp())
	case AuthPlain:
		if err := conn.AuthPlain(s.Username, s.Password, true); err != nil {
			rep.step("AUTH PLAIN refused: %v", err)
			return err
		}
		if encrypted {
			rep.step("Logged in with AUTH PLAIN as %s, inside TLS.", s.Username)
		} else {
			rep.step("Logged in with AUTH PLAIN as %s: the password crossed the network in base64, which anyone can decode.", s.Username)
		}
	}
	return nil
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
