// Command pop3load measures how many POP3 sessions a server completes.
//
// It runs N concurrent clients against a POP3 address (plaintext, as on
// port 110) for a fixed time. Each client opens one new TCP connection per
// session and sends USER, PASS, STAT, RETR 1 and QUIT, one command at a
// time (with -retr all, RETR of every message that STAT counts instead of
// RETR 1). At the end it prints the completed sessions per second, the
// retrieval throughput, the 50th and 99th percentile session latency
// (connect to the end of QUIT's answer) and the failed sessions, grouped
// by what failed.
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
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:1110", "POP3 server address (plaintext)")
	clients := flag.Int("c", 8, "concurrent clients")
	duration := flag.Duration("d", 10*time.Second, "how long to start new sessions")
	user := flag.String("user", "alice", `user name; "%d" becomes the client number 1..N`)
	pass := flag.String("pass", "wonderland", "password")
	timeout := flag.Duration("timeout", 10*time.Second, "limit for one session")
	retr := flag.String("retr", "1", `retrieve message 1, or "all": every message STAT counts`)
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "Usage: pop3load [flags]\n\nRuns POP3 sessions (USER, PASS, STAT, RETR 1, QUIT) from concurrent clients and reports\nsessions/s, MB/s, session latency and errors.\n\nFlags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 || *clients < 1 || *duration <= 0 || *timeout <= 0 || (*retr != "1" && *retr != "all") {
		flag.Usage()
		os.Exit(2)
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

// session runs one POP3 session and returns the octets retrieved: message
// 1, or with all every message that STAT counts.
func session(addr, user, pass string, all bool, timeout time.Duration) (int64, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return 0, stepError("connect", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	p := &client{c: c, r: bufio.NewReaderSize(c, 32<<10)}
	if err := p.status("greeting"); err != nil {
		return 0, err
	}
	count := 1
	for _, cmd := range []string{"USER " + user, "PASS " + pass, "STAT"} {
		if err := p.send(cmd); err != nil {
			return 0, err
		}
		name, _, _ := strings.Cut(cmd, " ")
		line, err := p.statusLine(name)
		if err != nil {
			return 0, err
		}
		if name == "STAT" && all {
			// RFC 1939 §5: "+OK nn mm".
			if _, err := fmt.Sscanf(line, "+OK %d", &count); err != nil {
				return 0, fmt.Errorf("STAT: %q", line)
			}
		}
	}
	var total int64
	for i := 1; i <= count; i++ {
		if err := p.send(fmt.Sprintf("RETR %d", i)); err != nil {
			return 0, err
		}
		if err := p.status("RETR"); err != nil {
			return 0, err
		}
		n, err := p.body()
		if err != nil {
			return 0, err
		}
		total += n
	}
	if err := p.send("QUIT"); err != nil {
		return 0, err
	}
	return total, p.status("QUIT")
}

// client is one connection's reader and writer.
type client struct {
	c net.Conn
	r *bufio.Reader
}

func (p *client) send(cmd string) error {
	if _, err := io.WriteString(p.c, cmd+"\r\n"); err != nil {
		name, _, _ := strings.Cut(cmd, " ")
		return stepError(name, err)
	}
	return nil
}

// status reads a status line and fails unless it is +OK.
func (p *client) status(step string) error {
	_, err := p.statusLine(step)
	return err
}

// statusLine reads a status line, returns it and fails unless it is +OK.
func (p *client) statusLine(step string) (string, error) {
	line, err := p.r.ReadSlice('\n')
	if err != nil {
		return "", stepError(step, err)
	}
	if !strings.HasPrefix(string(line), "+OK") {
		return "", fmt.Errorf("%s: %s", step, strings.TrimRight(string(line), "\r\n"))
	}
	return string(line), nil
}

// body reads a multi-line response to its terminating "." line and returns
// the octets of its lines without the dot-stuffing (RFC 1939 §3).
func (p *client) body() (int64, error) {
	var n int64
	for {
		// A line longer than the buffer comes in several chunks; only
		// the first can be the terminator or start with a stuffed dot.
		for first := true; ; first = false {
			chunk, err := p.r.ReadSlice('\n')
			if err != nil && err != bufio.ErrBufferFull {
				return n, stepError("RETR body", err)
			}
			if first {
				if err == nil && string(chunk) == ".\r\n" {
					return n, nil
				}
				if chunk[0] == '.' {
					n--
				}
			}
			n += int64(len(chunk))
			if err == nil {
				break
			}
		}
	}
}

// stepError names the step and the cause of a network error, leaving out
// the addresses so that equal failures are counted together.
func stepError(step string, err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	if errors.Is(err, io.EOF) {
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
