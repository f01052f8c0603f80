package client

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"pop3lab/sim/pop3"
	"pop3lab/sim/secure"
)

// Limits on what a server may send. A response that breaks one is a
// *ProtocolError, never an unbounded read.
const (
	// MaxStatusLine is the longest status line accepted, counting its
	// CRLF (RFC 2449 §4: responses are at most 512 octets).
	MaxStatusLine = pop3.MaxResponseLine
	// MaxBodyLine is the longest line of a multi-line body accepted,
	// counting its CRLF. RFC 1939 sets no limit for message lines (RFC 5322
	// §2.1.1 allows 998 octets plus CRLF, and real mail breaks even that),
	// so the bound is generous.
	MaxBodyLine = 64 << 10
	// MaxChallengeLine is the longest SASL challenge line ("+ base64")
	// accepted. RFC 5034 §4 exempts challenges from the 512-octet limit;
	// the bound matches the server's limit for SASL response lines.
	MaxChallengeLine = 4096
	// DefaultMaxBody is the default bound on a multi-line body (a message
	// or a listing) read into memory or streamed by RetrTo.
	DefaultMaxBody = 64 << 20
	// DefaultTimeout is the default deadline for each read and write.
	DefaultTimeout = time.Minute
)

// Conn is one POP3 connection, client side, at the level of commands: one
// method per command, each sending the command line and parsing the
// response strictly. An -ERR gives a *ServerError and the connection goes
// on; a malformed response, a closed connection or a timeout leave the
// connection unusable, and every later call returns that first error.
//
// A Conn is not safe for concurrent use.
type Conn struct {
	// Timeout is the deadline for each read and each write, measured on
	// Now. Zero or negative: no deadline. NewConn sets DefaultTimeout.
	Timeout time.Duration
	// Now is the clock that deadlines are set on: time.Now by default; in
	// the simulator, the link's virtual clock.
	Now func() time.Time
	// MaxBody bounds every multi-line body; NewConn sets DefaultMaxBody.
	MaxBody int64
	// TLS starts TLS when a Raw line sends STLS. Nil: Raw refuses STLS.
	TLS secure.Client

	raw       net.Conn         // the transport as given
	conn      net.Conn         // raw, or tls
	tls       secure.Conn      // nil before TLS
	lines     *pop3.LineReader // strict; lines.R also feeds bodies
	greeting  pop3.Status
	greetLine string
	timestamp string
	greeted   bool
	sasl      bool   // a Raw AUTH exchange waits for the next SASL line
	lastLine  string // the last status line, for error messages
	closed    bool
	err       error // sticky: the connection is unusable
}

// NewConn returns a Conn on c without reading anything: set Timeout, Now
// or MaxBody, then call ReadGreeting. Most callers use Dial.
func NewConn(c net.Conn) *Conn {
	cn := &Conn{Timeout: DefaultTimeout, MaxBody: DefaultMaxBody, raw: c}
	cn.setConn(c)
	return cn
}

// NewConnTLS is NewConn for implicit TLS (POP3S, port 995; RFC 8314 §3.3):
// it wraps c in the TLS client tlsClient. The handshake runs in
// ReadGreeting, before the greeting is read.
func NewConnTLS(c net.Conn, tlsClient secure.Client) *Conn {
	cn := NewConn(c)
	cn.tls = tlsClient(c)
	cn.setConn(cn.tls)
	return cn
}

// Dial reads and checks the greeting on c with the default settings and
// returns the connection in the AUTHORIZATION state (RFC 1939 §4). On
// failure it closes c.
func Dial(c net.Conn) (*Conn, error) {
	cn := NewConn(c)
	if err := cn.ReadGreeting(); err != nil {
		cn.Close()
		return nil, err
	}
	return cn, nil
}

// DialTLS is Dial for implicit TLS: the handshake of tlsClient, then the
// greeting.
func DialTLS(c net.Conn, tlsClient secure.Client) (*Conn, error) {
	if tlsClient == nil {
		c.Close()
		return nil, ErrNoTLSClient
	}
	cn := NewConnTLS(c, tlsClient)
	if err := cn.ReadGreeting(); err != nil {
		cn.Close()
		return nil, err
	}
	return cn, nil
}

// ReadGreeting runs the TLS handshake for a NewConnTLS connection, then
// reads the greeting. RFC 1939 §4: the greeting is a +OK; an -ERR greeting
// (a server refusing service) is a *ServerError. A <timestamp> in the
// greeting is kept for APOP (RFC 1939 §7).
func (c *Conn) ReadGreeting() error {
	if err := c.usable(); err != nil {
		return err
	}
	if c.greeted {
		return errors.New("pop3 client: greeting already read")
	}
	if tc := c.tls; tc != nil {
		tc.SetDeadline(c.deadline())
		if err := tc.Handshake(); err != nil {
			return c.fail(fmt.Errorf("pop3 client: TLS handshake: %w", err))
		}
	}
	st, line, err := c.readStatus("greeting")
	if err != nil {
		return err
	}
	c.greeted = true
	c.greeting, c.greetLine = st, string(line)
	if !st.OK {
		return &ServerError{Command: "greeting", Status: st}
	}
	c.timestamp = apopTimestamp(st.Text)
	return nil
}

// Greeting returns the parsed greeting and the line as received.
func (c *Conn) Greeting() (pop3.Status, string) { return c.greeting, c.greetLine }

// Timestamp returns the APOP timestamp of the greeting, brackets included
// ("<1896.697170952@dbc.mtview.ca.us>"), or "" if there was none.
func (c *Conn) Timestamp() string { return c.timestamp }

// TLSState returns what the TLS handshake agreed, and whether the
// connection is a TLS one (true for a NewConnTLS connection from the
// start, before its handshake ran).
func (c *Conn) TLSState() (secure.State, bool) {
	if c.tls == nil {
		return secure.State{}, false
	}
	st, _ := c.tls.State()
	return st, true
}

// Err returns the error that made the connection unusable, or nil.
func (c *Conn) Err() error { return c.err }

// Close closes the connection without QUIT. RFC 1939 §6: the server then
// does not enter UPDATE, so nothing marked with DELE is deleted. A
// connection that is still in step ends TLS with close_notify; a broken
// one is dropped at the transport, since the server may not be reading.
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	broken := c.err != nil
	if !broken {
		c.err = ErrClosed
	}
	if broken {
		return c.raw.Close()
	}
	return c.conn.Close()
}

// Capabilities is a CAPA listing (RFC 2449 §5). The zero value lists
// nothing: what a client assumes of a server that refuses CAPA.
type Capabilities struct {
	// Lines are the capability lines as received, one per capability.
	Lines []string
}

// Has reports whether a capability is listed. Names are case-insensitive
// (RFC 2449 §5).
func (c Capabilities) Has(name string) bool {
	_, ok := c.find(name)
	return ok
}

// Args returns the arguments of a capability ("SASL PLAIN" → ["PLAIN"]),
// nil when it has none or is not listed.
func (c Capabilities) Args(name string) []string {
	fields, _ := c.find(name)
	if len(fields) < 2 {
		return nil
	}
	return fields[1:]
}

func (c Capabilities) find(name string) ([]string, bool) {
	for _, l := range c.Lines {
		f := strings.Fields(l)
		if len(f) > 0 && strings.EqualFold(f[0], name) {
			return f, true
		}
	}
	return nil, false
}

// Capa sends CAPA and returns the capability list (RFC 2449 §5).
func (c *Conn) Capa() (Capabilities, error) {
	body, err := c.multiline("CAPA", "CAPA")
	if err != nil {
		return Capabilities{}, err
	}
	var caps Capabilities
	for _, l := range splitLines(body) {
		// RFC 2449 §5: capa-tag is one or more printable characters
		// other than space; arguments follow after single spaces.
		if len(l) == 0 || l[0] == ' ' || !printable(l) {
			return Capabilities{}, c.fail(protoErr("CAPA", "a capability line (a name, then arguments)", l, nil))
		}
		caps.Lines = append(caps.Lines, string(l))
	}
	return caps, nil
}

// User sends USER name (RFC 1939 §7). The name must be one word of
// printable US-ASCII.
func (c *Conn) User(name string) error {
	if name == "" || !printable([]byte(name)) || strings.Contains(name, " ") {
		return fmt.Errorf("%w: USER name %q", ErrBadArgument, name)
	}
	_, err := c.simple("USER", "USER "+name)
	return err
}

// Pass sends PASS password (RFC 1939 §7). The password is the rest of the
// line, so it may hold spaces, but not CR, LF or NUL.
func (c *Conn) Pass(password string) error {
	if password == "" || strings.ContainsAny(password, "\r\n\x00") {
		return fmt.Errorf("%w: PASS needs a password without CR, LF or NUL", ErrBadArgument)
	}
	_, err := c.simple("PASS", "PASS "+password)
	return err
}

// APOP logs in with APOP name digest (RFC 1939 §7): the digest is MD5 of
// the greeting's timestamp followed by the secret, in lower-case hex, so
// the secret itself never crosses the wire. Without a timestamp in the
// greeting it returns ErrNoTimestamp and sends nothing.
func (c *Conn) APOP(name, secret string) error {
	if c.timestamp == "" {
		return ErrNoTimestamp
	}
	if name == "" || !printable([]byte(name)) || strings.Contains(name, " ") {
		return fmt.Errorf("%w: APOP name %q", ErrBadArgument, name)
	}
	_, err := c.simple("APOP", "APOP "+name+" "+pop3.APOPDigest(c.timestamp, secret))
	return err
}

// AuthPlain logs in with AUTH PLAIN (RFC 5034 §4, RFC 4616 §2): the
// message "authzid NUL authcid NUL passwd" with an empty authzid, in
// base64. With initialResponse it goes on the AUTH line itself, unless the
// line would exceed the 255-octet command limit, which RFC 5034 §4 forbids;
// otherwise the client waits for the server's "+ " challenge and answers it
// on a line of its own.
func (c *Conn) AuthPlain(user, password string, initialResponse bool) error {
	if user == "" || password == "" || strings.ContainsRune(user, 0) || strings.ContainsRune(password, 0) {
		return fmt.Errorf("%w: PLAIN needs a user and a password without NUL (RFC 4616 §2)", ErrBadArgument)
	}
	msg := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	line := "AUTH PLAIN " + msg
	if !initialResponse || len(line)+2 > pop3.MaxCommandLine {
		if err := c.send("AUTH", "AUTH PLAIN"); err != nil {
			return err
		}
		resp, err := c.readReply("AUTH", true)
		if err != nil {
			return err
		}
		if !resp.Continue {
			if resp.Status.OK {
				return c.fail(protoErr("AUTH", `a "+ " challenge before the PLAIN response`, []byte(resp.Line), nil))
			}
			return &ServerError{Command: "AUTH", Status: resp.Status}
		}
		line = msg
	}
	if err := c.send("AUTH", line); err != nil {
		return err
	}
	// PLAIN is a single message (RFC 4616 §2): a further challenge is
	// not part of the mechanism.
	resp, err := c.readReply("AUTH", false)
	if err != nil {
		return err
	}
	if !resp.Status.OK {
		return &ServerError{Command: "AUTH", Status: resp.Status}
	}
	return nil
}

// StartTLS sends STLS and, on +OK, runs a TLS client handshake with cfg on
// the same connection (RFC 2595 §4). If any byte arrived after the +OK and
// before the handshake, it fails with ErrInjection and abandons the
// connection: those bytes were not protected by TLS and must never be
// read as if they were (CVE-2011-0411 family). RFC 2595 §4: after TLS the
// client must forget what it knew of the server's capabilities and ask
// CAPA again.
func (c *Conn) StartTLS(tlsClient secure.Client) error {
	if tlsClient == nil {
		return ErrNoTLSClient
	}
	if _, ok := c.TLSState(); ok {
		return errors.New("pop3 client: TLS is already active")
	}
	if _, err := c.simple("STLS", "STLS"); err != nil {
		return err
	}
	return c.upgrade(tlsClient)
}

func (c *Conn) upgrade(tlsClient secure.Client) error {
	if c.lines.R.Buffered() > 0 {
		c.fail(ErrInjection)
		c.conn.Close()
		return ErrInjection
	}
	tc := tlsClient(c.raw)
	tc.SetDeadline(c.deadline())
	if err := tc.Handshake(); err != nil {
		tc.Close() // and with it the raw connection
		return c.fail(fmt.Errorf("pop3 client: TLS handshake after STLS: %w", err))
	}
	c.tls = tc
	c.setConn(tc)
	return nil
}

// Stat sends STAT and returns the number of messages and their total size
// in octets (RFC 1939 §5: "+OK nn mm"; the RFC allows more text after the
// size).
func (c *Conn) Stat() (count int, size int64, err error) {
	st, err := c.simple("STAT", "STAT")
	if err != nil {
		return 0, 0, err
	}
	n, sz, ok := parsePair([]byte(st.Text), true)
	if !ok || st.Code != "" {
		return 0, 0, c.fail(protoErr("STAT", `"+OK count size"`, []byte(c.lastLine), nil))
	}
	return int(n), sz, nil
}

// MessageInfo is one scan listing of LIST (RFC 1939 §5).
type MessageInfo struct {
	// Number is the message number.
	Number int
	// Size is the exact size in octets as the message is sent.
	Size int64
}

// MessageUID is one unique-id listing of UIDL (RFC 1939 §7).
type MessageUID struct {
	// Number is the message number.
	Number int
	// UID is the unique id: 1 to 70 characters in 0x21..0x7E.
	UID string
}

// List sends LIST and returns the scan listing of every message not
// marked deleted (RFC 1939 §5).
func (c *Conn) List() ([]MessageInfo, error) {
	body, err := c.multiline("LIST", "LIST")
	if err != nil {
		return nil, err
	}
	var out []MessageInfo
	seen := make(map[int]bool)
	for _, l := range splitLines(body) {
		mi, ok := parseScanListing(l)
		if !ok || seen[mi.Number] {
			return nil, c.fail(protoErr("LIST", `a scan listing "number size" with a new message number`, l, nil))
		}
		seen[mi.Number] = true
		out = append(out, mi)
	}
	return out, nil
}

// ListOne sends LIST n and returns its scan listing, which must be for
// message n.
func (c *Conn) ListOne(n int) (MessageInfo, error) {
	if n < 1 {
		return MessageInfo{}, fmt.Errorf("%w: message number %d (they start at 1, RFC 1939 §3)", ErrBadArgument, n)
	}
	st, err := c.simple("LIST", "LIST "+strconv.Itoa(n))
	if err != nil {
		return MessageInfo{}, err
	}
	mi, ok := parseScanListing([]byte(st.Text))
	if !ok || mi.Number != n || st.Code != "" {
		return MessageInfo{}, c.fail(protoErr("LIST", fmt.Sprintf(`"+OK %d size"`, n), []byte(c.lastLine), nil))
	}
	return mi, nil
}

// UIDL sends UIDL and returns the unique-id listing of every message not
// marked deleted (RFC 1939 §7). Ids must be valid and unique.
func (c *Conn) UIDL() ([]MessageUID, error) {
	body, err := c.multiline("UIDL", "UIDL")
	if err != nil {
		return nil, err
	}
	var out []MessageUID
	seenN := make(map[int]bool)
	seenU := make(map[string]bool)
	for _, l := range splitLines(body) {
		mu, ok := parseUIDListing(l)
		if !ok || seenN[mu.Number] || seenU[mu.UID] {
			return nil, c.fail(protoErr("UIDL", `a unique-id listing "number uid" with a new number and a new uid`, l, nil))
		}
		seenN[mu.Number], seenU[mu.UID] = true, true
		out = append(out, mu)
	}
	return out, nil
}

// UIDLOne sends UIDL n and returns its unique-id listing, which must be
// for message n.
func (c *Conn) UIDLOne(n int) (MessageUID, error) {
	if n < 1 {
		return MessageUID{}, fmt.Errorf("%w: message number %d (they start at 1, RFC 1939 §3)", ErrBadArgument, n)
	}
	st, err := c.simple("UIDL", "UIDL "+strconv.Itoa(n))
	if err != nil {
		return MessageUID{}, err
	}
	mu, ok := parseUIDListing([]byte(st.Text))
	if !ok || mu.Number != n || st.Code != "" {
		return MessageUID{}, c.fail(protoErr("UIDL", fmt.Sprintf(`"+OK %d uid"`, n), []byte(c.lastLine), nil))
	}
	return mu, nil
}

// Retr sends RETR n and returns the message: the body un-stuffed, lines
// ending in CRLF as sent (RFC 1939 §7).
func (c *Conn) Retr(n int) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.RetrTo(n, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RetrTo sends RETR n and streams the un-stuffed message to w as it
// arrives, line by line; it returns the number of octets written. If w
// fails, the rest of the response cannot be skipped safely and the
// connection becomes unusable.
func (c *Conn) RetrTo(n int, w io.Writer) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("%w: message number %d (they start at 1, RFC 1939 §3)", ErrBadArgument, n)
	}
	return c.multilineTo("RETR", "RETR "+strconv.Itoa(n), w)
}

// Top sends TOP n lines and returns the headers, the blank line and at
// most lines lines of the body (RFC 1939 §7).
func (c *Conn) Top(n, lines int) ([]byte, error) {
	if n < 1 || lines < 0 {
		return nil, fmt.Errorf("%w: TOP %d %d (message numbers start at 1, line counts at 0)", ErrBadArgument, n, lines)
	}
	return c.multiline("TOP", "TOP "+strconv.Itoa(n)+" "+strconv.Itoa(lines))
}

// Dele sends DELE n: the server marks message n, and deletes it only if
// the session ends with QUIT (RFC 1939 §5, §6).
func (c *Conn) Dele(n int) error {
	if n < 1 {
		return fmt.Errorf("%w: message number %d (they start at 1, RFC 1939 §3)", ErrBadArgument, n)
	}
	_, err := c.simple("DELE", "DELE "+strconv.Itoa(n))
	return err
}

// Noop sends NOOP (RFC 1939 §5).
func (c *Conn) Noop() error {
	_, err := c.simple("NOOP", "NOOP")
	return err
}

// Rset sends RSET: the server unmarks every message marked deleted
// (RFC 1939 §5).
func (c *Conn) Rset() error {
	_, err := c.simple("RSET", "RSET")
	return err
}

// Quit sends QUIT, reads the answer and closes the connection. In the
// TRANSACTION state the server enters UPDATE and deletes the marked
// messages (RFC 1939 §6); an -ERR (a *ServerError) means it could not.
func (c *Conn) Quit() error {
	_, err := c.simple("QUIT", "QUIT")
	var se *ServerError
	if err == nil || errors.As(err, &se) {
		c.drain()
	}
	c.Close()
	return err
}

// drain reads until the server closes, briefly and boundedly: over TLS
// the server's close_notify must be read before our own is sent, or both
// sides block on an unbuffered link.
func (c *Conn) drain() {
	wait := c.Timeout
	if wait <= 0 || wait > 5*time.Second {
		wait = 5 * time.Second
	}
	// Past the reader's buffer, so that its deadline is not renewed.
	c.lines.R.Discard(c.lines.R.Buffered())
	c.conn.SetReadDeadline(c.now().Add(wait))
	io.Copy(io.Discard, io.LimitReader(c.conn, 64<<10))
	if c.conn != c.raw {
		// Over TLS the server's close_notify ends the stream above while
		// its FIN may still be on the way: wait for that too, so that
		// the client's own close always follows the server's (RFC 1939
		// §6: the server closes after QUIT) and a session's segments
		// come in one order.
		c.raw.SetReadDeadline(c.now().Add(wait))
		io.Copy(io.Discard, io.LimitReader(c.raw, 64<<10))
	}
}

// ---- reading and writing ----

// readBufferSize is the size of the connection's read buffer: a message of
// typical size (10 KB, sent by the server in one write) is read with one
// system call, not three.
const readBufferSize = 16 << 10

func (c *Conn) setConn(nc net.Conn) {
	c.conn = nc
	c.lines = &pop3.LineReader{R: bufio.NewReaderSize(deadlineReader{c}, readBufferSize), Strict: true}
}

func (c *Conn) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Conn) deadline() time.Time {
	if c.Timeout <= 0 {
		return time.Time{}
	}
	return c.now().Add(c.Timeout)
}

// usable returns the sticky error, if any.
func (c *Conn) usable() error { return c.err }

// fail records err as the reason the connection is unusable and returns
// it. A *ServerError never reaches here.
func (c *Conn) fail(err error) error {
	if c.err == nil {
		c.err = err
	}
	return err
}

// send writes one command line with its CRLF in a single write.
func (c *Conn) send(name, line string) error {
	if err := c.usable(); err != nil {
		return err
	}
	if c.sasl {
		return ErrSASLPending
	}
	if !c.greeted {
		return errors.New("pop3 client: read the greeting first")
	}
	return c.write(name, line)
}

func (c *Conn) write(name, line string) error {
	c.conn.SetWriteDeadline(c.deadline())
	if _, err := io.WriteString(c.conn, line+"\r\n"); err != nil {
		return c.fail(fmt.Errorf("pop3 client: sending %s: %w", name, err))
	}
	return nil
}

// errServerClosed wraps io.EOF and io.ErrUnexpectedEOF in ProtocolErrors.
func errServerClosed(cause error) error {
	return fmt.Errorf("the server closed the connection: %w", cause)
}

// readLine reads one line of at most limit octets including its CRLF
// with the strict pop3.LineReader and returns it without the CRLF. The
// slice is valid until the next read. A line that is too long, ends in a
// bare LF, or is cut off by the end of the stream is a *ProtocolError; so
// is the end of the stream before it.
func (c *Conn) readLine(name, expected string, limit int) ([]byte, error) {
	c.lines.Limit = limit
	line, err := c.lines.ReadLine()
	switch {
	case err == nil:
		return line, nil
	case err == pop3.ErrLineTooLong:
		return nil, c.fail(protoErr(name, fmt.Sprintf("%s of at most %d octets with CRLF", expected, limit), line, nil))
	case err == pop3.ErrBareLF:
		// RFC 1939 §3: lines end in CRLF.
		return nil, c.fail(protoErr(name, expected+" ending in CRLF, not a bare LF", line, nil))
	case err == io.EOF:
		return nil, c.fail(protoErr(name, expected, nil, errServerClosed(io.EOF)))
	case err == io.ErrUnexpectedEOF:
		return nil, c.fail(protoErr(name, expected, line, errServerClosed(io.ErrUnexpectedEOF)))
	}
	return nil, c.fail(fmt.Errorf("pop3 client: reading the response to %s: %w", name, err))
}

// readStatus reads a status line: "+OK" or "-ERR", optionally a space and
// text (RFC 1939 §3), at most MaxStatusLine octets.
func (c *Conn) readStatus(name string) (pop3.Status, []byte, error) {
	line, err := c.readLine(name, `a status line ("+OK" or "-ERR")`, MaxStatusLine)
	if err != nil {
		return pop3.Status{}, nil, err
	}
	st, err := c.parseStatus(name, line)
	return st, line, err
}

func (c *Conn) parseStatus(name string, line []byte) (pop3.Status, error) {
	if bytes.ContainsAny(line, "\x00\r\n") {
		return pop3.Status{}, c.fail(protoErr(name, "a status line without NUL or a stray CR", line, nil))
	}
	st, err := pop3.ParseStatus(line)
	if err != nil {
		return pop3.Status{}, c.fail(protoErr(name, `a status line starting with "+OK" or "-ERR" and then a space or the end`, line, nil))
	}
	c.lastLine = string(line)
	return st, nil
}

// simple sends a command with a single-line answer. An -ERR is returned
// as a *ServerError with the status.
func (c *Conn) simple(name, line string) (pop3.Status, error) {
	if err := c.send(name, line); err != nil {
		return pop3.Status{}, err
	}
	st, _, err := c.readStatus(name)
	if err != nil {
		return pop3.Status{}, err
	}
	if !st.OK {
		return st, &ServerError{Command: name, Status: st}
	}
	return st, nil
}

// multiline sends a command whose +OK is followed by a body and returns
// the body.
func (c *Conn) multiline(name, line string) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.multilineTo(name, line, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (c *Conn) multilineTo(name, line string, w io.Writer) (int64, error) {
	if _, err := c.simple(name, line); err != nil {
		return 0, err
	}
	return c.readBody(name, w, nil)
}

// copyBuffers holds the buffers bodies are copied through: a client that
// retrieves many messages does not allocate one for each.
var copyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 32<<10)
	return &b
}}

// readBody reads a multi-line body (RFC 1939 §3) up to and including the
// terminating "." with the strict pop3.DotReader, and writes its lines,
// un-stuffed, with their CRLF to w; wire, when not nil, gets the body as
// it crossed, stuffed and terminated.
func (c *Conn) readBody(name string, w, wire io.Writer) (int64, error) {
	max := c.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	dr := pop3.NewStrictDotReader(c.lines.R, MaxBodyLine)
	if wire != nil {
		dr.Wire = wire
	}
	bw := &bodyWriter{w: w, max: max}
	bufp := copyBuffers.Get().(*[]byte)
	n, err := io.CopyBuffer(bw, dr, *bufp)
	copyBuffers.Put(bufp)
	const expected = `a body line or the terminating "."`
	var le *pop3.LineError
	var we bodyWriteError
	switch {
	case err == nil:
		return n, nil
	case errors.As(err, &le):
		switch le.Err {
		case pop3.ErrLineTooLong:
			return n, c.fail(protoErr(name, fmt.Sprintf("%s of at most %d octets with CRLF", expected, MaxBodyLine), le.Line, nil))
		case pop3.ErrBareLF:
			// RFC 1939 §3: lines end in CRLF.
			return n, c.fail(protoErr(name, expected+" ending in CRLF, not a bare LF", le.Line, nil))
		case pop3.ErrUnstuffed:
			// RFC 1939 §3: a line of the message that begins with "."
			// is sent with one more "." in front, so on the wire a line
			// beginning with "." is either the terminator or begins
			// with "..". Anything else is a server that forgot to
			// stuff: the client cannot know what the line was.
			return n, c.fail(protoErr(name, `a byte-stuffed line (beginning with "..") or the terminating "."`, le.Line, nil))
		}
		return n, c.fail(protoErr(name, expected, le.Line, errServerClosed(le.Err)))
	case err == errBodyTooLarge:
		return n, c.fail(protoErr(name, fmt.Sprintf("a body of at most %d octets", max), nil, nil))
	case errors.As(err, &we):
		return n, c.fail(fmt.Errorf("pop3 client: storing the response to %s: %w", name, we.error))
	}
	return n, c.fail(fmt.Errorf("pop3 client: reading the response to %s: %w", name, err))
}

// bodyWriter passes a body on to w and stops it at max octets.
type bodyWriter struct {
	w      io.Writer
	n, max int64
}

// errBodyTooLarge: a body went over MaxBody.
var errBodyTooLarge = errors.New("body too large")

// bodyWriteError is a failure of the writer a body goes to.
type bodyWriteError struct{ error }

func (b *bodyWriter) Write(p []byte) (int, error) {
	if b.n+int64(len(p)) > b.max {
		return 0, errBodyTooLarge
	}
	n, err := b.w.Write(p)
	b.n += int64(n)
	if err != nil {
		return n, bodyWriteError{err}
	}
	return n, nil
}

// deadlineReader renews the read deadline before every read of the
// connection, that is whenever the buffer needs filling: a long body gets
// Timeout per chunk, not in total.
type deadlineReader struct{ c *Conn }

func (d deadlineReader) Read(p []byte) (int, error) {
	d.c.conn.SetReadDeadline(d.c.deadline())
	return d.c.conn.Read(p)
}

var crlf = []byte("\r\n")

// ---- parsing helpers ----

// apopTimestamp finds the msg-id in a greeting text (RFC 1939 §7): "<",
// then a local part, "@", a domain, ">", with no spaces.
func apopTimestamp(text string) string {
	start := strings.IndexByte(text, '<')
	if start < 0 {
		return ""
	}
	end := strings.IndexByte(text[start:], '>')
	if end < 0 {
		return ""
	}
	ts := text[start : start+end+1]
	inner := ts[1 : len(ts)-1]
	at := strings.IndexByte(inner, '@')
	if at <= 0 || at == len(inner)-1 || strings.ContainsAny(inner, " \t<") {
		return ""
	}
	return ts
}

// splitLines splits a body into its lines without their CRLF.
func splitLines(body []byte) [][]byte {
	var out [][]byte
	for len(body) > 0 {
		i := bytes.Index(body, crlf)
		if i < 0 {
			// readBody always ends lines in CRLF.
			out = append(out, body)
			break
		}
		out = append(out, body[:i])
		body = body[i+2:]
	}
	return out
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// parsePair parses "a b", and with trailing also "a b text" (RFC 1939 §5
// lets servers add information after the size in STAT and LIST answers).
func parsePair(b []byte, trailing bool) (int64, int64, bool) {
	first, rest, ok := bytes.Cut(b, []byte(" "))
	if !ok {
		return 0, 0, false
	}
	second := rest
	if trailing {
		second, _, _ = bytes.Cut(rest, []byte(" "))
	}
	a, ok1 := pop3.ParseDecimal(first)
	s, ok2 := pop3.ParseDecimal(second)
	return a, s, ok1 && ok2
}

// parseScanListing parses "n size" with optional text after the size
// (RFC 1939 §5 LIST).
func parseScanListing(l []byte) (MessageInfo, bool) {
	n, size, ok := parsePair(l, true)
	if !ok || n < 1 || n > pop3.MaxMessageNumber {
		return MessageInfo{}, false
	}
	return MessageInfo{Number: int(n), Size: size}, true
}

// parseUIDListing parses "n uid" (RFC 1939 §7 UIDL): the uid is 1 to 70
// characters in 0x21..0x7E, so it holds no space and ends the line.
func parseUIDListing(l []byte) (MessageUID, bool) {
	first, uid, ok := bytes.Cut(l, []byte(" "))
	if !ok {
		return MessageUID{}, false
	}
	n, ok := pop3.ParseMessageNumber(first)
	if !ok || n < 1 || !pop3.ValidUID(string(uid)) {
		return MessageUID{}, false
	}
	return MessageUID{Number: n, UID: string(uid)}, true
}
