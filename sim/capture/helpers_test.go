package capture_test

import (
	"fmt"
	"net/netip"
	"strings"

	"pop3lab/sim/annotate"
	"pop3lab/sim/wire"
)

// The addresses the tests' simulations use, given in their options so that
// the captures' addresses are known.
var (
	clientAddr = netip.MustParseAddr("192.0.2.10")
	serverAddr = netip.MustParseAddr("192.0.2.25")
)

func netipPort(port uint16) netip.AddrPort { return netip.AddrPortFrom(serverAddr, port) }

// linkConfig is the config of a simulated connection, from its SYN: the
// simulation numbers client ports from 49152 and serves port 110.
func linkConfig(segs []wire.Segment) wire.Config {
	return wire.Config{
		Client:    netip.AddrPortFrom(clientAddr, 49152),
		Server:    netipPort(110),
		ClientISN: segs[0].Seq,
		ServerISN: serverISN(segs),
	}
}

// serverISN is one less than the first server segment's number.
func serverISN(segs []wire.Segment) uint32 {
	for _, s := range segs {
		if s.Dir == wire.ServerToClient {
			return s.Seq - uint32(s.Offset) - 1
		}
	}
	return 0
}

// render writes records' trees for comparison.
func render(recs []annotate.Record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "#%d %v %v %v %v\n%s", r.Index, r.Dir, r.Kind, r.Segments, r.Origin, r.Tree())
	}
	return b.String()
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %.200s\n  got %.200s", i+1, wl, gl)
		}
	}
	return "(same)"
}
