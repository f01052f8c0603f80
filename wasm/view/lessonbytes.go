package view

import (
	"pop3lab/sim/annotate"
	"pop3lab/sim/eavesdrop"
)

// EavesdropLink returns the ByteLink of what an eavesdropper learns,
// named as a lesson names it (one of eavesdrop.Names), from connection
// conn alone, given its annotated records; and an error saying why when
// there is no such thing to show (see eavesdrop.Find).
func EavesdropLink(conn int, recs []annotate.Record, name string) (ByteLink, eavesdrop.Finding, error) {
	f, err := eavesdrop.Find(conn, recs, name)
	if err != nil {
		return ByteLink{}, f, err
	}
	return ByteLink{Conn: f.Conn, Segment: f.Segment, Record: f.Record, Start: f.Start}, f, nil
}
