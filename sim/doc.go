// Package sim is the simulation the browser shows and `pop3lab run` drives:
// a POP3 server (sim/server) on a Maildir (sim/maildrop), a client
// (sim/client) for the learner's terminal and a mail client, joined by
// simulated TCP links (sim/wire) on which an eavesdropper listens and an
// attacker may sit, all on a virtual clock with seeded randomness.
//
// Every panel renders one ordered event log plus a Snapshot. The engine is
// deterministic at the POP3 level: the same seed and actions give the same
// events (only TLS ciphertext differs), so stepping back is replaying.
package sim
