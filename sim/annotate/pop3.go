package annotate

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"pop3lab/sim/pop3"
	"pop3lab/sim/wire"
)

// popState is what a reader of both directions knows of the POP3 dialogue.
type popState struct {
	greeted   bool
	timestamp string       // the APOP timestamp of the greeting
	pending   []pendingCmd // commands sent, not yet answered, in order
	body      *bodyState   // the multi-line body being read, if any
	sasl      string       // mechanism whose response is the client's next line
	stls      bool         // the client sent STLS and it is not refused
	stlsSeg   int          // the segment that ended the STLS line
}

// pendingCmd is a command awaiting its status line.
type pendingCmd struct {
	name string
	args int
}

// bodyState follows a multi-line response (RFC 1939 §3).
type bodyState struct {
	cmd     pendingCmd
	headers bool // RETR or TOP: still in the message's header section
}

// commandInfo explains a command keyword.
type commandInfo struct{ note, ref string }

var commands = map[string]commandInfo{
	"USER": {"names the mailbox for USER/PASS login, in the clear", "RFC 1939 §7"},
	"PASS": {"sends the password, in the clear unless TLS is on", "RFC 1939 §7"},
	"APOP": {"logs in with a digest of the greeting's timestamp and a shared secret instead of the password", "RFC 1939 §7"},
	"AUTH": {"starts a SASL exchange", "RFC 5034 §4"},
	"STAT": {"asks for the number of messages and their total size", "RFC 1939 §5"},
	"LIST": {"asks for message sizes: one message, or a multi-line list of all", "RFC 1939 §5"},
	"RETR": {"asks for a whole message, sent as a multi-line response", "RFC 1939 §5"},
	"DELE": {"marks a message for deletion; it goes only when QUIT enters UPDATE", "RFC 1939 §5"},
	"NOOP": {"does nothing; the server answers +OK", "RFC 1939 §5"},
	"RSET": {"removes every deletion mark of this session", "RFC 1939 §5"},
	"QUIT": {"ends the session; in TRANSACTION the server enters UPDATE and deletes the marked messages", "RFC 1939 §6"},
	"TOP":  {"asks for a message's headers and its first n body lines", "RFC 1939 §7"},
	"UIDL": {"asks for unique ids, stable across sessions: how a client leaves mail on the server", "RFC 1939 §7"},
	"CAPA": {"asks what the server supports", "RFC 2449 §5"},
	"STLS": {"asks to start TLS on this connection; the handshake follows the +OK", "RFC 2595 §4"},
	"UTF8": {"asks for UTF-8 in this session", "RFC 6856 §2"},
	"LANG": {"asks for the language of response texts", "RFC 6856 §3"},
}

// argLabels names the arguments of commands, in order.
var argLabels = map[string][]string{
	"USER": {"user name"},
	"APOP": {"user name", "digest"},
	"AUTH": {"SASL mechanism", "initial response"},
	"LIST": {"message number"},
	"RETR": {"message number"},
	"DELE": {"message number"},
	"UIDL": {"message number"},
	"TOP":  {"message number", "number of body lines"},
	"LANG": {"language tag"},
}

// responseCodes explains the bracketed response codes.
var responseCodes = map[string]commandInfo{
	pop3.CodeInUse:      {"the maildrop is locked by another session", "RFC 2449 §8.1.1"},
	pop3.CodeLoginDelay: {"the user logged in too recently", "RFC 2449 §8.1.2"},
	pop3.CodeSysTemp:    {"a temporary system problem: try again later", "RFC 3206 §4"},
	pop3.CodeSysPerm:    {"a permanent system problem", "RFC 3206 §4"},
	pop3.CodeAuth:       {"the credentials were wrong, not the system", "RFC 3206 §5"},
	"UTF8":              {"the message needs UTF-8 support", "RFC 6856 §5"},
}

// capabilities explains CAPA lines.
var capabilities = map[string]commandInfo{
	pop3.CapTop:            {"TOP is supported", "RFC 2449 §6.1"},
	pop3.CapUser:           {"USER/PASS login is offered", "RFC 2449 §6.2"},
	pop3.CapSASL:           {"AUTH with these SASL mechanisms is offered", "RFC 2449 §6.3"},
	pop3.CapRespCodes:      {"status lines may carry bracketed response codes", "RFC 2449 §6.4"},
	pop3.CapLoginDelay:     {"minimum seconds between logins", "RFC 2449 §6.5"},
	pop3.CapPipelining:     {"the client may send several commands at once", "RFC 2449 §6.6"},
	pop3.CapExpire:         {"how long the server keeps messages", "RFC 2449 §6.7"},
	pop3.CapUIDL:           {"UIDL is supported", "RFC 2449 §6.8"},
	pop3.CapImplementation: {"the server software", "RFC 2449 §6.9"},
	pop3.CapAuthRespCode:   {"the [AUTH] response code is used", "RFC 3206 §6"},
	pop3.CapSTLS:           {"STLS is offered; an attacker who deletes this line strips TLS", "RFC 2595 §4"},
}

// line annotates a POP3 line of r.
func (p *popState) line(r *Record) Span {
	content, eol := trimEOL(r.Bytes)
	if r.Dir == wire.ClientToServer {
		return p.clientLine(r, content, eol)
	}
	return p.serverLine(r.Bytes, content, eol)
}

// eolSpan is the line ending's span, at the end of a line of n bytes.
func eolSpan(eol []byte, n int) Span {
	s := Span{Start: n - len(eol), End: n, Label: "CRLF", Note: "ends the line", Ref: "RFC 1939 §3"}
	if len(eol) == 1 {
		s.Label, s.Note = "LF", "a bare LF: RFC 1939 §3 ends every line with CRLF"
	}
	return s
}

func (p *popState) clientLine(r *Record, content, eol []byte) Span {
	n := len(r.Bytes)
	last := r.Segments[len(r.Segments)-1]
	if mech := p.sasl; mech != "" {
		p.sasl = ""
		root := Span{End: n, Label: "SASL response", Ref: "RFC 5034 §4"}
		f := newFields(r.Bytes, 0, len(content))
		if string(content) == "*" {
			f.leaf(1, "cancel", "*", "the client gives up the exchange; the server answers -ERR")
		} else {
			f.add(len(content), saslData(mech, content, "response"))
		}
		root.Children = append(f.done(), eolSpan(eol, n))
		return root
	}
	cmd, err := pop3.ParseCommand(content)
	if err != nil {
		p.pending = append(p.pending, pendingCmd{})
		return Span{End: n, Label: "not a command line", Note: err.Error(), Ref: "RFC 1939 §3",
			Children: []Span{{End: len(content), Label: "text"}, eolSpan(eol, n)}}
	}
	root := Span{End: n, Label: "command " + cmd.Name}
	if p.stls && cmd.Name != "STLS" {
		note := "sent after STLS, before the TLS handshake: the server must discard it (RFC 2595 §4)"
		if r.Segments[0] == p.stlsSeg {
			note += "; it came in the same segment as STLS, the way STARTTLS command injection does (CVE-2011-0411)"
		}
		root.Note = note
	}
	info := commands[cmd.Name]
	f := newFields(r.Bytes, 0, len(content))
	kw := len(cmd.Name)
	f.add(kw, Span{Label: "keyword", Value: cmd.Name, Note: info.note, Ref: info.ref})
	switch {
	case cmd.Name == "PASS" && len(content) > kw:
		f.leaf(1, "space", "", "")
		f.add(len(cmd.Rest), Span{Label: "password", Secret: true, Ref: "RFC 1939 §7",
			Note: "the password itself, the rest of the line (spaces allowed): anyone who reads this segment has it"})
	default:
		labels := argLabels[cmd.Name]
		for i, arg := range cmd.Args {
			f.leaf(1, "space", "", "")
			label := "argument"
			if i < len(labels) {
				label = labels[i]
			}
			f.add(len(arg), p.argument(cmd, i, label, arg))
		}
	}
	root.Children = append(f.done(), eolSpan(eol, n))
	p.pending = append(p.pending, pendingCmd{cmd.Name, len(cmd.Args)})
	switch cmd.Name {
	case "STLS":
		p.stls, p.stlsSeg = true, last
	case "AUTH":
		if len(cmd.Args) == 1 {
			p.sasl = strings.ToUpper(cmd.Args[0])
		}
	}
	return root
}

// argument explains argument i of cmd.
func (p *popState) argument(cmd pop3.Command, i int, label, arg string) Span {
	s := Span{Label: label, Value: arg}
	switch {
	case cmd.Name == "APOP" && i == 1:
		s.Ref = "RFC 1939 §7"
		from := "the greeting's timestamp"
		if p.timestamp != "" {
			from = "the greeting's timestamp " + p.timestamp
		}
		s.Note = "MD5, in hex, of " + from + " followed by the shared secret: the secret never crosses and the digest is new each connection, " +
			"but whoever records it can test password guesses offline, and MD5 collisions let a man in the middle recover the secret (CVE-2007-1558)"
	case cmd.Name == "AUTH" && i == 1:
		return saslData(strings.ToUpper(cmd.Args[0]), []byte(arg), "initial response")
	case cmd.Name == "USER" || cmd.Name == "APOP":
		s.Note = "the mailbox name, in the clear"
	}
	return s
}

// saslData annotates base64 SASL data; PLAIN is decoded into its three
// fields (RFC 4616 §2).
func saslData(mech string, b []byte, what string) Span {
	s := Span{Label: what + " (base64)", Ref: "RFC 5034 §4"}
	if string(b) == "=" {
		s.Value, s.Note = "empty", "\"=\" stands for an empty response"
		return s
	}
	dec, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil {
		s.Note = "not valid base64: the server answers -ERR"
		return s
	}
	s.Decoded = &Decoded{Bytes: dec}
	if mech != "PLAIN" {
		s.Decoded.Spans = []Span{{End: len(dec), Label: mech + " data"}}
		return s
	}
	s.Ref = "RFC 4616 §2"
	parts := bytes.Split(dec, []byte{0})
	if len(parts) != 3 {
		s.Note = "base64 of something that is not authzid NUL authcid NUL password"
		s.Decoded.Spans = []Span{{End: len(dec), Label: "malformed PLAIN message"}}
		return s
	}
	s.Secret = true
	s.Note = "base64 is an encoding, not encryption: decoded, it is authzid NUL authcid NUL password, the password in the clear"
	f := newFields(dec, 0, len(dec))
	authzid := Span{Label: "authzid", Value: string(parts[0]), Note: "the identity to act as"}
	if len(parts[0]) == 0 {
		authzid.Value, authzid.Note = "(empty)", "empty: act as the authcid"
	}
	f.add(len(parts[0]), authzid)
	f.leaf(1, "NUL", "", "separator")
	f.add(len(parts[1]), Span{Label: "authcid", Value: string(parts[1]), Note: "the user name"})
	f.leaf(1, "NUL", "", "separator")
	f.add(len(parts[2]), Span{Label: "password", Value: string(parts[2]), Secret: true, Note: "the password in the clear"})
	s.Decoded.Spans = f.done()
	return s
}

func (p *popState) serverLine(b, content, eol []byte) Span {
	n := len(b)
	if p.body != nil {
		return p.bodyLine(b, content, eol)
	}
	if bytes.Equal(content, []byte("+")) || bytes.HasPrefix(content, []byte("+ ")) {
		root := Span{End: n, Label: "SASL challenge", Ref: "RFC 5034 §4"}
		f := newFields(b, 0, len(content))
		f.add(1, Span{Label: "continuation", Value: "+", Note: "the server waits for the client's next SASL response"})
		if len(content) > 1 {
			f.leaf(1, "space", "", "")
			f.add(len(content)-2, Span{Label: "challenge (base64)", Note: "empty for PLAIN"})
		}
		root.Children = append(f.done(), eolSpan(eol, n))
		return root
	}
	greeting := !p.greeted
	p.greeted = true
	var cmd pendingCmd
	if !greeting && len(p.pending) > 0 {
		cmd, p.pending = p.pending[0], p.pending[1:]
	}
	root := Span{End: n, Label: "status line"}
	switch {
	case greeting:
		root.Label, root.Note, root.Ref = "greeting", "the server's first line: the session is in the AUTHORIZATION state", "RFC 1939 §4"
	case cmd.name != "":
		root.Label = "response to " + cmd.name
	}
	st, err := pop3.ParseStatus(content)
	if err != nil {
		root.Note = joinNote(root.Note, "not a status line: it must begin with +OK or -ERR")
		root.Children = []Span{{End: len(content), Label: "text"}, eolSpan(eol, n)}
		return root
	}
	f := newFields(b, 0, len(content))
	ind := Span{Label: "status indicator", Ref: "RFC 1939 §3"}
	if st.OK {
		ind.Value, ind.Note = pop3.OK, "success"
	} else {
		ind.Value, ind.Note = pop3.ERR, "failure"
	}
	f.add(len(ind.Value), ind)
	rest := content[len(ind.Value):]
	if len(rest) > 0 {
		f.leaf(1, "space", "", "")
		rest = rest[1:]
	}
	if st.Code != "" {
		info, ok := responseCodes[strings.ToUpper(st.Code)]
		if !ok {
			info = commandInfo{"an extended response code this view does not know", "RFC 2449 §8"}
		}
		f.add(len(st.Code)+2, Span{Label: "response code", Value: st.Code, Note: info.note, Ref: info.ref})
		rest = rest[len(st.Code)+2:]
		if len(rest) > 0 && rest[0] == ' ' {
			f.leaf(1, "space", "", "")
			rest = rest[1:]
		}
	}
	if greeting {
		p.greetingText(f, rest)
	} else {
		f.add(len(rest), Span{Label: "text", Note: "for humans; the client acts on the status indicator"})
	}
	root.Children = append(f.done(), eolSpan(eol, n))
	switch {
	case st.OK && multiLine(cmd):
		p.body = &bodyState{cmd: cmd, headers: cmd.name == "RETR" || cmd.name == "TOP"}
		root.Note = joinNote(root.Note, "a multi-line response follows, up to a line holding a single dot")
	case !st.OK && cmd.name == "STLS":
		p.stls = false
	}
	return root
}

// greetingText annotates the greeting's text, finding the APOP timestamp
// (RFC 1939 §7: a msg-id, "<process-id.clock@hostname>").
func (p *popState) greetingText(f *fields, text []byte) {
	i := bytes.IndexByte(text, '<')
	j := -1
	if i >= 0 {
		j = bytes.IndexByte(text[i:], '>')
	}
	if i < 0 || j < 0 || !bytes.Contains(text[i:i+j], []byte("@")) {
		f.add(len(text), Span{Label: "text", Note: "no APOP timestamp: this server does not offer APOP"})
		return
	}
	ts := text[i : i+j+1]
	p.timestamp = string(ts)
	f.add(i, Span{Label: "text"})
	f.add(len(ts), Span{Label: "APOP timestamp", Value: string(ts), Ref: "RFC 1939 §7",
		Note: "unique to this connection; the client proves it knows the secret by sending MD5(timestamp + secret), so a recorded digest is useless on the next connection"})
	f.add(len(text)-i-len(ts), Span{Label: "text"})
}

// multiLine reports whether a +OK to cmd starts a multi-line response
// (RFC 1939 §5 and §7, RFC 2449 §5, RFC 5034 §4: AUTH without arguments
// lists the mechanisms).
func multiLine(cmd pendingCmd) bool {
	switch cmd.name {
	case "RETR", "TOP", "CAPA":
		return true
	case "LIST", "UIDL", "AUTH":
		return cmd.args == 0
	}
	return false
}

// bodyLine annotates a line of a multi-line response.
func (p *popState) bodyLine(b, content, eol []byte) Span {
	n := len(b)
	bs := p.body
	if bytes.Equal(content, []byte(".")) {
		p.body = nil
		return Span{End: n, Label: "end of multi-line response", Ref: "RFC 1939 §3", Children: []Span{
			{End: 1, Label: "terminator", Value: ".", Note: "a line holding a single dot ends the response"},
			eolSpan(eol, n),
		}}
	}
	root := Span{End: n}
	f := newFields(b, 0, len(content))
	text := content
	if len(text) > 0 && text[0] == '.' {
		f.add(1, Span{Label: "stuffed dot", Ref: "RFC 1939 §3",
			Note: "the server added this dot because the line begins with a dot; the client removes it"})
		text = text[1:]
		root.Note = fmt.Sprintf("dot-stuffed: the message line is %q", text)
	}
	switch bs.cmd.name {
	case "RETR", "TOP":
		switch {
		case bs.headers && len(text) == 0:
			bs.headers = false
			root.Label = "blank line"
			root.Note = joinNote(root.Note, "ends the message's header section")
		case bs.headers:
			root.Label = "header line"
			f.add(len(text), Span{Label: "header", Ref: "RFC 5322 §2.2"})
		default:
			root.Label = "body line"
			f.add(len(text), Span{Label: "text"})
		}
	case "LIST", "UIDL":
		root.Label, root.Ref = "scan listing", "RFC 1939 §5"
		second := "size in octets"
		if bs.cmd.name == "UIDL" {
			root.Label, root.Ref, second = "unique-id listing", "RFC 1939 §7", "unique id"
		}
		num, rest, ok := bytes.Cut(text, []byte(" "))
		f.add(len(num), Span{Label: "message number", Value: string(num)})
		if ok {
			f.leaf(1, "space", "", "")
			f.add(len(rest), Span{Label: second, Value: string(rest)})
		}
	case "CAPA":
		name, _, _ := bytes.Cut(text, []byte(" "))
		info, ok := capabilities[strings.ToUpper(string(name))]
		if !ok {
			info.note = "a capability this view does not know"
		}
		root.Label, root.Ref = "capability", info.ref
		f.add(len(text), Span{Label: "capability", Value: string(text), Note: info.note})
	case "AUTH":
		root.Label, root.Ref = "SASL mechanism", "RFC 5034 §4"
		f.add(len(text), Span{Label: "mechanism", Value: string(text)})
	default:
		root.Label = "response line"
		f.add(len(text), Span{Label: "text"})
	}
	root.Children = append(f.done(), eolSpan(eol, n))
	return root
}
