package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/feed"
	"pop3lab/sim/sample"
	"pop3lab/sim/server"
)

// The classroom: `pop3lab serve --classroom` runs the real POP3 server with
// one account per student, and the instructor's page shows the sessions of
// real clients live, command by command, through server-sent events.
// Passwords never leave the server: events carry redacted lines only.

// classroomBacklog is how many events a page that connects late is sent.
const classroomBacklog = 1000

// classroom fans session events out to the instructor pages.
type classroom struct {
	info    feed.Info
	mu      sync.Mutex
	backlog [][]byte
	clients map[chan []byte]struct{}
}

func newClassroom() *classroom {
	return &classroom{clients: make(map[chan []byte]struct{})}
}

// Observe implements server.Observer.
func (c *classroom) Observe(e server.Event) {
	ev, ok := feed.FromServer(e)
	if !ok {
		return
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.backlog = append(c.backlog, b)
	if len(c.backlog) > classroomBacklog {
		c.backlog = c.backlog[len(c.backlog)-classroomBacklog:]
	}
	for ch := range c.clients {
		select {
		case ch <- b:
		default: // a stalled page misses events rather than stall the server
		}
	}
}

// handler serves classroom.json and the event stream, and the site.
func (c *classroom) handler(site http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.HandleFunc("GET /"+feed.InfoPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(c.info)
	})
	mux.HandleFunc("GET /"+feed.EventsPath, c.serveEvents)
	return mux
}

// serveEvents streams events as text/event-stream: the backlog, then live.
func (c *classroom) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	ch := make(chan []byte, 256)
	c.mu.Lock()
	backlog := append([][]byte(nil), c.backlog...)
	c.clients[ch] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.clients, ch)
		c.mu.Unlock()
	}()
	for _, b := range backlog {
		fmt.Fprintf(w, "data: %s\n\n", b)
	}
	flusher.Flush()
	keepAlive := time.NewTicker(20 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case b := <-ch:
			fmt.Fprintf(w, "data: %s\n\n", b)
			flusher.Flush()
		case <-keepAlive.C:
			io.WriteString(w, ": keep-alive\n\n")
			flusher.Flush()
		case <-r.Context().Done():
			return
		}
	}
}

// studentAccounts makes n accounts, student01..studentNN, with random
// passwords that are easy to read aloud and copy (no 0/O, 1/l).
func studentAccounts(n int) (server.Users, []string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	users := server.Users{}
	var names []string
	width := len(fmt.Sprint(n))
	if width < 2 {
		width = 2
	}
	for i := 1; i <= n; i++ {
		var b strings.Builder
		for range 10 {
			k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				return nil, nil, err
			}
			b.WriteByte(alphabet[k.Int64()])
		}
		name := fmt.Sprintf("student%0*d", width, i)
		users[name] = b.String()
		names = append(names, name)
	}
	return users, names, nil
}

// startClassroom starts the real POP3 server for the class, each student
// with the sample maildrop, prints the account sheet, and returns the
// classroom and the running server.
func startClassroom(opts pop3Options, students int, stdout, stderr io.Writer) (*classroom, *pop3Service, error) {
	if students < 1 || students > 500 {
		return nil, nil, fmt.Errorf("--students %d: want 1 to 500", students)
	}
	users, names, err := studentAccounts(students)
	if err != nil {
		return nil, nil, err
	}
	fsys, err := mem.NewFS()
	if err != nil {
		return nil, nil, err
	}
	for _, n := range names {
		if err := sample.Populate(fsys, "", n); err != nil {
			return nil, nil, err
		}
	}
	c := newClassroom()
	svc, err := launchPOP3(opts, fsys, users, stderr, c)
	if err != nil {
		return nil, nil, err
	}
	c.info = feed.Info{POP3: svc.plainAddr, POP3S: svc.tlsAddr, Students: students}
	printSheet(stdout, svc, users, names)
	return c, svc, nil
}

// printSheet prints the accounts and how to connect, for handing out.
func printSheet(w io.Writer, svc *pop3Service, users server.Users, names []string) {
	fmt.Fprintln(w, "Classroom accounts (each has its own copy of the sample maildrop):")
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "  user\tpassword")
	for _, n := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", n, users[n])
	}
	tw.Flush()
	fmt.Fprintf(w, "Students connect to POP3 at %s (STLS offered) or POP3S at %s.\n", svc.plainAddr, svc.tlsAddr)
	fmt.Fprintf(w, "TLS certificate SHA-256 fingerprint: %s\n", svc.fingerprint)
	fmt.Fprintf(w, "  curl pop3://%s:PASSWORD@%s/\n", names[0], svc.plainAddr)
	fmt.Fprintf(w, "  openssl s_client -starttls pop3 -crlf -quiet -connect %s\n", svc.plainAddr)
}
