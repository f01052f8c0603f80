package view

import (
	"fmt"

	"pop3lab/sim/annotate"
)

// Named returns the finding a lesson's bytes block names: "password",
// "user name", "server name" or "message sizes" (lessons.Findings), and
// false for another name.
func (l Learned) Named(name string) (Finding, bool) {
	switch name {
	case "password":
		return l.Password, true
	case "user name":
		return l.User, true
	case "server name":
		return l.ServerName, true
	case "message sizes":
		return l.Sizes, true
	}
	return Finding{}, false
}

// EavesdropLink returns the ByteLink of what an eavesdropper learns,
// named as a lesson names it (see Learned.Named), from connection conn
// alone, given its annotated records; and an error saying why when the
// connection gives no such thing away.
func EavesdropLink(conn int, recs []annotate.Record, name string) (ByteLink, Finding, error) {
	if conn < 1 {
		return ByteLink{}, Finding{}, fmt.Errorf("the lab has made no connection yet")
	}
	conns := make([][]annotate.Record, conn)
	conns[conn-1] = recs
	f, ok := Eavesdrop(conns).Named(name)
	switch {
	case !ok:
		return ByteLink{}, Finding{}, fmt.Errorf("the byte view cannot look for %q", name)
	case f.Conn == 0:
		return ByteLink{}, f, fmt.Errorf("connection %d gives no %s away (%s)", conn, name, f.Value)
	}
	return ByteLink{Conn: f.Conn, Segment: f.Segment, Record: f.Record, Start: f.Start}, f, nil
}
