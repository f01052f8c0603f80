//go:build !js

package wire

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pop3lab/sim/internal/tshark"
)

// These tests hand the pcap export to Wireshark's own dissectors. They need
// tshark; js/wasm has no processes, so this file is left out of js builds.

// writePcapFile writes l's session to a file in a temporary directory.
func writePcapFile(t *testing.T, l *Link, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var buf bytes.Buffer
	if err := l.WritePcap(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// frameCount is the number of frames WritePcap draws for segs.
func frameCount(segs []Segment) int {
	n := 0
	for _, s := range segs {
		n += 2
		if s.Kind == SYN {
			n++
		}
	}
	return n
}

func TestTsharkPlainPOP3(t *testing.T) {
	l := plainSession(t, Config{Clock: newFakeClock(time.Millisecond).Now})
	file := writePcapFile(t, l, "pop3.pcap")
	tshark.CheckWellFormed(t, file, frameCount(l.Segments()))

	out := tshark.Run(t, file, "-Y", "pop.request || pop.response", "-T", "fields",
		"-e", "tcp.srcport", "-e", "pop.request.command", "-e", "pop.request.parameter",
		"-e", "pop.response.indicator", "-e", "pop.response.description")
	want := strings.Join([]string{
		"110\t\t\t+OK\tPOP3 server ready <1896.697170952@dbc.mtview.ca.us>",
		"49152\tUSER\talice\t\t",
		"110\t\t\t+OK\t",
		"49152\tPASS\ttanstaaf\t\t",
		"110\t\t\t+OK\tmaildrop locked and ready",
		"49152\tSTAT\t\t\t",
		"110\t\t\t+OK\t1 4000",
		"49152\tRETR\t1\t\t",
		"110\t\t\t+OK\t4000 octets",
		"49152\tDELE\t1\t\t",
		"110\t\t\t+OK\tmessage 1 deleted",
		"49152\tQUIT\t\t\t",
		"110\t\t\t+OK\tbye",
	}, "\n") + "\n"
	if out != want {
		t.Errorf("tshark POP dissection:\n%s\nwant:\n%s", out, want)
	}
	// The handshake and the close, as TCP flags.
	out = tshark.Run(t, file, "-Y", "tcp.flags.syn == 1 || tcp.flags.fin == 1", "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.flags.str")
	want = "49152\t" + "··········S·\n" + "110\t" + "·······A··S·\n" + "110\t" + "·······A···F\n" + "49152\t" + "·······A···F\n"
	if out != want {
		t.Errorf("SYN and FIN frames:\n%q\nwant:\n%q", out, want)
	}
	// Timestamps come from the virtual clock.
	out = tshark.Run(t, file, "-c", "1", "-T", "fields", "-e", "frame.time_epoch")
	if got, err := strconv.ParseFloat(strings.TrimSpace(out), 64); err != nil || got != float64(testEpoch.Unix()) {
		t.Errorf("first frame at %q, want %d", out, testEpoch.Unix())
	}
}

func TestTsharkImplicitTLS(t *testing.T) {
	l := tlsSession(t, Config{Clock: newFakeClock(time.Millisecond).Now}, false)
	file := writePcapFile(t, l, "pop3s.pcap")
	tshark.CheckWellFormed(t, file, frameCount(l.Segments()))

	// Port 995 is dissected as TLS: the ClientHello from the client, the
	// ServerHello from the server, and encrypted records after them.
	out := tshark.Run(t, file, "-Y", "tls.handshake.type", "-T", "fields", "-e", "tcp.srcport", "-e", "tls.handshake.type")
	if want := "49152\t1\n995\t2\n"; out != want {
		t.Errorf("TLS handshake messages in the clear:\n%q\nwant %q", out, want)
	}
	out = tshark.Run(t, file, "-Y", "tls.app_data", "-T", "fields", "-e", "tcp.srcport")
	if !strings.Contains(out, "49152\n") || !strings.Contains(out, "995\n") {
		t.Errorf("application data records by source port:\n%s\nwant both directions", out)
	}
	// Nothing is readable as POP.
	if out := tshark.Run(t, file, "-Y", "pop"); out != "" {
		t.Errorf("POP visible inside TLS:\n%s", out)
	}
}

func TestTsharkSTLS(t *testing.T) {
	l := tlsSession(t, Config{Clock: newFakeClock(time.Millisecond).Now}, true)
	file := writePcapFile(t, l, "stls.pcap")
	tshark.CheckWellFormed(t, file, frameCount(l.Segments()))

	// RFC 2595 §4: the commands up to STLS are POP in the clear, then
	// the same connection carries TLS.
	out := tshark.Run(t, file, "-Y", "pop.request || tls.handshake.type", "-T", "fields",
		"-e", "tcp.srcport", "-e", "pop.request.command", "-e", "tls.handshake.type")
	if want := "49152\tCAPA\t\n49152\tSTLS\t\n49152\t\t1\n110\t\t2\n"; out != want {
		t.Errorf("POP then TLS:\n%q\nwant %q", out, want)
	}
}
