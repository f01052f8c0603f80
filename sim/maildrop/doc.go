// Package maildrop is the mail store behind the POP3 server: one Maildir
// per user on a hackpadfs file system (os natively; mem or indexeddb in the
// browser).
//
// A session opens a maildrop with an exclusive lock (RFC 1939 §8: the
// server should lock the maildrop for the whole session), gets a fixed list
// of messages with exact wire sizes and stable unique ids (RFC 1939 §7 LIST
// and UIDL), marks messages for deletion, and either commits the marks when
// it enters the UPDATE state (QUIT) or closes without touching anything
// (the connection dropped).
//
// On disk it is a plain Maildir (https://cr.yp.to/proto/maildir.html):
// ROOT/USER/tmp, new and cur. Anyone may drop a file into new/ and the next
// session sees it. Like Dovecot, file names carry the file size and the
// wire size (",S=<size>,W=<wire size>") so that listing a maildrop reads
// no message bodies. Deletions at UPDATE are made atomic by a small
// journal in the Maildir that the next Open finishes if a removal failed.
package maildrop
