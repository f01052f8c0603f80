package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/client"
	"pop3lab/sim/maildrop"
	"pop3lab/sim/sample"
	"pop3lab/sim/secure"
	"pop3lab/sim/server"
	"pop3lab/sim/wire"
)

// Default addresses of the simulated network, from the documentation
// ranges of RFC 5737: the learner's laptop and the mail server.
var (
	defaultClientAddr = netip.AddrFrom4([4]byte{192, 0, 2, 10})
	defaultServerAddr = netip.AddrFrom4([4]byte{192, 0, 2, 25})
)

// ServerName is the mail server's host name, in its certificate.
const ServerName = secure.ServerName

// Ports of POP3 (RFC 1939) and POP3S (RFC 8314).
const (
	PortPOP3  = 110
	PortPOP3S = 995
)

// idleLimit bounds, in real time, how long the simulation waits for the
// server to answer an action before it reports the server stuck.
const idleLimit = 10 * time.Second

// ErrNotConnected is returned when a command is typed with no connection.
var ErrNotConnected = errors.New("not connected: connect first")

// Options configure a new Simulation.
type Options struct {
	// Seed makes APOP timestamps, Maildir names and TCP sequence numbers
	// repeatable.
	Seed uint64
	// Settings start the simulation; nil means DefaultSettings.
	Settings *Settings
	// Setup fills the fresh server and client file systems; nil delivers
	// the sample maildrop. The server's Maildirs are at the root of its
	// file system, one per user; the client's local mailbox likewise.
	Setup func(serverFS, clientFS hackpadfs.FS) error
	// TLS is the TLS layer: the server's certificate and the clients
	// that trust it. Nil: the process's default, secure.Default (in a
	// program that imports package stdtls, crypto/tls with a certificate
	// made once per process, when the first handshake needs it; in the
	// browser app, crypto/tls in its second program).
	TLS secure.Layer
	// Start is where the virtual clock starts; zero: 2026-11-26 09:00 UTC.
	Start time.Time
	// ClientAddr and ServerAddr are the addresses of the learner's machine
	// and the mail server on the simulated wire (and in pcap exports);
	// zero: 192.0.2.10 and 192.0.2.25 (RFC 5737 documentation range).
	ClientAddr, ServerAddr netip.Addr
	// User and Password are the server's one account, whose maildrop the
	// views show and the default Setup fills; empty: the sample account
	// (sample.User, sample.Password). The mail client's settings are set
	// apart, by Settings.
	User, Password string
}

// withDefaults fills the zero fields of opts with their defaults.
func (opts Options) withDefaults() Options {
	if opts.Start.IsZero() {
		opts.Start = defaultStart
	}
	if !opts.ClientAddr.IsValid() {
		opts.ClientAddr = defaultClientAddr
	}
	if !opts.ServerAddr.IsValid() {
		opts.ServerAddr = defaultServerAddr
	}
	if opts.User == "" {
		opts.User, opts.Password = sample.User, sample.Password
	}
	if opts.TLS == nil {
		opts.TLS = secure.Default()
	}
	return opts
}

// Simulation is one simulated POP3 world. Apply changes it; Events and
// Snapshot show it. Methods must be called from one goroutine at a time.
type Simulation struct {
	opts     Options // as given, for Replay and Back
	cfg      Options // with the defaults filled in
	settings Settings
	clock    *Clock
	rnd      *lockedRand

	serverFS, clientFS hackpadfs.FS
	store              *maildrop.Store
	local              *maildrop.Store
	srv                *server.Server
	srvSettings        ServerSettings
	clientTLS          secure.Client                 // trusts exactly the server's certificate; key log in keyLog
	keyLog             keyLog                        // the clients' TLS secrets, for pcapng
	mail               *client.MailClient            // the current device's
	devices            map[string]*client.MailClient // by device name

	actions    []Action
	term       *connection
	attack     attackState
	headers    map[string]client.Headers // by server UID
	localCache *localView                // nil: read the local mailbox again

	mu         sync.Mutex // guards what observers, taps and middleboxes touch
	events     []Event
	step       int
	conns      []*connection
	lastUpdate *UpdateReport // the newest UPDATE state of any session
}

// connection is one simulated TCP connection and what the views know of
// its POP3 session.
type connection struct {
	id     int
	port   uint16
	link   *wire.Link
	dec    wire.Decoder
	client *client.Conn // the terminal's client; nil for the mail client's
	tls    bool
	state  string
	user   string
	closed bool
	view   []MessageRef // the maildrop as the server numbered it at login
	marks  map[int]bool // DELE marks of this session
	// inbound are the client's data segments not yet matched to a
	// command, to find the segment a command came in.
	inbound []inboundSegment
	// lastInbound is the Seq of the newest client data segment.
	lastInbound int
	served      chan struct{} // closed when the server's session has ended
}

// New builds a simulation.
func New(opts Options) (*Simulation, error) {
	s := &Simulation{
		opts:    opts,
		cfg:     opts.withDefaults(),
		clock:   NewClock(opts.withDefaults().Start),
		rnd:     newLockedRand(opts.Seed),
		headers: make(map[string]client.Headers),
	}
	s.clientTLS = s.cfg.TLS.Client(&s.keyLog)
	s.settings = DefaultSettings()
	if opts.Settings != nil {
		s.settings = *opts.Settings
	}
	var err error
	if s.serverFS, err = mem.NewFS(); err != nil {
		return nil, err
	}
	if s.clientFS, err = mem.NewFS(); err != nil {
		return nil, err
	}
	setup := opts.Setup
	if setup == nil {
		setup = func(serverFS, _ hackpadfs.FS) error { return sample.Populate(serverFS, "", s.cfg.User) }
	}
	if err := setup(s.serverFS, s.clientFS); err != nil {
		return nil, fmt.Errorf("sim: setup: %w", err)
	}
	s.store = maildrop.NewStore(s.serverFS, "", maildrop.Options{Now: s.clock.Now, Rand: s.rnd, Hostname: "mx.pop3lab.example"})
	s.local = maildrop.NewStore(s.clientFS, "", maildrop.Options{Now: s.clock.Now, Rand: s.rnd, Hostname: "laptop.pop3lab.example"})
	s.buildServer()
	s.devices = make(map[string]*client.MailClient)
	if err := s.useDevice(s.settings.Client.Device); err != nil {
		return nil, err
	}
	return s, nil
}

// Replay builds a simulation and applies actions to it: stepping back is
// replaying all but the last action.
func Replay(opts Options, actions []Action) (*Simulation, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	for i, a := range actions {
		if _, err := s.Apply(a); err != nil && !IsLearnerError(err) {
			return nil, fmt.Errorf("sim: replaying action %d: %w", i+1, err)
		}
	}
	return s, nil
}

// Back returns a new simulation at the step before this one's last. The
// receiver is left as it was; the caller closes it when done with it.
func (s *Simulation) Back() (*Simulation, error) {
	if len(s.actions) == 0 {
		return New(s.opts)
	}
	return Replay(s.opts, s.actions[:len(s.actions)-1])
}

// Actions returns the actions applied so far, which Replay takes.
func (s *Simulation) Actions() []Action { return append([]Action(nil), s.actions...) }

// Settings returns the current settings.
func (s *Simulation) Settings() Settings { return s.settings }

// Now returns the virtual time.
func (s *Simulation) Now() time.Time { return s.clock.Now() }

// Events returns the log from event number from on.
func (s *Simulation) Events(from int) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from < 0 || from > len(s.events) {
		from = len(s.events)
	}
	return append([]Event(nil), s.events[from:]...)
}

// Close ends every connection without UPDATE.
func (s *Simulation) Close() {
	for _, c := range s.conns {
		if c.client != nil {
			c.client.Close()
		}
		c.link.Client().Close()
	}
	s.srv.Shutdown(context.Background())
}

// buildServer (re)creates the server from the current server settings.
func (s *Simulation) buildServer() {
	st := s.settings.Server
	cfg := server.Config{
		Hostname:                        ServerName,
		Store:                           s.store,
		Users:                           server.Users{s.cfg.User: s.cfg.Password},
		AllowInsecureAuth:               true,
		AuthFailureDelay:                st.AuthFailureDelay,
		LoginDelay:                      st.LoginDelay,
		Now:                             s.clock.Now,
		Sleep:                           s.clock.Advance,
		Rand:                            s.rnd,
		Observer:                        server.ObserverFunc(s.observe),
		ObserveBodies:                   true,
		UnsafeExecutePipelinedAfterSTLS: st.UnsafeSTLS,
	}
	if st.AuthFailureDelay == 0 {
		cfg.AuthFailureDelay = -1
	}
	if st.TLS {
		cfg.TLS = s.cfg.TLS.Server()
	}
	if s.srv != nil {
		// Sessions already open keep the old server; new ones get this.
		go s.srv.Shutdown(context.Background())
	}
	s.srv = server.New(cfg)
	s.srvSettings = st
}

// useDevice makes the named device's mail client current: each device
// has its own local Maildir and UID memory in the client file system.
func (s *Simulation) useDevice(name string) error {
	if name == "" {
		name = DefaultDevice
	}
	if mc, ok := s.devices[name]; ok {
		s.mail = mc
		return nil
	}
	mc, err := client.NewMailClient(client.Config{
		Mailbox: s.local, MailboxUser: name, FS: s.clientFS,
		MemoryFile: name + "-uids.json", Now: s.clock.Now,
	})
	if err != nil {
		return err
	}
	s.devices[name] = mc
	s.mail = mc
	return nil
}

// dial opens a new simulated connection to port and starts the server's
// session on it.
func (s *Simulation) dial(port uint16, who string) (*connection, error) {
	s.mu.Lock()
	id := len(s.conns) + 1
	s.mu.Unlock()
	c := &connection{id: id, port: 49151 + uint16(id), marks: map[int]bool{}, lastInbound: NoSegment, served: make(chan struct{})}
	isn := s.rnd.Uint64()
	link, err := wire.NewLink(wire.Config{
		Client:      netip.AddrPortFrom(s.cfg.ClientAddr, c.port),
		Server:      netip.AddrPortFrom(s.cfg.ServerAddr, port),
		Clock:       s.clock.Now,
		ClientISN:   uint32(isn),
		ServerISN:   uint32(isn >> 32),
		VirtualTime: true,
	})
	if err != nil {
		return nil, err
	}
	c.link = link
	link.SetTap(func(seg wire.Segment) { s.onSegment(c, seg) })
	link.SetMiddlebox(wire.MiddleboxFunc(func(dir wire.Dir, chunk []byte) []byte { return s.intercept(c, dir, chunk) }))
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	s.log(Event{Kind: EvSession, Conn: id, Who: who, Text: fmt.Sprintf("connection %d (%s): %s:%d → %s:%d", id, who, s.cfg.ClientAddr, c.port, s.cfg.ServerAddr, port)})
	srv := s.srv
	go func() {
		defer close(c.served)
		if port == PortPOP3S {
			srv.ServeConnTLS(link.Server())
		} else {
			srv.ServeConn(link.Server())
		}
	}()
	return c, nil
}

// settle waits until the server has answered on every open connection.
func (s *Simulation) settle() error {
	for _, c := range s.openConns() {
		closed, err := c.link.WaitIdle(wire.ClientToServer, idleLimit)
		if err != nil {
			return fmt.Errorf("sim: connection %d: %w", c.id, err)
		}
		if closed {
			// The server closed its end; its session reports the
			// close just after.
			select {
			case <-c.served:
			case <-time.After(idleLimit):
				return fmt.Errorf("sim: connection %d: the server did not finish its session", c.id)
			}
		}
	}
	return nil
}

func (s *Simulation) openConns() []*connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	var open []*connection
	for _, c := range s.conns {
		if !c.closed {
			open = append(open, c)
		}
	}
	return open
}

// log appends an event.
func (s *Simulation) log(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logLocked(e)
}

func (s *Simulation) logLocked(e Event) {
	e.Seq = len(s.events)
	e.Step = s.step
	e.Time = s.clock.Now()
	s.events = append(s.events, e)
}

// lockedRand is a seeded ChaCha8 stream safe for concurrent use.
type lockedRand struct {
	mu sync.Mutex
	r  *mrand.ChaCha8
}

func newLockedRand(seed uint64) *lockedRand {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	copy(key[8:], "pop3lab simulation")
	return &lockedRand{r: mrand.NewChaCha8(key)}
}

func (l *lockedRand) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

func (l *lockedRand) Uint64() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Uint64()
}

var _ io.Reader = (*lockedRand)(nil)
