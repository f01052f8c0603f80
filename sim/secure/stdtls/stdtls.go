// Package stdtls is the TLS layer of package secure made of crypto/tls.
// Importing it registers it as the default layer (secure.Register).
package stdtls

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"sync"
	"time"

	"pop3lab/sim/secure"
	"pop3lab/sim/tlscert"
)

func init() {
	secure.Register(Layer(nil))
}

// Server returns the server side of TLS with cfg.
func Server(cfg *tls.Config) secure.Server {
	return func(raw net.Conn) secure.Conn { return conn{tls.Server(raw, cfg)} }
}

// Client returns the client side of TLS with cfg.
func Client(cfg *tls.Config) secure.Client {
	return func(raw net.Conn) secure.Conn { return conn{tls.Client(raw, cfg)} }
}

// Layer returns the simulation's layer for the server certificate cert;
// nil uses the process's shared certificate (SharedCertificate), made
// when the first handshake needs it.
func Layer(cert *tls.Certificate) secure.Layer {
	return layer{cert: cert}
}

// state returns what st agreed, in package secure's terms.
func state(st tls.ConnectionState) secure.State {
	return secure.State{
		Version:         st.Version,
		CipherSuite:     st.CipherSuite,
		VersionName:     tls.VersionName(st.Version),
		CipherSuiteName: tls.CipherSuiteName(st.CipherSuite),
	}
}

var (
	sharedOnce    sync.Once
	sharedCert    tls.Certificate
	sharedCertErr error
)

// SharedCertificate returns the process-wide ephemeral self-signed
// certificate of secure.ServerName, making it on first use (a P-256 key and a
// certificate take ~50 ms under WebAssembly).
func SharedCertificate() (tls.Certificate, error) {
	sharedOnce.Do(func() {
		sharedCert, sharedCertErr = tlscert.SelfSigned(rand.Reader, time.Now(), secure.ServerName)
	})
	return sharedCert, sharedCertErr
}

type layer struct {
	cert *tls.Certificate
}

func (l layer) certificate() (tls.Certificate, error) {
	if l.cert != nil {
		return *l.cert, nil
	}
	return SharedCertificate()
}

func (l layer) Server() secure.Server {
	return Server(&tls.Config{
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			cert, err := l.certificate()
			return &cert, err
		},
		CurvePreferences: []tls.CurveID{tls.X25519},
	})
}

// Client trusts exactly the server's certificate; if the certificate
// cannot be made, it trusts nothing, so the handshake fails with the
// reason (the server's side reports it).
func (l layer) Client(keyLog io.Writer) secure.Client {
	var cfg *tls.Config
	var once sync.Once
	return func(raw net.Conn) secure.Conn {
		once.Do(func() {
			cert, _ := l.certificate()
			cfg = Pinned(cert)
			cfg.KeyLogWriter = keyLog
		})
		return conn{tls.Client(raw, cfg)}
	}
}

// Pinned is a client configuration that trusts exactly cert, for
// secure.ServerName, with X25519 key exchange (Go's default, X25519MLKEM768,
// costs ~60 ms per handshake under WebAssembly).
func Pinned(cert tls.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	if cert.Leaf != nil {
		pool.AddCert(cert.Leaf)
	} else if len(cert.Certificate) > 0 {
		if leaf, err := x509.ParseCertificate(cert.Certificate[0]); err == nil {
			pool.AddCert(leaf)
		}
	}
	return &tls.Config{RootCAs: pool, ServerName: secure.ServerName, CurvePreferences: []tls.CurveID{tls.X25519}}
}

// conn is a *tls.Conn as a secure.Conn.
type conn struct{ *tls.Conn }

func (c conn) State() (secure.State, bool) {
	st := c.ConnectionState()
	if !st.HandshakeComplete {
		return secure.State{}, false
	}
	return state(st), true
}
