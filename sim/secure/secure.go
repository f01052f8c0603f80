// Package secure is the TLS layer of pop3lab's server, client and
// simulation, as an interface: the packages that speak POP3 upgrade a
// connection through it and never import crypto/tls themselves.
//
// Natively, and in every test, the layer is crypto/tls (package stdtls).
// The browser app registers a layer that runs crypto/tls in a second
// WebAssembly program, loaded when the first handshake needs it, so that
// the program a learner waits for at the first visit does not carry TLS.
package secure

import (
	"errors"
	"io"
	"net"
	"sync"
)

// Conn is one end of a TLS connection on top of a raw connection. Read
// and Write carry the plaintext; the raw connection carries the records.
// Close sends close_notify, then closes the raw connection.
type Conn interface {
	net.Conn
	// Handshake runs the handshake, if it has not run yet; Read and
	// Write run it on first use too.
	Handshake() error
	// State is what the handshake agreed; ok is false before it finished.
	State() (st State, ok bool)
}

// State is what a finished handshake agreed, with crypto/tls's names for
// it (tls.VersionName, tls.CipherSuiteName).
type State struct {
	Version         uint16
	CipherSuite     uint16
	VersionName     string // "TLS 1.3"
	CipherSuiteName string // "TLS_AES_128_GCM_SHA256"
}

// ServerName is the simulated mail server's host name: the name its
// certificate is made for, and the name the simulation's clients verify.
const ServerName = "mail.pop3lab.example"

// Server starts the server side of TLS on raw.
type Server func(raw net.Conn) Conn

// Client starts the client side of TLS on raw.
type Client func(raw net.Conn) Conn

// Layer makes the TLS ends of a simulation: a server with the simulated
// server's certificate, and clients that trust exactly that certificate
// (pinning) and write the NSS key log of their sessions to keyLog.
type Layer interface {
	Server() Server
	Client(keyLog io.Writer) Client
}

// ErrNoLayer is the error of a TLS handshake in a process that registered
// no layer.
var ErrNoLayer = errors.New("no TLS layer: this program cannot run TLS")

var (
	mu         sync.Mutex
	registered Layer
)

// Register makes l the layer of every simulation whose options name none.
// Package stdtls registers crypto/tls when it is imported.
func Register(l Layer) {
	mu.Lock()
	defer mu.Unlock()
	registered = l
}

// Default returns the registered layer, or one whose handshakes fail with
// ErrNoLayer.
func Default() Layer {
	mu.Lock()
	defer mu.Unlock()
	if registered == nil {
		return noLayer{}
	}
	return registered
}

type noLayer struct{}

func (noLayer) Server() Server          { return noConn }
func (noLayer) Client(io.Writer) Client { return noConn }

// noConn starts a connection that fails every handshake, read and write
// with ErrNoLayer, and closes its raw connection when closed.
func noConn(raw net.Conn) Conn { return failedConn{raw} }

type failedConn struct{ net.Conn }

func (failedConn) Handshake() error          { return ErrNoLayer }
func (failedConn) State() (State, bool)      { return State{}, false }
func (failedConn) Read([]byte) (int, error)  { return 0, ErrNoLayer }
func (failedConn) Write([]byte) (int, error) { return 0, ErrNoLayer }
