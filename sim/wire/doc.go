// Package wire is the simulated network between a POP3 client and a POP3
// server: an in-memory link joining two net.Conn ends.
//
// A Link behaves like one TCP connection. Every chunk written crosses the
// wire as one or more Segments, cut at the maximum segment size as TCP
// would cut it (RFC 9293 §3.7.1), stamped with the direction and the time on
// the simulation's virtual clock, and kept in an ordered log. Two hooks sit
// on the wire:
//
//   - a Tap, an eavesdropper, sees every segment as it crosses, exactly the
//     bytes a packet capture would show: POP3 lines in plaintext, or TLS
//     records once TLS has started;
//   - a Middlebox, an attacker on the path, sees each chunk before it is
//     delivered and decides what is delivered instead: nothing, other
//     bytes, or more bytes. It may also Inject bytes in either direction.
//
// The log records what reached the receiver, after the middlebox, so the tap,
// the Decoder and the pcap export all show the attacker's effect.
//
// TLS is not simulated: callers wrap the ends with crypto/tls, and the link
// carries the records. Each direction is buffered without bound, so a Write
// never waits for the reader: tls.Conn.Close writes a close_notify alert that
// nobody may read, and over an unbuffered pipe that would stall.
//
// A Decoder turns the bytes of each direction back into POP3 lines or TLS
// record headers, following a stream through STLS (RFC 2595 §4), and
// WritePcap writes the session as a libpcap file of Ethernet, IPv4 and TCP
// frames that Wireshark dissects as POP (port 110) or TLS (port 995).
package wire
