package client

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"

	"pop3lab/sim/maildrop"
)

// Headers are the header fields a mail list shows.
type Headers struct {
	// Subject and From are decoded from RFC 2047 encoded words when they
	// can be, else left as sent.
	Subject, From string
	// Date is the Date field as sent: a forged date stays visible.
	Date string
	// Malformed is true when the header block does not parse (RFC 5322
	// §2.2); Raw then holds its first lines.
	Malformed bool
	// Raw holds at most MaxRawLines lines of a malformed header block,
	// each cut at MaxRawLineLen octets.
	Raw []string
}

// Limits on what a malformed message's Headers keep.
const (
	// MaxRawLines is how many lines of a malformed header block are kept.
	MaxRawLines = 5
	// MaxRawLineLen is how many octets of each such line are kept.
	MaxRawLineLen = 200
)

// maxHeaderBlock bounds how much of a local message is read for its
// headers.
const maxHeaderBlock = 256 << 10

// Preview is what TOP n 0 shows of a message on the server.
type Preview struct {
	// Number is the message number of the session.
	Number int
	// UID is the unique id, "" if the server refused UIDL.
	UID string
	// Size is the size from LIST.
	Size int64
	// Downloaded is true when the UID memory knows the message.
	Downloaded bool
	Headers
}

// PreviewHeaders logs in as GetMail does and asks TOP n 0 (RFC 1939 §7:
// the headers and no body line) for every message, so a user sees what
// waits without downloading it; nothing is deleted. A message whose
// headers do not parse gives a Preview with Malformed set, not an error.
// A message the server refuses to show is left out with a warning.
func (m *MailClient) PreviewHeaders(dial Dialer) ([]Preview, Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.Settings
	rep := Report{TLS: "none"}
	if err := s.Validate(); err != nil {
		return nil, rep, err
	}
	mem, err := m.loadMemory()
	if err != nil {
		return nil, rep, err
	}
	known := mem.Accounts[s.Username]
	conn, _, err := m.open(dial, s, &rep)
	if err != nil {
		return nil, rep, err
	}
	defer conn.Close()
	list, err := conn.List()
	if err != nil {
		return nil, rep, m.abort(conn, &rep, 0, err)
	}
	rep.step("LIST: %d messages.", len(list))
	uids := make(map[int]string)
	ul, err := conn.UIDL()
	var se *ServerError
	switch {
	case errors.As(err, &se):
		rep.step("UIDL refused (-ERR %s): previews without unique ids.", se.Status.Text)
	case err != nil:
		return nil, rep, m.abort(conn, &rep, 0, err)
	}
	for _, mu := range ul {
		uids[mu.Number] = mu.UID
	}
	var out []Preview
	for _, mi := range list {
		top, err := conn.Top(mi.Number, 0)
		if errors.As(err, &se) {
			rep.warn("TOP %d 0 refused: %s", mi.Number, se.Status.Text)
			continue
		}
		if err != nil {
			return out, rep, m.abort(conn, &rep, 0, err)
		}
		p := Preview{Number: mi.Number, UID: uids[mi.Number], Size: mi.Size, Headers: ParseHeaders(top)}
		_, p.Downloaded = known[p.UID]
		if p.UID == "" {
			p.Downloaded = false
		}
		out = append(out, p)
	}
	rep.step("TOP n 0 for %d messages: headers only, nothing downloaded or deleted.", len(out))
	if err := conn.Quit(); err != nil {
		return out, rep, err
	}
	rep.step("QUIT.")
	return out, rep, nil
}

// ParseHeaders parses the header block at the start of msg with net/mail.
// It never fails: headers that do not parse give Malformed and Raw.
func ParseHeaders(msg []byte) Headers {
	mm, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		return Headers{Malformed: true, Raw: rawLines(msg)}
	}
	dec := new(mime.WordDecoder)
	decode := func(v string) string {
		if d, err := dec.DecodeHeader(v); err == nil {
			return d
		}
		return v
	}
	return Headers{
		Subject: decode(mm.Header.Get("Subject")),
		From:    decode(mm.Header.Get("From")),
		Date:    mm.Header.Get("Date"),
	}
}

func rawLines(msg []byte) []string {
	var out []string
	for len(out) < MaxRawLines && len(msg) > 0 {
		line, rest, _ := bytes.Cut(msg, []byte("\n"))
		msg = rest
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > MaxRawLineLen {
			line = line[:MaxRawLineLen]
		}
		out = append(out, strings.ToValidUTF8(string(line), "\uFFFD"))
	}
	return out
}

// LocalMessage is a message in the client's local mailbox.
type LocalMessage struct {
	// Number is the position in the local mailbox, oldest first.
	Number int
	// UID is the local Maildir's unique id of the message (not the
	// server's): ReadLocal takes it.
	UID string
	// Name is the Maildir file name.
	Name string
	// Size is the size in octets with CRLF line endings.
	Size int64
	Headers
}

// LocalMessages lists the local mailbox, oldest first, with the headers
// of each message.
func (m *MailClient) LocalMessages() ([]LocalMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	md, err := m.cfg.Mailbox.Open(m.cfg.MailboxUser)
	if err != nil {
		return nil, fmt.Errorf("pop3 client: local mailbox: %w", err)
	}
	defer md.Close()
	var out []LocalMessage
	for _, msg := range md.Messages() {
		head, err := readHeaderBlock(md, msg.Number)
		if err != nil {
			return nil, fmt.Errorf("pop3 client: local message %d: %w", msg.Number, err)
		}
		out = append(out, LocalMessage{Number: msg.Number, UID: msg.UID, Name: msg.Name, Size: msg.Size, Headers: ParseHeaders(head)})
	}
	return out, nil
}

// ReadLocal returns the local message with the given local UID, with CRLF
// line endings.
func (m *MailClient) ReadLocal(uid string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	md, err := m.cfg.Mailbox.Open(m.cfg.MailboxUser)
	if err != nil {
		return nil, fmt.Errorf("pop3 client: local mailbox: %w", err)
	}
	defer md.Close()
	for _, msg := range md.Messages() {
		if msg.UID != uid {
			continue
		}
		r, err := md.Open(msg.Number)
		if err != nil {
			return nil, fmt.Errorf("pop3 client: local message %s: %w", uid, err)
		}
		defer r.Close()
		return io.ReadAll(r)
	}
	return nil, fmt.Errorf("pop3 client: local message %s: %w", uid, maildrop.ErrNoSuchMessage)
}

// readHeaderBlock reads message n up to and including the blank line that
// ends its headers, at most maxHeaderBlock octets.
func readHeaderBlock(md *maildrop.Maildrop, n int) ([]byte, error) {
	r, err := md.Open(n)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	br := bufio.NewReader(io.LimitReader(r, maxHeaderBlock))
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if len(line) > 0 && (string(line) == "\r\n" || string(line) == "\n") {
			return head, nil
		}
		if err == io.EOF {
			return head, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return nil, err
		}
	}
}
