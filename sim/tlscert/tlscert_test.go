package tlscert

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net"
	"strings"
	"testing"
	"time"
)

func TestSelfSignedHandshake(t *testing.T) {
	cert, err := SelfSigned(rand.Reader, time.Now(), "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if got := cert.Leaf.DNSNames; len(got) != 1 || got[0] != "localhost" {
		t.Fatalf("DNS names %v", got)
	}
	if got := cert.Leaf.IPAddresses; len(got) != 1 || !got[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("IP addresses %v", got)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	c, s := net.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- tls.Server(s, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
	}()
	if err := tls.Client(c, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}).Handshake(); err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	// SHA-256 of the empty input.
	want := "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55"
	if got := Fingerprint(nil); got != want {
		t.Fatalf("Fingerprint = %s", got)
	}
	if strings.Count(want, ":") != 31 {
		t.Fatal("bad test vector")
	}
}
