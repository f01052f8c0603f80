// Command pop3load measures how many POP3 sessions a server completes.
//
// It runs N concurrent clients against a POP3 address (plaintext, as on
// port 110) for a fixed time. Each client opens one new TCP connection per
// session and sends USER, PASS, STAT, RETR 1 and QUIT, one command at a
// time (with -retr all, RETR of every message that STAT counts instead of
// RETR 1). At the end it prints the completed sessions per second, the
// retrieval throughput, the 50th and 99th percentile session latency
// (connect to the server's close after QUIT's answer) and the failed
// sessions, grouped by what failed. The sessions use the simulator's own
// client (sim/client), so responses are read as strictly as it reads them.
//
//	pop3load [-addr 127.0.0.1:1110] [-c 8] [-d 10s] [-user alice] [-pass wonderland] [-retr 1|all]
//
// The server locks a maildrop for a whole session (RFC 1939 §8), so
// clients that share one account mostly measure lock contention: their
// logins fail with "-ERR [IN-USE]" while another client holds the lock.
// "%d" in -user is replaced by the client number, 1 to N, to give every
// client its own maildrop:
//
//	pop3load -user 'load%d' -pass secret
//
// Every maildrop needs at least one message for RETR 1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"pop3lab/sim/client"
	"pop3lab/sim/pop3"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:1110", "POP3 server address (plaintext)")
	clients := flag.Int("c", 8, "concurrent clients")
	duration := flag.Duration("d", 10*time.Second, "how long to start new sessions")
	user := flag.String("user", "alice", `user name; "%d" becomes the client number 1..N`)
	pass := flag.String("pass", "wonderland", "password")
	timeout := flag.Duration("timeout", 10*time.Second, "limit for one session")
	retr := flag.String("retr", "1", `retrieve message 1, or "all": every message STAT counts`)
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the load generator to this file")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "Usage: pop3load [flags]\n\nRuns POP3 sessions (USER, PASS, STAT, RETR 1, QUIT) from concurrent clients and reports\nsessions/s, MB/s, session latency and errors.\n\nFlags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 || *clients < 1 || *duration <= 0 || *timeout <= 0 || (*retr != "1" && *retr != "all") {
		flag.Usage()
		os.Exit(2)
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "pop3load:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("pop3load: %d clients for %v against %s as %s, RETR %s\n", *clients, *duration, *addr, *user, *retr)
	start := time.Now()
	end := start.Add(*duration)
	results := make([]result, *clients)
	var wg sync.WaitGroup
	for i := range results {
		name := *user
		if strings.Contains(name, "%d") {
			name = strings.ReplaceAll(name, "%d", fmt.Sprint(i+1))
		}
		wg.Go(func() { results[i] = runClient(*addr, name, *pass, *retr == "all", *timeout, end) })
	}
	wg.Wait()
	elapsed := time.Since(start)

	var total result
	total.errors = make(map[string]int)
	for _, r := range results {
		total.latencies = append(total.latencies, r.latencies...)
		total.octets += r.octets
		for k, n := range r.errors {
			total.errors[k] += n
		}
	}
	report(os.Stdout, total, elapsed)
	pprof.StopCPUProfile() // a no-op without -cpuprofile
	if len(total.latencies) == 0 {
		os.Exit(1)
	}
}

// result is what one client measured.
type result struct {
	latencies []time.Duration // of the sessions that succeeded
	octets    int64           // message octets retrieved, without dot-stuffing
	errors    map[string]int  // failed sessions by cause
}

// runClient runs sessions one after the other until end.
func runClient(addr, user, pass string, all bool, timeout time.Duration, end time.Time) result {
	r := result{errors: make(map[string]int)}
	for time.Now().Before(end) {
		start := time.Now()
		n, err := session(addr, user, pass, all, timeout)
		if err != nil {
			r.errors[err.Error()]++
			continue
		}
		r.latencies = append(r.latencies, time.Since(start))
		r.octets += n
	}
	return r
}

// session runs one POP3 session with the simulator's client, which reads
// every response with the strict codec of sim/pop3, and returns the octets
// retrieved: of message 1, or with all of every message that STAT counts.
func session(addr, user, pass string, all bool, timeout time.Duration) (int64, error) {
	// No TCP keepalive: a session lasts milliseconds, and its four
	// setsockopt calls would be a sixth of the system calls that a
	// RETR 1 session costs the load generator.
	d := net.Dialer{Timeout: timeout, KeepAlive: -1}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return 0, stepError("connect", err)
	}
	defer nc.Close()
	c := client.NewConn(nc)
	// The client renews each deadline at Now()+Timeout; a clock that
	// stands still at the start makes that one deadline for the session.
	start := time.Now()
	c.Now = func() time.Time { return start }
	c.Timeout = timeout
	if err := c.ReadGreeting(); err != nil {
		return 0, stepError("greeting", err)
	}
	if err := c.User(user); err != nil {
		return 0, stepError("USER", err)
	}
	if err := c.Pass(pass); err != nil {
		return 0, stepError("PASS", err)
	}
	count, _, err := c.Stat()
	if err != nil {
		return 0, stepError("STAT", err)
	}
	if !all {
		count = 1
	}
	var total int64
	for i := 1; i <= count; i++ {
		n, err := c.RetrTo(i, io.Discard)
		if err != nil {
			return 0, stepError("RETR", err)
		}
		total += n
	}
	return total, stepError("QUIT", c.Quit())
}

// stepError names the step and the cause of a failure: the server's -ERR
// line, or the network error without the addresses, so that equal
// failures are counted together. It returns nil for nil.
func stepError(step string, err error) error {
	if err == nil {
		return nil
	}
	var se *client.ServerError
	if errors.As(err, &se) {
		line := pop3.FormatStatus(false, se.Status.Code, se.Status.Text)
		return fmt.Errorf("%s: %s", step, strings.TrimSuffix(string(line), "\r\n"))
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: connection closed", step)
	}
	return fmt.Errorf("%s: %v", step, err)
}

func report(w io.Writer, r result, elapsed time.Duration) {
	n := len(r.latencies)
	secs := elapsed.Seconds()
	fmt.Fprintf(w, "sessions   %d in %.1fs: %.1f sessions/s\n", n, secs, float64(n)/secs)
	fmt.Fprintf(w, "retrieved  %.2f MB: %.2f MB/s\n", float64(r.octets)/1e6, float64(r.octets)/1e6/secs)
	if n > 0 {
		slices.Sort(r.latencies)
		fmt.Fprintf(w, "latency    p50 %v  p99 %v  max %v\n",
			percentile(r.latencies, 50), percentile(r.latencies, 99), r.latencies[n-1].Round(time.Microsecond))
	}
	failed := 0
	for _, k := range r.errors {
		failed += k
	}
	fmt.Fprintf(w, "errors     %d\n", failed)
	keys := make([]string, 0, len(r.errors))
	for k := range r.errors {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := r.errors[b] - r.errors[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		fmt.Fprintf(w, "  %8d  %s\n", r.errors[k], k)
	}
}

// percentile returns the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i].Round(time.Microsecond)
}
