// Package client is the POP3 client of pop3lab, in two layers.
//
// The low level is Conn: one method per command of RFC 1939 and its
// extensions (CAPA from RFC 2449, STLS from RFC 2595, AUTH PLAIN from
// RFC 5034 and RFC 4616), plus Raw for a line a learner types. Conn parses
// every response strictly: a status line must be "+OK" or "-ERR" as
// RFC 1939 §3 spells them, lines end in CRLF, status lines are at most 512
// octets (RFC 2449 §4), multi-line bodies end with "." and are un-stuffed.
// A malformed response is a *ProtocolError, an -ERR a *ServerError; nothing
// the server sends can make Conn panic or read without bound.
//
// The high level is MailClient: what a mail program does with those
// commands, with the choices a learner meets in a real one: download and
// delete or leave on server (with a memory of the unique ids already
// fetched, RFC 1939 §7 UIDL), delete after some days, preview headers with
// TOP, the authentication method, and the TLS policy, including what to do
// when the server does not offer STLS (the downgrade lesson). Downloaded
// mail goes into a local Maildir (a maildrop.Store), so views can show it.
package client
