// Package capture writes and reads packet captures of POP3 sessions.
//
// WritePcapng writes the simulation's connections as pcapng
// (draft-ietf-opsawg-pcapng) with a Decryption Secrets Block carrying the
// TLS key log, so that Wireshark and tshark decrypt the STLS and POP3S
// sessions when the file is opened, with no setting. Frames the attacker
// injected or rewrote carry a packet comment saying so.
//
// Import reads a pcap or pcapng file, a learner's own capture or one
// WritePcapng wrote, finds its POP3 connections (TCP port 110 or 995),
// reassembles each direction's byte stream and returns the connections as
// segments, the same model a simulated Link records, so that the same
// annotations and views apply. It never writes anything.
package capture
