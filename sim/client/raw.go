package client

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"pop3lab/sim/pop3"
)

// Response is the server's answer to a Raw line.
type Response struct {
	// Status is the parsed status line; zero for a SASL challenge.
	Status pop3.Status
	// Line is the status or challenge line as received, without CRLF.
	Line string
	// Body is the multi-line body, un-stuffed, lines ending in CRLF as
	// sent, without the terminating "."; nil for a single-line answer.
	Body []byte
	// Wire is the body as it crossed: dot-stuffed lines with their CRLF
	// and the terminating ".\r\n"; nil for a single-line answer.
	Wire []byte
	// Multiline is true when a body followed the status line.
	Multiline bool
	// Continue is true for a SASL challenge ("+ base64", RFC 5034 §4):
	// the server waits for the next line of the exchange, which the
	// caller sends with Raw again ("*" cancels).
	Continue bool
}

// Raw sends line, as a learner typed it, and reads the answer. It knows
// from the command and its arguments whether a body follows a +OK
// (RFC 1939 and RFC 2449: CAPA, LIST and UIDL without an argument, RETR,
// TOP, and AUTH without an argument, the RFC 1734 mechanism list), and it
// returns a SASL challenge as a Response with Continue set. While a SASL
// exchange is open, the next Raw line is sent as the client's SASL
// response rather than as a command.
//
// An -ERR returns both the Response and a *ServerError. The line must not
// hold CR or LF (ErrBadArgument): one call sends one line. STLS starts TLS
// with TLS after the +OK and is refused when TLS is nil; QUIT
// closes the connection after the answer.
func (c *Conn) Raw(line string) (Response, error) {
	if err := c.usable(); err != nil {
		return Response{}, err
	}
	if !c.greeted {
		return Response{}, fmt.Errorf("pop3 client: read the greeting first")
	}
	if strings.ContainsAny(line, "\r\n") {
		return Response{}, fmt.Errorf("%w: one line at a time, without CR or LF", ErrBadArgument)
	}
	if c.sasl {
		return c.saslLine(line)
	}
	name, multi, mayContinue := classify(line)
	_, tlsActive := c.TLSState()
	if name == "STLS" && c.TLS == nil && !tlsActive {
		return Response{}, ErrNoTLSClient
	}
	if err := c.write(name, line); err != nil {
		return Response{}, err
	}
	resp, err := c.readReply(name, mayContinue)
	if err != nil {
		return Response{}, err
	}
	if resp.Continue {
		c.sasl = true
		return resp, nil
	}
	if !resp.Status.OK {
		if name == "QUIT" {
			c.drain()
			c.Close()
		}
		return resp, &ServerError{Command: name, Status: resp.Status}
	}
	if multi {
		var body, wire bytes.Buffer
		if _, err := c.readBody(name, &body, &wire); err != nil {
			return Response{}, err
		}
		resp.Body, resp.Wire, resp.Multiline = body.Bytes(), wire.Bytes(), true
	}
	switch name {
	case "STLS":
		if tlsActive {
			return Response{}, c.fail(protoErr("STLS", "-ERR: TLS is already active (RFC 2595 §4)", []byte(resp.Line), nil))
		}
		if err := c.upgrade(c.TLS); err != nil {
			return resp, err
		}
	case "QUIT":
		c.drain()
		c.Close()
	}
	return resp, nil
}

// saslLine sends one client line of an open SASL exchange (RFC 5034 §4).
func (c *Conn) saslLine(line string) (Response, error) {
	if err := c.write("AUTH", line); err != nil {
		return Response{}, err
	}
	resp, err := c.readReply("AUTH", true)
	if err != nil {
		return Response{}, err
	}
	if resp.Continue {
		return resp, nil
	}
	c.sasl = false
	if !resp.Status.OK {
		return resp, &ServerError{Command: "AUTH", Status: resp.Status}
	}
	return resp, nil
}

// classify names the command of a typed line and says whether a +OK to it
// brings a body and whether a SASL challenge may answer it. A line that
// does not parse is sent anyway, as "command", with a single-line answer
// expected: the server refuses it with -ERR.
func classify(line string) (name string, multiline, mayContinue bool) {
	cmd, err := pop3.ParseCommand([]byte(line))
	if err != nil {
		return "command", false, false
	}
	args := len(cmd.Args)
	switch cmd.Name {
	case "CAPA", "RETR", "TOP":
		return cmd.Name, true, false
	case "LIST", "UIDL":
		return cmd.Name, args == 0, false
	case "AUTH":
		// RFC 5034 §4: with a mechanism, challenges may follow; without
		// one, the RFC 1734 list of mechanisms.
		return cmd.Name, args == 0, args > 0
	}
	return cmd.Name, false, false
}

// readReply reads a status line or, when mayContinue, also a SASL
// challenge "+ base64" (RFC 5034 §4), which may be longer than a status
// line. An -ERR is returned as a Response, not as an error.
func (c *Conn) readReply(name string, mayContinue bool) (Response, error) {
	limit := MaxStatusLine
	if mayContinue {
		limit = MaxChallengeLine
	}
	line, err := c.readLine(name, `a status line ("+OK" or "-ERR")`, limit)
	if err != nil {
		return Response{}, err
	}
	if mayContinue && len(line) >= 1 && line[0] == '+' && !bytes.HasPrefix(line, []byte(pop3.OK)) {
		if len(line) < 2 || line[1] != ' ' {
			return Response{}, c.fail(protoErr(name, `a challenge "+ " followed by base64`, line, nil))
		}
		if _, err := base64.StdEncoding.Strict().DecodeString(string(line[2:])); err != nil {
			return Response{}, c.fail(protoErr(name, `a challenge "+ " followed by base64`, line, err))
		}
		return Response{Line: string(line), Continue: true}, nil
	}
	if len(line)+2 > MaxStatusLine {
		return Response{}, c.fail(protoErr(name, fmt.Sprintf("a status line of at most %d octets with CRLF (RFC 2449 §4)", MaxStatusLine), line, nil))
	}
	st, err := c.parseStatus(name, line)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: st, Line: string(line)}, nil
}
