package sim

import "pop3lab/sim/wire"

// Segments returns the segments of connection conn (1, 2, ...) as they
// crossed the wire, SYN first; nil for a connection that does not exist.
// The payloads are shared and must not be modified.
func (s *Simulation) Segments(conn int) []wire.Segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if conn < 1 || conn > len(s.conns) {
		return nil
	}
	return s.conns[conn-1].link.Segments()
}
