package stdtls

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"

	"pop3lab/sim/secure"
)

// TestLayer runs a handshake between the layer's two ends: the client
// trusts the server's certificate, both report crypto/tls's state in
// package secure's terms, the client's key log holds TLS 1.3's secrets,
// and plaintext crosses.
func TestLayer(t *testing.T) {
	if secure.Default() == nil {
		t.Fatal("no default layer")
	}
	l := Layer(nil)
	var keyLog bytes.Buffer
	a, b := net.Pipe()
	srv, cli := l.Server()(a), l.Client(&keyLog)(b)
	if _, ok := cli.State(); ok {
		t.Error("State is ok before the handshake")
	}
	errs := make(chan error, 1)
	go func() {
		if err := srv.Handshake(); err != nil {
			errs <- err
			return
		}
		_, err := srv.Write([]byte("+OK inside TLS\r\n"))
		errs <- err
	}()
	if err := cli.Handshake(); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	if _, err := io.ReadFull(cli, got); err != nil || string(got) != "+OK inside TLS\r\n" {
		t.Fatalf("read %q, %v", got, err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	st, ok := cli.State()
	want := secure.State{Version: tls.VersionTLS13, CipherSuite: st.CipherSuite, VersionName: "TLS 1.3", CipherSuiteName: tls.CipherSuiteName(st.CipherSuite)}
	if !ok || st != want || strings.HasPrefix(st.CipherSuiteName, "0x") {
		t.Errorf("client state %+v, %v; want %+v", st, ok, want)
	}
	if sst, ok := srv.State(); !ok || sst != st {
		t.Errorf("server state %+v, %v; client's %+v", sst, ok, st)
	}
	for _, label := range []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET ", "SERVER_HANDSHAKE_TRAFFIC_SECRET ", "CLIENT_TRAFFIC_SECRET_0 ", "SERVER_TRAFFIC_SECRET_0 "} {
		if !strings.Contains(keyLog.String(), label) {
			t.Errorf("the key log lacks %s:\n%s", label, keyLog.String())
		}
	}
	go io.Copy(io.Discard, a)
	cli.Close()
}
