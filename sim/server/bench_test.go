//go:build !js

package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hack-pad/hackpadfs"
	"github.com/hack-pad/hackpadfs/mem"
	hackpados "github.com/hack-pad/hackpadfs/os"

	"pop3lab/sim/maildrop"
	"pop3lab/sim/pop3"
)

// benchEnv is a TCP server over an in-memory store holding msgs.
func benchEnv(b *testing.B, msgs ...[]byte) (addr string) {
	b.Helper()
	fsys, err := mem.NewFS()
	if err != nil {
		b.Fatal(err)
	}
	return benchServe(b, fsys, msgs...)
}

// benchServe is a TCP server over a store in fsys holding msgs.
func benchServe(b *testing.B, fsys hackpadfs.FS, msgs ...[]byte) (addr string) {
	b.Helper()
	store := maildrop.NewStore(fsys, "", maildrop.Options{Rand: mrand.NewChaCha8([32]byte{3})})
	for _, m := range msgs {
		if _, err := store.Deliver("alice", bytes.NewReader(m)); err != nil {
			b.Fatal(err)
		}
	}
	// The benchmarks measure the server's work: no login delay, no caps.
	srv := New(Config{Store: store, Users: Users{"alice": "wonderland"}, AuthFailureDelay: -1, MaxConns: -1,
		MaxConnsPerAddress: -1, MaxUnauthenticatedPerAddress: -1})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Shutdown(b.Context()) })
	return l.Addr().String()
}

// benchOSFS is a fresh temporary directory seen through hackpadfs os, as
// `pop3lab pop3` serves its Maildirs.
func benchOSFS(b *testing.B) hackpadfs.FS {
	b.Helper()
	fsys, err := hackpados.NewFS().Sub(strings.TrimPrefix(filepath.ToSlash(b.TempDir()), "/"))
	if err != nil {
		b.Fatal(err)
	}
	return fsys
}

type benchClient struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialBench(b *testing.B, addr string) *benchClient {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	c := &benchClient{conn, bufio.NewReaderSize(conn, 64*1024)}
	c.status(b)
	return c
}

func (c *benchClient) status(b *testing.B) string {
	line, err := c.r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "+OK") {
		b.Fatalf("status %q, %v", line, err)
	}
	return line
}

func (c *benchClient) cmd(b *testing.B, s string) string {
	if _, err := io.WriteString(c.conn, s+"\r\n"); err != nil {
		b.Fatal(err)
	}
	return c.status(b)
}

func (c *benchClient) body(b *testing.B) int64 {
	n, err := io.Copy(io.Discard, pop3.NewDotReader(c.r))
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkRETR10MB measures RETR of a 10 MB message, every other line of
// it stuffed, over loopback TCP to a client that reads the body back
// (target: 1 GB/s), from the in-memory store the browser's simulation
// uses (mem) and from Maildirs on disk, as `pop3lab pop3` serves them
// (os).
func BenchmarkRETR10MB(b *testing.B) {
	line := strings.Repeat("x", 70) + "\n" + "." + strings.Repeat("y", 69) + "\n"
	msg := []byte("Subject: big\n\n" + strings.Repeat(line, 10<<20/len(line)))
	for _, backend := range []string{"mem", "os"} {
		b.Run(backend, func(b *testing.B) {
			var addr string
			if backend == "mem" {
				addr = benchEnv(b, msg)
			} else {
				addr = benchServe(b, benchOSFS(b), msg)
			}
			c := dialBench(b, addr)
			c.cmd(b, "USER alice")
			c.cmd(b, "PASS wonderland")
			b.ResetTimer()
			var size int64
			for b.Loop() {
				c.cmd(b, "RETR 1")
				size = c.body(b)
			}
			b.SetBytes(size)
		})
	}
}

// BenchmarkSession measures whole sessions over loopback TCP: connect,
// USER, PASS, STAT, RETR 1, QUIT.
func BenchmarkSession(b *testing.B) {
	addr := benchEnv(b, []byte("Subject: hi\n\n"+strings.Repeat("hello world\n", 300)))
	b.ResetTimer()
	for b.Loop() {
		c := dialBench(b, addr)
		c.cmd(b, "USER alice")
		c.cmd(b, "PASS wonderland")
		c.cmd(b, "STAT")
		c.cmd(b, "RETR 1")
		c.body(b)
		c.cmd(b, "QUIT")
		c.conn.Close()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sessions/s")
}

// BenchmarkListUIDL10000 measures login plus LIST and UIDL of a
// 10,000-message maildrop.
func BenchmarkListUIDL10000(b *testing.B) {
	msgs := make([][]byte, 10000)
	for i := range msgs {
		msgs[i] = fmt.Appendf(nil, "Subject: %d\n\nbody %d\n", i, i)
	}
	addr := benchEnv(b, msgs...)
	for b.Loop() {
		c := dialBench(b, addr)
		c.cmd(b, "USER alice")
		c.cmd(b, "PASS wonderland")
		c.cmd(b, "LIST")
		c.body(b)
		c.cmd(b, "UIDL")
		c.body(b)
		c.cmd(b, "QUIT")
		c.conn.Close()
	}
}

// idleConnections is how many sessions BenchmarkIdleConnections holds.
const idleConnections = 2000

// BenchmarkIdleConnections opens 2,000 sessions over loopback TCP, each
// greeted and then silent (a client that connects and waits, or a slow
// flood), and reports the memory they hold: heap and goroutine stacks
// after a GC, per connection, both ends of the connection included (the
// client end is a bare net.Conn). Each iteration opens and closes the
// whole set; run it with -benchtime 1x.
func BenchmarkIdleConnections(b *testing.B) {
	addr := benchEnv(b)
	var perConn float64
	for b.Loop() {
		before := heapAndStacks()
		conns := make([]net.Conn, 0, idleConnections)
		greeting := make([]byte, pop3.MaxResponseLine)
		for range idleConnections {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Read(greeting); err != nil {
				b.Fatal(err)
			}
			conns = append(conns, c)
		}
		// Let every session reach its read of the next command.
		time.Sleep(100 * time.Millisecond)
		perConn = float64(heapAndStacks()-before) / idleConnections
		for _, c := range conns {
			c.Close()
		}
	}
	b.ReportMetric(perConn, "B/idle-conn")
}

// heapAndStacks returns the bytes of live heap objects and goroutine
// stacks after a garbage collection.
func heapAndStacks() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc + ms.StackInuse)
}

// BenchmarkRetrieveAll is the retrieval workload of `make bench` in one
// process: 16 users with 20 messages of about 9.5 KB each in Maildirs on
// the os file system (as `pop3lab pop3` serves them), 8 clients over
// loopback TCP, each session USER, PASS, STAT, RETR of every message,
// QUIT. Bytes are message octets; run with -cpuprofile to see where the
// server spends its time.
func BenchmarkRetrieveAll(b *testing.B) {
	const users, messages, clients = 16, 20, 8
	store := maildrop.NewStore(benchOSFS(b), "", maildrop.Options{})
	accounts := Users{}
	line := "0000 The quick brown fox jumps over the lazy dog, line by line 000\n"
	body := strings.Repeat(line, 9500/len(line))
	for u := range users {
		name := fmt.Sprintf("load%d", u+1)
		accounts[name] = "wonderland"
		for m := range messages {
			msg := fmt.Sprintf("From: bench@example.org\nTo: %s@example.org\nSubject: message %d\n\n%s", name, m+1, body)
			if _, err := store.Deliver(name, strings.NewReader(msg)); err != nil {
				b.Fatal(err)
			}
		}
	}
	// As `make bench` runs `pop3lab pop3`: every check and cap at its
	// default but the login delay, which would measure only itself.
	srv := New(Config{Store: store, Users: accounts, AuthFailureDelay: -1})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Shutdown(b.Context()) })
	addr := l.Addr().String()

	var octets atomic.Int64
	var next atomic.Int64
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		user := fmt.Sprintf("load%d", next.Add(1)%users+1)
		for pb.Next() {
			c := dialBench(b, addr)
			c.cmd(b, "USER "+user)
			c.cmd(b, "PASS wonderland")
			c.cmd(b, "STAT")
			for m := 1; m <= messages; m++ {
				c.cmd(b, fmt.Sprintf("RETR %d", m))
				octets.Add(c.body(b))
			}
			c.cmd(b, "QUIT")
			c.conn.Close()
		}
	})
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/secs, "sessions/s")
	b.ReportMetric(float64(octets.Load())/1e6/secs, "MB/s")
}
