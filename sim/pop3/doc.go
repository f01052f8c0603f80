// Package pop3 is the POP3 wire format: command lines, status lines, the
// names of capabilities and response codes, and multi-line bodies with
// dot-stuffing as streaming readers and writers.
//
// It knows nothing about sessions or maildrops; sim/server and sim/client
// build on it. The rules come from RFC 1939 (POP3), RFC 2449 (the extension
// mechanism: CAPA, response codes, line limits) and RFC 3206 (SYS and AUTH
// response codes).
package pop3

// Line limits.
const (
	// MaxCommandLine is the longest command line a client may send,
	// including the terminating CRLF (RFC 2449 §4).
	MaxCommandLine = 255
	// MaxResponseLine is the longest status line a server may send,
	// including the terminating CRLF (RFC 2449 §4).
	MaxResponseLine = 512
	// MaxArgument is the longest argument RFC 2449 §4 allows in a command
	// (PASS and SASL data excepted in practice).
	MaxArgument = 40
)

// Status indicators that begin every response line (RFC 1939 §3).
const (
	OK  = "+OK"
	ERR = "-ERR"
	// Continue begins a SASL challenge line (RFC 5034 §4).
	Continue = "+"
)

// Capability names listed by CAPA (RFC 2449 §6, RFC 2595 §4, RFC 3206 §6).
const (
	CapTop            = "TOP"
	CapUser           = "USER"
	CapSASL           = "SASL"
	CapRespCodes      = "RESP-CODES"
	CapAuthRespCode   = "AUTH-RESP-CODE"
	CapPipelining     = "PIPELINING"
	CapLoginDelay     = "LOGIN-DELAY"
	CapExpire         = "EXPIRE"
	CapUIDL           = "UIDL"
	CapImplementation = "IMPLEMENTATION"
	CapSTLS           = "STLS"
)

// Response codes carried in brackets after a status indicator.
const (
	// CodeInUse: the maildrop is locked by another session (RFC 2449 §8.1.1).
	CodeInUse = "IN-USE"
	// CodeLoginDelay: the user logged in too recently (RFC 2449 §8.1.2).
	CodeLoginDelay = "LOGIN-DELAY"
	// CodeSysTemp: a temporary system problem; retry later (RFC 3206 §4).
	CodeSysTemp = "SYS/TEMP"
	// CodeSysPerm: a permanent system problem (RFC 3206 §4).
	CodeSysPerm = "SYS/PERM"
	// CodeAuth: the credentials were wrong, not the system (RFC 3206 §5).
	CodeAuth = "AUTH"
)
