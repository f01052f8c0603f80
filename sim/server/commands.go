package server

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
	"pop3lab/sim/wording"
)

// maildropSession is what a session needs of an open maildrop.
type maildropSession interface {
	Messages() []maildrop.Message
	Stat() (count int, size int64)
	Message(n int) (maildrop.Message, error)
	Open(n int) (io.ReadCloser, error)
	Delete(n int) error
	Reset()
	Commit() error
	Close() error
}

var _ maildropSession = (*maildrop.Maildrop)(nil)

// handle runs one command line. A non-nil error ends the session.
func (s *session) handle(line []byte) error {
	cmd, err := pop3.ParseCommand(line)
	ev := Event{Kind: EventCommand, Line: string(line), Offset: s.lineStart}
	if err == nil {
		ev.Command = cmd.Name
		ev.Secret = secretSpan(line, cmd)
	}
	s.event(ev)
	if err != nil {
		return s.bad(describeParseError(err))
	}
	switch s.getState() {
	case StateAuthorization:
		return s.handleAuthorization(cmd)
	case StateTransaction:
		return s.handleTransaction(cmd)
	}
	return errCloseSession
}

func describeParseError(err error) string {
	switch err {
	case pop3.ErrEmptyCommand:
		return "Empty command line."
	case pop3.ErrBadKeyword:
		return "Unknown command: a POP3 keyword is 3 or 4 letters."
	case pop3.ErrBadCharacter:
		return "Command line holds a control character or a byte outside printable ASCII."
	}
	return "Invalid command line."
}

// bad answers -ERR to a bad command and counts it.
func (s *session) bad(text string) error {
	s.reply(false, "", text)
	if s.badCommand() {
		return errSessionFinished
	}
	return nil
}

// errSessionFinished: the session already closed itself.
var errSessionFinished = errors.New("session finished")

// Authorization state (RFC 1939 §4).
func (s *session) handleAuthorization(cmd pop3.Command) error {
	switch cmd.Name {
	case "CAPA":
		return s.capa(cmd)
	case "QUIT":
		if len(cmd.Args) != 0 {
			return s.bad("QUIT takes no arguments.")
		}
		s.reply(true, "", "Logging out.")
		s.closeNote = "quit"
		return errCloseSession
	case "USER":
		return s.userCmd(cmd)
	case "PASS":
		return s.passCmd(cmd)
	case "APOP":
		return s.apopCmd(cmd)
	case "AUTH":
		return s.authCmd(cmd)
	case "STLS":
		return s.stlsCmd(cmd)
	case "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL":
		return s.bad(cmd.Name + " is a TRANSACTION command: log in first.")
	case "LAST":
		return s.obsolete()
	}
	return s.bad("Unknown command.")
}

// Transaction state (RFC 1939 §5).
func (s *session) handleTransaction(cmd pop3.Command) error {
	switch cmd.Name {
	case "CAPA":
		return s.capa(cmd)
	case "STAT":
		if len(cmd.Args) != 0 {
			return s.bad("STAT takes no arguments.")
		}
		n, size := s.mbox.Stat()
		s.reply(true, "", fmt.Sprintf("%d %d", n, size))
	case "LIST":
		return s.listCmd(cmd, "LIST", func(m maildrop.Message) string { return strconv.FormatInt(m.Size, 10) })
	case "UIDL":
		return s.listCmd(cmd, "UIDL", func(m maildrop.Message) string { return m.UID })
	case "RETR":
		return s.retrCmd(cmd)
	case "TOP":
		return s.topCmd(cmd)
	case "DELE":
		n, ok, err := s.messageArg(cmd, "DELE")
		if !ok {
			return err
		}
		if err := s.mbox.Delete(n); err != nil {
			s.reply(false, "", messageError(n, err))
			return nil
		}
		if s.observing() {
			s.event(Event{Kind: EventMark, Message: s.mbox.Messages()[n-1]})
		}
		s.reply(true, "", fmt.Sprintf("Message %d marked for deletion.", n))
	case "NOOP":
		if len(cmd.Args) != 0 {
			return s.bad("NOOP takes no arguments.")
		}
		s.reply(true, "", "")
	case "RSET":
		if len(cmd.Args) != 0 {
			return s.bad("RSET takes no arguments.")
		}
		var marked []maildrop.Message
		if s.observing() {
			marked = markedMessages(s.mbox.Messages())
		}
		s.mbox.Reset()
		for _, m := range marked {
			m.Deleted = false
			s.event(Event{Kind: EventUnmark, Message: m})
		}
		n, size := s.mbox.Stat()
		s.reply(true, "", fmt.Sprintf("Maildrop has %s (%d octets).", wording.Plural(n, "message"), size))
	case "QUIT":
		if len(cmd.Args) != 0 {
			return s.bad("QUIT takes no arguments.")
		}
		return s.quitTransaction()
	case "USER", "PASS", "APOP", "AUTH":
		s.reply(false, "", "Already logged in.")
	case "STLS":
		s.reply(false, "", "STLS is only allowed before login (RFC 2595).")
	case "LAST":
		return s.obsolete()
	default:
		return s.bad("Unknown command.")
	}
	return nil
}

// obsolete answers LAST, which RFC 1725 removed from POP3 but fetchmail
// still tries: a polite -ERR that does not count as a bad command.
func (s *session) obsolete() error {
	s.reply(false, "", "LAST was removed from POP3 (RFC 1725); use UIDL.")
	return nil
}

// quitTransaction enters UPDATE and commits the deletions (RFC 1939 §6).
func (s *session) quitTransaction() error {
	s.setState(StateUpdate)
	deleted := markedMessages(s.mbox.Messages())
	marked := len(deleted)
	err := s.mbox.Commit()
	s.mbox = nil
	s.event(Event{Kind: EventCommit, Messages: deleted, Err: err})
	if err != nil {
		s.reply(false, pop3.CodeSysTemp, "Could not remove the deleted messages; try again later.")
		s.closeNote = "quit: commit failed: " + err.Error()
		return errCloseSession
	}
	if marked == 0 {
		s.reply(true, "", "Logging out; no messages deleted.")
	} else {
		s.reply(true, "", fmt.Sprintf("Logging out; %s deleted.", wording.Plural(marked, "message")))
	}
	s.closeNote = "quit"
	return errCloseSession
}

// markedMessages returns the messages marked for deletion.
func markedMessages(msgs []maildrop.Message) []maildrop.Message {
	var marked []maildrop.Message
	for _, m := range msgs {
		if m.Deleted {
			marked = append(marked, m)
		}
	}
	return marked
}

func (s *session) capa(cmd pop3.Command) error {
	if len(cmd.Args) != 0 {
		return s.bad("CAPA takes no arguments.")
	}
	caps := []string{pop3.CapTop}
	if s.plaintextAuthAllowed() {
		// RFC 5034 §6: do not offer plaintext mechanisms where they
		// would be refused.
		caps = append(caps, pop3.CapUser, pop3.CapSASL+" PLAIN")
	}
	caps = append(caps, pop3.CapRespCodes, pop3.CapAuthRespCode, pop3.CapPipelining)
	if d := s.cfg.LoginDelay; d > 0 {
		caps = append(caps, fmt.Sprintf("%s %d", pop3.CapLoginDelay, int64((d+time.Second-1)/time.Second)))
	}
	// This server never deletes mail on its own (RFC 2449 §6.7).
	caps = append(caps, pop3.CapExpire+" NEVER", pop3.CapUIDL, pop3.CapImplementation+" "+s.cfg.implementation())
	if s.cfg.TLS != nil && !s.tlsActive && s.getState() == StateAuthorization {
		caps = append(caps, pop3.CapSTLS)
	}
	s.replyLines("Capability list follows", caps)
	return nil
}

const insecureAuthText = "Plaintext authentication is disallowed on non-encrypted connections: use STLS or port 995 first."

func (s *session) userCmd(cmd pop3.Command) error {
	if len(cmd.Args) != 1 || cmd.Args[0] == "" {
		return s.bad("Usage: USER name")
	}
	if !s.plaintextAuthAllowed() {
		s.reply(false, pop3.CodeAuth, insecureAuthText)
		return nil
	}
	s.user = cmd.Args[0]
	// RFC 1939 §7: the same answer whether or not the mailbox exists.
	s.reply(true, "", "Send your password.")
	return nil
}

func (s *session) passCmd(cmd pop3.Command) error {
	if !s.plaintextAuthAllowed() {
		s.reply(false, pop3.CodeAuth, insecureAuthText)
		return nil
	}
	if s.user == "" {
		return s.bad("Send USER first.")
	}
	if cmd.Rest == "" {
		return s.bad("Usage: PASS password")
	}
	user := s.user
	s.user = ""
	return s.login(user, func() bool { return checkSecret(s.cfg.Users, user, cmd.Rest) })
}

func (s *session) apopCmd(cmd pop3.Command) error {
	if len(cmd.Args) != 2 || cmd.Args[0] == "" || len(cmd.Args[1]) != 32 {
		return s.bad("Usage: APOP name digest (32 hex digits)")
	}
	given, err := hex.DecodeString(strings.ToLower(cmd.Args[1]))
	if err != nil {
		return s.bad("Usage: APOP name digest (32 hex digits)")
	}
	user := cmd.Args[0]
	s.user = ""
	return s.login(user, func() bool {
		secret, known := s.cfg.Users.Secret(user)
		want := pop3.APOPDigest(s.timestamp, secret)
		return subtle.ConstantTimeCompare([]byte(want), []byte(hex.EncodeToString(given))) == 1 && known
	})
}

func (s *session) authCmd(cmd pop3.Command) error {
	if len(cmd.Args) == 0 {
		// The RFC 1734 listing that older clients ask for.
		var mechs []string
		if s.plaintextAuthAllowed() {
			mechs = append(mechs, "PLAIN")
		}
		s.replyLines("Supported SASL mechanisms follow", mechs)
		return nil
	}
	if len(cmd.Args) > 2 || cmd.Args[0] == "" {
		return s.bad("Usage: AUTH mechanism [initial-response]")
	}
	if !strings.EqualFold(cmd.Args[0], "PLAIN") {
		s.reply(false, "", "Unsupported authentication mechanism.")
		return nil
	}
	if !s.plaintextAuthAllowed() {
		s.reply(false, pop3.CodeAuth, insecureAuthText)
		return nil
	}
	var response string
	if len(cmd.Args) == 2 {
		response = cmd.Args[1]
		if response == "=" {
			// RFC 5034 §4: "=" is an empty initial response.
			response = ""
		}
	} else {
		// RFC 5034 §4: an empty challenge, then the client's response.
		s.out().WriteString(pop3.Continue + " \r\n")
		s.event(Event{Kind: EventResponse, Line: pop3.Continue + " ", Status: pop3.IndicatorContinue})
		if err := s.flush(); err != nil {
			return err
		}
		s.lines.Limit = saslLineLimit
		line, err := s.readLine()
		s.lines.Limit = 0
		if err == pop3.ErrLineTooLong {
			s.reply(false, "", "Authentication response too long.")
			return nil
		}
		if err != nil {
			return errors.New(readFailure(err))
		}
		s.event(Event{Kind: EventCommand, Line: string(line), Command: "AUTH-RESPONSE", Secret: pop3.Span{Start: 0, End: len(line)}, Offset: s.lineStart})
		if string(line) == "*" {
			s.reply(false, "", "Authentication cancelled.")
			return nil
		}
		response = string(line)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(response)
	if err != nil {
		s.reply(false, "", "Invalid base64 in the authentication response.")
		return nil
	}
	user, password, ok := parsePlain(raw)
	return s.login(user, func() bool { return ok && checkSecret(s.cfg.Users, user, password) })
}

// parsePlain splits a SASL PLAIN message, authzid NUL authcid NUL passwd
// (RFC 4616 §2). Acting as another user (a different authzid) is refused.
func parsePlain(msg []byte) (user, password string, ok bool) {
	parts := strings.Split(string(msg), "\x00")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	if parts[0] != "" && parts[0] != parts[1] {
		return parts[1], "", false
	}
	return parts[1], parts[2], true
}

// login answers an authentication attempt for user whose credentials
// check verifies. The attempt draws on the failure budget of the remote
// address and of the user name first; if either is spent, check is not
// even run and the answer says when to retry. Every answer, right or
// wrong, waits the same delay first, so that its timing does not reveal
// the result. On success login locks the maildrop and enters TRANSACTION.
func (s *session) login(user string, check func() bool) error {
	now := s.cfg.now()
	keys := [...]string{addressBudgetKey(s.addr), userBudgetKey(user)}
	ticket, retry, allowed := s.srv.failures.reserve(now, keys[:]...)
	credentialsOK := false
	if allowed {
		credentialsOK = check()
		// At once, not after the delay: attempts waiting for this place
		// learn soon whether it is free.
		s.srv.failures.settle(ticket, !credentialsOK, keys[:]...)
	}
	s.flush()
	s.cfg.sleep(s.cfg.authFailureDelay())
	if !credentialsOK {
		s.authFails++
		text := "Authentication failed."
		if !allowed {
			wait := max(retry.Sub(s.cfg.now()), time.Second)
			text = fmt.Sprintf("Failed-login budget exhausted for this user or your address; try again in %d seconds.", int64((wait+time.Second-1)/time.Second))
		}
		if s.authFails >= s.cfg.maxAuthFailures() {
			s.reply(false, pop3.CodeAuth, text+" Too many failures; closing the connection.")
			s.closeNote = "too many failed logins"
			return errCloseSession
		}
		// RFC 1939 §7: do not say whether the user or the password was wrong.
		s.reply(false, pop3.CodeAuth, text)
		return nil
	}
	if wait, ok := s.srv.checkLoginDelay(user, s.cfg.now()); !ok {
		s.reply(false, pop3.CodeLoginDelay, fmt.Sprintf("Logged in too recently; wait %d seconds.", int64((wait+time.Second-1)/time.Second)))
		return nil
	}
	mbox, err := s.cfg.Store.Open(user)
	switch {
	case errors.Is(err, maildrop.ErrLocked):
		s.reply(false, pop3.CodeInUse, "Maildrop is locked by another POP3 session.")
		return nil
	case errors.Is(err, maildrop.ErrSymlink):
		// RFC 3206 §4: a problem that waiting will not fix.
		s.cfg.logf("pop3 server: session %d: %v", s.id, err)
		s.reply(false, pop3.CodeSysPerm, "Cannot open the maildrop; ask the administrator.")
		return nil
	case err != nil:
		s.cfg.logf("pop3 server: session %d: %v", s.id, err)
		s.reply(false, pop3.CodeSysTemp, "Cannot open the maildrop; try again later.")
		return nil
	}
	s.mbox = mbox
	s.authUser = user
	s.srv.recordLogin(user, s.cfg.now())
	s.srv.authenticated(s)
	s.setState(StateTransaction)
	if s.observing() {
		s.event(Event{Kind: EventMaildrop, Messages: mbox.Messages()})
	}
	n, size := mbox.Stat()
	s.reply(true, "", fmt.Sprintf("%s's maildrop has %s (%d octets).", user, wording.Plural(n, "message"), size))
	return nil
}

func (s *session) stlsCmd(cmd pop3.Command) error {
	if len(cmd.Args) != 0 {
		return s.bad("STLS takes no arguments.")
	}
	if s.tlsActive {
		s.reply(false, "", "Command not permitted when TLS active.")
		return nil
	}
	if s.cfg.TLS == nil {
		s.reply(false, "", "STLS is not available on this server.")
		return nil
	}
	s.reply(true, "", "Begin TLS negotiation now.")
	if err := s.flush(); err != nil {
		return err
	}
	if n := s.lines.R.Buffered(); n > 0 {
		pipelined, _ := s.lines.R.Peek(n)
		if s.cfg.UnsafeExecutePipelinedAfterSTLS {
			// The injection flaw, on purpose: keep the plaintext and
			// read it as if it came through TLS.
			kept := append([]byte(nil), pipelined...)
			s.lines.R.Discard(n)
			return s.upgradeKeeping(kept)
		}
		// RFC 2595 §4 and CVE-2011-0411: anything sent before the
		// handshake is discarded, never executed inside TLS.
		s.event(Event{Kind: EventDiscard, Line: string(pipelined), Note: fmt.Sprintf("discarded %d octets sent before the TLS handshake", n)})
		s.lines.R.Discard(n)
	}
	return s.upgradeKeeping(nil)
}

// upgradeKeeping starts TLS on the raw connection. kept is plaintext the
// unsafe mode feeds to the command reader before the TLS stream.
func (s *session) upgradeKeeping(kept []byte) error {
	// RFC 2595 §4: forget what the client said before TLS.
	s.user = ""
	if !s.startTLS(s.cfg.TLS(s.raw)) {
		s.closeNote = "TLS handshake failed"
		return errCloseSession
	}
	if len(kept) > 0 {
		s.in = &countingReader{r: io.MultiReader(bytes.NewReader(kept), s.conn)}
		s.lines.R.Reset(s.in)
	}
	return nil
}

func (s *session) listCmd(cmd pop3.Command, name string, field func(maildrop.Message) string) error {
	switch len(cmd.Args) {
	case 0:
		var lines []string
		for _, m := range s.mbox.Messages() {
			if !m.Deleted {
				lines = append(lines, strconv.Itoa(m.Number)+" "+field(m))
			}
		}
		text := ""
		if name == "LIST" {
			n, size := s.mbox.Stat()
			text = fmt.Sprintf("%s (%d octets)", wording.Plural(n, "message"), size)
		}
		s.replyLines(text, lines)
		return nil
	case 1:
		n, ok, err := s.messageArg(cmd, name)
		if !ok {
			return err
		}
		m, merr := s.mbox.Message(n)
		if merr != nil {
			s.reply(false, "", messageError(n, merr))
			return nil
		}
		s.reply(true, "", strconv.Itoa(n)+" "+field(m))
		return nil
	}
	return s.bad("Usage: " + name + " [message]")
}

// messageArg parses the single message-number argument of a command.
func (s *session) messageArg(cmd pop3.Command, name string) (n int, ok bool, err error) {
	if len(cmd.Args) != 1 {
		return 0, false, s.bad("Usage: " + name + " message")
	}
	n, valid := pop3.ParseMessageNumber(cmd.Args[0])
	if !valid {
		return 0, false, s.bad("Invalid message number.")
	}
	return n, true, nil
}

func messageError(n int, err error) string {
	switch {
	case errors.Is(err, maildrop.ErrDeleted):
		return fmt.Sprintf("Message %d is marked for deletion.", n)
	case errors.Is(err, maildrop.ErrNoSuchMessage):
		return "No such message."
	}
	return "Message unavailable."
}

func (s *session) retrCmd(cmd pop3.Command) error {
	n, ok, err := s.messageArg(cmd, "RETR")
	if !ok {
		return err
	}
	return s.sendMessage(n, func(w io.Writer, r io.Reader) error {
		_, err := io.Copy(w, r)
		return err
	}, true)
}

func (s *session) topCmd(cmd pop3.Command) error {
	if len(cmd.Args) != 2 {
		return s.bad("Usage: TOP message lines")
	}
	n, valid := pop3.ParseMessageNumber(cmd.Args[0])
	if !valid {
		return s.bad("Invalid message number.")
	}
	lines, err := strconv.ParseUint(cmd.Args[1], 10, 63)
	if err != nil || cmd.Args[1][0] == '+' {
		return s.bad("Invalid line count: TOP needs a non-negative number of lines.")
	}
	count := int(min(lines, 1<<31))
	return s.sendMessage(n, func(w io.Writer, r io.Reader) error {
		return topLines(w, r, count)
	}, false)
}

// sendMessage answers RETR or TOP with (part of) message n. The +OK
// carries the size of what follows, as "N octets": RFC 1939 asks it of
// RETR, and Wireshark's POP dissector reads it for TOP too, so TOP counts
// its part in a first pass over the message (a fast read) before sending.
func (s *session) sendMessage(n int, copyBody func(io.Writer, io.Reader) error, whole bool) error {
	m, err := s.mbox.Message(n)
	if err != nil {
		s.reply(false, "", messageError(n, err))
		return nil
	}
	size := m.Size
	if !whole {
		var counted countingWriter
		switch err := s.withMessage(n, func(r io.Reader) error { return copyBody(&counted, r) }); err {
		case nil:
			size = counted.n
		case errMessageUnavailable:
			return nil
		default:
			s.reply(false, pop3.CodeSysTemp, "Cannot read the message; try again later.")
			return nil
		}
	}
	err = s.withMessage(n, func(r io.Reader) error {
		s.replyBody(true, "", strconv.FormatInt(size, 10)+" octets", size)
		dw := s.bodyWriter()
		if err := copyBody(dw, r); err != nil {
			// The +OK is out and the body cannot be finished: the
			// only honest end is to close the connection (no UPDATE).
			return errSendFailed{fmt.Errorf("sending message %d failed: %w", n, err)}
		}
		return dw.Close()
	})
	if err == errMessageUnavailable {
		return nil
	}
	return err
}

// errSendFailed ends the session: a body broke off after its +OK.
type errSendFailed struct{ error }

// withMessage opens message n for fn. If it cannot be opened it answers
// -ERR [SYS/TEMP] itself and returns errMessageUnavailable.
func (s *session) withMessage(n int, fn func(io.Reader) error) error {
	r, err := s.mbox.Open(n)
	if err != nil {
		if errors.Is(err, maildrop.ErrGone) {
			s.reply(false, pop3.CodeSysTemp, "Message is no longer in the maildrop.")
		} else {
			s.reply(false, pop3.CodeSysTemp, "Cannot read the message; try again later.")
		}
		return errMessageUnavailable
	}
	defer r.Close()
	return fn(r)
}

var errMessageUnavailable = errors.New("message unavailable")

// countingWriter counts octets and keeps none.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
