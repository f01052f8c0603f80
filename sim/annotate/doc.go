// Package annotate explains a POP3 session byte by byte, from the bytes
// that crossed the wire: every POP3 line and every TLS record becomes a
// Record whose span tree labels each field (status indicator, response
// code, command keyword and arguments, CRLF, dot-stuffing, the APOP
// timestamp and digest, AUTH PLAIN decoded; TLS record headers,
// handshake messages, ClientHello and ServerHello fields, encrypted
// records as an eavesdropper sees them) and says what it means, citing
// the RFC.
//
// The annotations are computed, never written per lab: an Annotator
// follows a connection's segments as a tap receives them, splits each
// direction into lines and records as sim/wire's Decoder does, and keeps
// the little state a reader of both directions needs (which command a
// status line answers, whether a multi-line body is running, which TLS
// version the ServerHello chose).
//
// Every byte of a record is covered by exactly one leaf span: the
// children of a span partition it, in order (see Validate).
package annotate
