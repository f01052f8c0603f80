package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewLinkConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		client  string
		server  string
		mss     int
	}{
		{name: "defaults", client: "192.0.2.10:49152", server: "192.0.2.25:110", mss: 1460},
		{
			name:   "given",
			cfg:    Config{Client: netip.MustParseAddrPort("198.51.100.7:50000"), Server: netip.MustParseAddrPort("203.0.113.5:995"), MSS: 536},
			client: "198.51.100.7:50000", server: "203.0.113.5:995", mss: 536,
		},
		{
			name:   "IPv4-mapped IPv6 is unmapped",
			cfg:    Config{Client: netip.MustParseAddrPort("[::ffff:192.0.2.1]:1234")},
			client: "192.0.2.1:1234", server: "192.0.2.25:110", mss: 1460,
		},
		{name: "IPv6 refused", cfg: Config{Server: netip.MustParseAddrPort("[2001:db8::1]:110")}, wantErr: "wire: address [2001:db8::1]:110 is not IPv4"},
		{name: "MSS too large", cfg: Config{MSS: 65496}, wantErr: "wire: MSS 65496 out of range 1..65495"},
		{name: "MSS negative", cfg: Config{MSS: -1}, wantErr: "wire: MSS -1 out of range 1..65495"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := NewLink(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("NewLink error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c, s := l.Client(), l.Server()
			// A server's loopback or allow-list check sees the
			// configured addresses as *net.TCPAddr.
			for _, a := range []struct {
				addr net.Addr
				want string
			}{{c.LocalAddr(), tt.client}, {c.RemoteAddr(), tt.server}, {s.LocalAddr(), tt.server}, {s.RemoteAddr(), tt.client}} {
				ta, ok := a.addr.(*net.TCPAddr)
				if !ok || ta.String() != a.want || a.addr.Network() != "tcp" {
					t.Errorf("addr = %#v, want *net.TCPAddr %s", a.addr, a.want)
				}
			}
			if got := l.Config().MSS; got != tt.mss {
				t.Errorf("MSS = %d, want %d", got, tt.mss)
			}
		})
	}
}

func TestLinkRoundTrip(t *testing.T) {
	sizes := []int{1, 12, 1459, 1460, 1461, 5000, 70000}
	for _, dir := range []Dir{ClientToServer, ServerToClient} {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%v/%d", dir, n), func(t *testing.T) {
				l := newTestLink(t, Config{})
				from, to := l.Client(), l.Server()
				if dir == ServerToClient {
					from, to = to, from
				}
				want := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
				if k, err := from.Write(want); k != n || err != nil {
					t.Fatalf("Write = %d, %v", k, err)
				}
				got := make([]byte, n)
				if _, err := io.ReadFull(to, got); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("read bytes differ from written")
				}
			})
		}
	}
}

func TestLinkOrdering(t *testing.T) {
	l := newTestLink(t, Config{ClientISN: 0xfffffff0, ServerISN: 1000}) // the client's numbers wrap
	c, s := l.Client(), l.Server()
	var wantC, wantS strings.Builder
	for i := range 50 {
		cmd := fmt.Sprintf("NOOP %d\r\n", i)
		resp := fmt.Sprintf("+OK %d\r\n", i)
		c.Write([]byte(cmd))
		s.Write([]byte(resp))
		wantC.WriteString(cmd)
		wantS.WriteString(resp)
	}
	if got := readN(t, s, wantC.Len()); got != wantC.String() {
		t.Errorf("server read %q, want %q", got, wantC.String())
	}
	if got := readN(t, c, wantS.Len()); got != wantS.String() {
		t.Errorf("client read %q, want %q", got, wantS.String())
	}
	segs := l.Segments()
	if len(segs) != 101 {
		t.Fatalf("%d segments, want 101", len(segs))
	}
	next := [2]uint32{0xfffffff1, 1001}
	var offset [2]int64
	for i, seg := range segs[1:] {
		wantDir := Dir(i % 2)
		if seg.Index != i+1 || seg.Dir != wantDir || seg.Kind != Data || seg.Origin != Sent {
			t.Fatalf("segment %d = %v, want #%d %v data", i+1, seg, i+1, wantDir)
		}
		if seg.Seq != next[seg.Dir] || seg.Offset != offset[seg.Dir] {
			t.Fatalf("segment %v: seq %d offset %d, want %d %d", seg, seg.Seq, seg.Offset, next[seg.Dir], offset[seg.Dir])
		}
		next[seg.Dir] += uint32(len(seg.Payload))
		offset[seg.Dir] += int64(len(seg.Payload))
	}
	if segs[0].Kind != SYN || segs[0].Seq != 0xfffffff0 || segs[0].Dir != ClientToServer {
		t.Errorf("first segment %v, want SYN C->S seq=4294967280", segs[0])
	}
}

// isErr reports whether err is a *net.OpError wrapping target.
func isErr(err, target error) bool {
	var op *net.OpError
	return errors.As(err, &op) && errors.Is(err, target)
}

func TestClose(t *testing.T) {
	t.Run("peer drains then reads EOF", func(t *testing.T) {
		l := newTestLink(t, Config{ClientISN: 100, ServerISN: 200})
		c, s := l.Client(), l.Server()
		c.Write([]byte("QUIT\r\n"))
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if got := readN(t, s, 6); got != "QUIT\r\n" {
			t.Fatalf("server read %q", got)
		}
		for range 2 {
			if n, err := s.Read(make([]byte, 10)); n != 0 || err != io.EOF {
				t.Fatalf("server Read = %d, %v; want 0, io.EOF", n, err)
			}
		}
		// The server may still answer: the bytes cross and the closed
		// client discards them.
		if n, err := s.Write([]byte("+OK bye\r\n")); n != 9 || err != nil {
			t.Fatalf("server Write after client close = %d, %v", n, err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("server Close: %v", err)
		}
		var got []string
		for _, seg := range l.Segments() {
			got = append(got, fmt.Sprintf("%v %v %d %q", seg.Dir, seg.Kind, seg.Seq, seg.Payload))
		}
		want := []string{
			`C->S SYN 100 ""`,
			`C->S data 101 "QUIT\r\n"`,
			`C->S FIN 107 ""`,
			`S->C data 201 "+OK bye\r\n"`,
			`S->C FIN 210 ""`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("closed end fails", func(t *testing.T) {
		l := newTestLink(t, Config{})
		c, s := l.Client(), l.Server()
		s.Write([]byte("+OK\r\n")) // unread: discarded by Close
		c.Close()
		if _, err := c.Read(make([]byte, 1)); !isErr(err, net.ErrClosed) {
			t.Errorf("Read after Close: %v, want net.ErrClosed", err)
		}
		if _, err := c.Write([]byte("x")); !isErr(err, net.ErrClosed) {
			t.Errorf("Write after Close: %v, want net.ErrClosed", err)
		}
		if err := c.Close(); !isErr(err, net.ErrClosed) {
			t.Errorf("second Close: %v, want net.ErrClosed", err)
		}
		if err := c.SetDeadline(time.Now()); !isErr(err, net.ErrClosed) {
			t.Errorf("SetDeadline after Close: %v, want net.ErrClosed", err)
		}
		if err := l.Inject(ClientToServer, []byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Inject after FIN: %v, want net.ErrClosed", err)
		}
		if err := l.Inject(ServerToClient, []byte("x")); err != nil {
			t.Errorf("Inject towards the closed end: %v, want nil (bytes cross, then are discarded)", err)
		}
	})
	t.Run("Close wakes a blocked Read on both ends", func(t *testing.T) {
		l := newTestLink(t, Config{})
		c, s := l.Client(), l.Server()
		errs := make(chan error, 2)
		go func() { _, err := c.Read(make([]byte, 1)); errs <- err }()
		go func() { _, err := s.Read(make([]byte, 1)); errs <- err }()
		time.Sleep(10 * time.Millisecond) // let both block
		c.Close()
		var closed, eof int
		for range 2 {
			switch err := <-errs; {
			case isErr(err, net.ErrClosed):
				closed++
			case err == io.EOF:
				eof++
			default:
				t.Errorf("Read: %v", err)
			}
		}
		if closed != 1 || eof != 1 {
			t.Errorf("got %d ErrClosed and %d EOF, want 1 and 1", closed, eof)
		}
	})
}

func TestDeadlines(t *testing.T) {
	isTimeout := func(err error) bool {
		var ne net.Error
		return isErr(err, os.ErrDeadlineExceeded) && errors.As(err, &ne) && ne.Timeout()
	}
	t.Run("past deadline fails at once, even with data waiting", func(t *testing.T) {
		clock := newFakeClock(0)
		l := newTestLink(t, Config{Clock: clock.Now})
		c, s := l.Client(), l.Server()
		c.Write([]byte("NOOP\r\n"))
		s.SetReadDeadline(testEpoch.Add(-time.Second))
		if _, err := s.Read(make([]byte, 10)); !isTimeout(err) {
			t.Fatalf("Read: %v, want timeout", err)
		}
		s.SetReadDeadline(time.Time{})
		if got := readN(t, s, 6); got != "NOOP\r\n" {
			t.Fatalf("read after clearing the deadline: %q", got)
		}
	})
	t.Run("write deadline", func(t *testing.T) {
		clock := newFakeClock(0)
		l := newTestLink(t, Config{Clock: clock.Now})
		c := l.Client()
		c.SetWriteDeadline(testEpoch)
		if n, err := c.Write([]byte("x")); n != 0 || !isTimeout(err) {
			t.Fatalf("Write = %d, %v; want 0, timeout", n, err)
		}
		c.SetWriteDeadline(testEpoch.Add(time.Minute))
		if n, err := c.Write([]byte("x")); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v; want 1, nil", n, err)
		}
		if n := len(l.Segments()); n != 2 {
			t.Errorf("%d segments, want 2 (SYN and one data)", n)
		}
	})
	t.Run("real timer wakes a blocked Read", func(t *testing.T) {
		l := newTestLink(t, Config{}) // Clock: time.Now
		s := l.Server()
		start := time.Now()
		s.SetReadDeadline(start.Add(50 * time.Millisecond))
		_, err := s.Read(make([]byte, 1))
		if elapsed := time.Since(start); !isTimeout(err) || elapsed < 45*time.Millisecond || elapsed > 5*time.Second {
			t.Fatalf("Read after %v: %v, want timeout after about 50ms", elapsed, err)
		}
	})
	t.Run("deadline moved to the past wakes a blocked Read", func(t *testing.T) {
		l := newTestLink(t, Config{})
		s := l.Server()
		errc := make(chan error, 1)
		go func() { _, err := s.Read(make([]byte, 1)); errc <- err }()
		time.Sleep(10 * time.Millisecond)
		s.SetDeadline(time.Now().Add(-time.Second))
		if err := <-errc; !isTimeout(err) {
			t.Fatalf("Read: %v, want timeout", err)
		}
	})
	t.Run("extended deadline does not fire early", func(t *testing.T) {
		l := newTestLink(t, Config{})
		c, s := l.Client(), l.Server()
		s.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		s.SetReadDeadline(time.Now().Add(time.Hour))
		errc := make(chan error, 1)
		go func() { _, err := s.Read(make([]byte, 1)); errc <- err }()
		time.Sleep(60 * time.Millisecond)
		c.Write([]byte("x"))
		if err := <-errc; err != nil {
			t.Fatalf("Read: %v, want the byte", err)
		}
	})
	t.Run("virtual clock: CheckDeadlines fires the RFC 1939 §3 autologout", func(t *testing.T) {
		clock := newFakeClock(0)
		l := newTestLink(t, Config{Clock: clock.Now})
		s := l.Server()
		s.SetReadDeadline(clock.Now().Add(10 * time.Minute))
		errc := make(chan error, 1)
		go func() { _, err := s.Read(make([]byte, 1)); errc <- err }()
		clock.Advance(10*time.Minute - time.Second)
		l.CheckDeadlines()
		select {
		case err := <-errc:
			t.Fatalf("Read returned %v one virtual second before the deadline", err)
		case <-time.After(30 * time.Millisecond):
		}
		clock.Advance(time.Second)
		l.CheckDeadlines()
		select {
		case err := <-errc:
			if !isTimeout(err) {
				t.Fatalf("Read: %v, want timeout", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Read still blocked after CheckDeadlines at the deadline")
		}
	})
}

func TestConcurrentWrites(t *testing.T) {
	const writers, lines = 8, 200
	l := newTestLink(t, Config{MSS: 7}) // lines cross in several segments
	var tapped [2]int
	var tapMu sync.Mutex
	l.SetTap(func(s Segment) {
		tapMu.Lock()
		tapped[s.Dir] += len(s.Payload)
		tapMu.Unlock()
	})
	var wg sync.WaitGroup
	for _, e := range []net.Conn{l.Client(), l.Server()} {
		for w := range writers {
			wg.Go(func() {
				for i := range lines {
					if _, err := fmt.Fprintf(e, "w%d %04d\r\n", w, i); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Go(func() { // readers of the log race the writers
		for range 20 {
			_ = l.Segments()
		}
	})
	const lineLen = len("w0 0000\r\n")
	for _, r := range []net.Conn{l.Server(), l.Client()} {
		wg.Go(func() {
			buf := make([]byte, writers*lines*lineLen)
			if _, err := io.ReadFull(r, buf); err != nil {
				t.Error(err)
				return
			}
			next := make([]int, writers)
			// Each Write crosses whole: lines never interleave, and each
			// writer's lines arrive in the order written.
			for line := range strings.SplitSeq(strings.TrimSuffix(string(buf), "\r\n"), "\r\n") {
				var w, i int
				if _, err := fmt.Sscanf(line, "w%d %d", &w, &i); err != nil || w < 0 || w >= writers || i != next[w] {
					t.Errorf("line %q out of order (want w%d %04d)", line, w, next[w])
					return
				}
				next[w]++
			}
		})
	}
	wg.Wait()
	if want := writers * lines * lineLen; tapped != [2]int{want, want} {
		t.Errorf("tap saw %v bytes, want %d each way", tapped, want)
	}
}

func TestSegmentation(t *testing.T) {
	tests := []struct {
		mss, size int
		want      []int // payload lengths
	}{
		{0, 100000, append(repeat(1460, 68), 100000-68*1460)}, // ceil(100000/1460) = 69
		{1460, 1460, []int{1460}},
		{1460, 1461, []int{1460, 1}},
		{1460, 1, []int{1}},
		{536, 1500, []int{536, 536, 428}},
		{MaxMSS, 100000, []int{MaxMSS, 100000 - MaxMSS}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("MSS %d, %d bytes", tt.mss, tt.size), func(t *testing.T) {
			clock := newFakeClock(time.Millisecond)
			l := newTestLink(t, Config{MSS: tt.mss, Clock: clock.Now, ServerISN: 7})
			data := make([]byte, tt.size)
			for i := range data {
				data[i] = byte(i * 7)
			}
			l.Server().Write(data)
			segs := l.Segments()[1:]
			var got []int
			var joined []byte
			for i, s := range segs {
				got = append(got, len(s.Payload))
				joined = append(joined, s.Payload...)
				if s.Dir != ServerToClient || s.Seq != 8+uint32(len(joined)-len(s.Payload)) {
					t.Fatalf("segment %d: %v", i, s)
				}
				if want := testEpoch.Add(time.Duration(i+1) * time.Millisecond); !s.Time.Equal(want) {
					t.Fatalf("segment %d at %v, want %v", i, s.Time, want)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("lengths %v, want %v", got, tt.want)
			}
			if !bytes.Equal(joined, data) {
				t.Errorf("segments do not add up to the bytes written")
			}
		})
	}
}

func repeat(v, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestTapSeesExactBytes(t *testing.T) {
	l := newTestLink(t, Config{MSS: 10})
	c, s := l.Client(), l.Server()
	var seen []Segment
	var delivered []int // bytes readable by the receiver when the tap ran
	l.SetTap(func(seg Segment) {
		seen = append(seen, seg)
		delivered = append(delivered, len(l.inbox[seg.Dir].chunks))
	})
	c.Write([]byte("USER alice\r\n"))
	s.Write([]byte("+OK\r\n"))
	c.Write([]byte("PASS tanstaaf\r\n"))
	c.Close()
	var got []string
	for _, seg := range seen {
		got = append(got, fmt.Sprintf("%v %q", seg, seg.Payload))
	}
	want := []string{
		`#1 C->S data seq=1 len=10 "USER alice"`,
		`#2 C->S data seq=11 len=2 "\r\n"`,
		`#3 S->C data seq=1 len=5 "+OK\r\n"`,
		`#4 C->S data seq=13 len=10 "PASS tanst"`,
		`#5 C->S data seq=23 len=5 "aaf\r\n"`,
		`#6 C->S FIN seq=28 len=0 ""`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tap saw:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The tap runs before the segment is delivered: the receiver had
	// 0, 1 (the first unread segment), 0 chunks waiting.
	if fmt.Sprint(delivered[:3]) != "[0 1 0]" {
		t.Errorf("chunks waiting when the tap ran: %v, want [0 1 0]", delivered[:3])
	}
	log := l.Segments()
	if len(log) != len(seen)+1 {
		t.Fatalf("log has %d segments, tap saw %d", len(log), len(seen))
	}
	for i, seg := range seen {
		if !bytes.Equal(log[i+1].Payload, seg.Payload) || log[i+1].Index != seg.Index {
			t.Errorf("tap segment %v differs from log %v", seg, log[i+1])
		}
	}
}

func TestMiddlebox(t *testing.T) {
	type step struct {
		dir  Dir
		data string
	}
	tests := []struct {
		name      string
		middlebox func(l *Link) Middlebox
		inject    []step // after the writes
		toServer  string // what the server reads
		toClient  string // what the client reads
		log       []string
	}{
		{
			name:      "pass",
			middlebox: func(*Link) Middlebox { return MiddleboxFunc(func(_ Dir, b []byte) []byte { return b }) },
			toServer:  "USER alice\r\nPASS tanstaaf\r\n",
			toClient:  "+OK\r\n+OK\r\n",
			log: []string{
				`C->S sent "USER alice\r\n"`, `S->C sent "+OK\r\n"`,
				`C->S sent "PASS tanstaaf\r\n"`, `S->C sent "+OK\r\n"`,
			},
		},
		{
			name: "drop PASS",
			middlebox: func(*Link) Middlebox {
				return MiddleboxFunc(func(_ Dir, b []byte) []byte {
					if bytes.HasPrefix(b, []byte("PASS")) {
						return nil
					}
					return b
				})
			},
			toServer: "USER alice\r\n",
			toClient: "+OK\r\n+OK\r\n",
			log:      []string{`C->S sent "USER alice\r\n"`, `S->C sent "+OK\r\n"`, `S->C sent "+OK\r\n"`},
		},
		{
			name: "rewrite USER, in place and longer",
			middlebox: func(*Link) Middlebox {
				return MiddleboxFunc(func(_ Dir, b []byte) []byte {
					copy(b, "user") // in place: the log still tells it apart
					return bytes.Replace(b, []byte("alice"), []byte("mallory"), 1)
				})
			},
			toServer: "user mallory\r\nuser tanstaaf\r\n",
			toClient: "user\nuser\n", // "+OK\r\n" with its first four bytes overwritten
			log: []string{
				`C->S rewritten "user mallory\r\n"`, `S->C rewritten "user\n"`,
				`C->S rewritten "user tanstaaf\r\n"`, `S->C rewritten "user\n"`,
			},
		},
		{
			name: "extra bytes: a command pipelined behind the client's",
			middlebox: func(*Link) Middlebox {
				return MiddleboxFunc(func(d Dir, b []byte) []byte {
					if d == ClientToServer && bytes.HasPrefix(b, []byte("PASS")) {
						return append(b, "DELE 1\r\n"...)
					}
					return b
				})
			},
			toServer: "USER alice\r\nPASS tanstaaf\r\nDELE 1\r\n",
			toClient: "+OK\r\n+OK\r\n",
			log: []string{
				`C->S sent "USER alice\r\n"`, `S->C sent "+OK\r\n"`,
				`C->S rewritten "PASS tanstaaf\r\nDELE 1\r\n"`, `S->C sent "+OK\r\n"`,
			},
		},
		{
			name: "inject from inside the middlebox: answer PASS in the server's place",
			middlebox: func(l *Link) Middlebox {
				return MiddleboxFunc(func(d Dir, b []byte) []byte {
					if bytes.HasPrefix(b, []byte("PASS")) {
						if err := l.Inject(ServerToClient, []byte("-ERR [AUTH] no\r\n")); err != nil {
							panic(err)
						}
						return nil
					}
					return b
				})
			},
			toServer: "USER alice\r\n",
			toClient: "+OK\r\n-ERR [AUTH] no\r\n+OK\r\n",
			log: []string{
				`C->S sent "USER alice\r\n"`, `S->C sent "+OK\r\n"`,
				`S->C injected "-ERR [AUTH] no\r\n"`, `S->C sent "+OK\r\n"`,
			},
		},
		{
			name:      "inject both ways, no middlebox",
			middlebox: func(*Link) Middlebox { return nil },
			inject:    []step{{ClientToServer, "DELE 1\r\n"}, {ServerToClient, "+OK 0 0\r\n"}},
			toServer:  "USER alice\r\nPASS tanstaaf\r\nDELE 1\r\n",
			toClient:  "+OK\r\n+OK\r\n+OK 0 0\r\n",
			log: []string{
				`C->S sent "USER alice\r\n"`, `S->C sent "+OK\r\n"`,
				`C->S sent "PASS tanstaaf\r\n"`, `S->C sent "+OK\r\n"`,
				`C->S injected "DELE 1\r\n"`, `S->C injected "+OK 0 0\r\n"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLink(t, Config{})
			c, s := l.Client(), l.Server()
			var tapped []string
			l.SetTap(func(seg Segment) {
				if seg.Kind == Data {
					tapped = append(tapped, fmt.Sprintf("%v %v %q", seg.Dir, seg.Origin, seg.Payload))
				}
			})
			l.SetMiddlebox(tt.middlebox(l))
			for _, w := range []step{
				{ClientToServer, "USER alice\r\n"}, {ServerToClient, "+OK\r\n"},
				{ClientToServer, "PASS tanstaaf\r\n"}, {ServerToClient, "+OK\r\n"},
			} {
				e := c
				if w.dir == ServerToClient {
					e = s
				}
				if _, err := e.Write([]byte(w.data)); err != nil {
					t.Fatal(err)
				}
			}
			for _, in := range tt.inject {
				if err := l.Inject(in.dir, []byte(in.data)); err != nil {
					t.Fatal(err)
				}
			}
			c.Close()
			s.Close()
			if got, _ := io.ReadAll(s); string(got) != "" {
				t.Errorf("server read %q after Close", got)
			}
			var log []string
			var toServer, toClient []byte
			for _, seg := range l.Segments() {
				if seg.Kind != Data {
					continue
				}
				log = append(log, fmt.Sprintf("%v %v %q", seg.Dir, seg.Origin, seg.Payload))
				if seg.Dir == ClientToServer {
					toServer = append(toServer, seg.Payload...)
				} else {
					toClient = append(toClient, seg.Payload...)
				}
			}
			if strings.Join(log, "\n") != strings.Join(tt.log, "\n") {
				t.Errorf("log:\n%s\nwant:\n%s", strings.Join(log, "\n"), strings.Join(tt.log, "\n"))
			}
			if strings.Join(tapped, "\n") != strings.Join(tt.log, "\n") {
				t.Errorf("tap saw:\n%s\nwant:\n%s", strings.Join(tapped, "\n"), strings.Join(tt.log, "\n"))
			}
			if string(toServer) != tt.toServer || string(toClient) != tt.toClient {
				t.Errorf("crossed to server %q, to client %q; want %q, %q", toServer, toClient, tt.toServer, tt.toClient)
			}
		})
	}
}

// TestMiddleboxDelivery checks that the receiving end reads what the
// middlebox delivered, not what was written.
func TestMiddleboxDelivery(t *testing.T) {
	l := newTestLink(t, Config{})
	l.SetMiddlebox(MiddleboxFunc(func(_ Dir, b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("STLS\r\n"), nil) // STARTTLS stripping
	}))
	capa := "+OK\r\nUSER\r\nSTLS\r\nTOP\r\n.\r\n"
	l.Server().Write([]byte(capa))
	if got, want := readN(t, l.Client(), len(capa)-6), "+OK\r\nUSER\r\nTOP\r\n.\r\n"; got != want {
		t.Errorf("client read %q, want %q", got, want)
	}
}

func TestWriteDoesNotKeepCallerBuffer(t *testing.T) {
	l := newTestLink(t, Config{})
	buf := []byte("USER alice\r\n")
	l.Client().Write(buf)
	copy(buf, "XXXXXXXXXXXX")
	if got := readN(t, l.Server(), 12); got != "USER alice\r\n" {
		t.Errorf("server read %q", got)
	}
	if got := string(l.Segments()[1].Payload); got != "USER alice\r\n" {
		t.Errorf("log holds %q", got)
	}
}

func BenchmarkLinkThroughput(b *testing.B) {
	const total = 10 << 20
	chunk := make([]byte, 32<<10)
	b.SetBytes(total)
	for b.Loop() {
		l, err := NewLink(Config{})
		if err != nil {
			b.Fatal(err)
		}
		var tapped int
		l.SetTap(func(s Segment) { tapped += len(s.Payload) })
		done := make(chan error, 1)
		go func() {
			n, err := io.Copy(io.Discard, l.Server())
			if err == nil && n != total {
				err = fmt.Errorf("read %d bytes, want %d", n, total)
			}
			done <- err
		}()
		c := l.Client()
		for sent := 0; sent < total; sent += len(chunk) {
			if _, err := c.Write(chunk); err != nil {
				b.Fatal(err)
			}
		}
		c.Close()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		if tapped != total {
			b.Fatalf("tap saw %d bytes", tapped)
		}
	}
}

// TestWriteReturnsAfterCrossing: a Write whose chunk another goroutine
// carries returns only once the chunk has crossed, tap called; so a
// server that writes its last response and then reports its session
// closed is logged in that order however the goroutines run. A write from
// inside the tap is queued and returns at once (it would wait for itself).
func TestWriteReturnsAfterCrossing(t *testing.T) {
	hold := make(chan struct{})
	inClock := make(chan struct{})
	var armed atomic.Bool
	cfg := Config{Clock: func() time.Time {
		if armed.CompareAndSwap(true, false) {
			close(inClock)
			<-hold // the carrier stops between callbacks
		}
		return testEpoch
	}}
	l := newTestLink(t, cfg)
	var mu sync.Mutex
	var tapped []string
	l.SetTap(func(seg Segment) {
		mu.Lock()
		tapped = append(tapped, string(seg.Payload))
		mu.Unlock()
		if string(seg.Payload) == "QUIT\r\n" {
			// Inside the tap: must not wait for the carrier, itself.
			if err := l.Inject(ServerToClient, []byte("injected\r\n")); err != nil {
				t.Errorf("Inject from the tap: %v", err)
			}
		}
	})
	armed.Store(true)
	go l.Client().Write([]byte("QUIT\r\n"))
	<-inClock
	returned := make(chan []string)
	go func() {
		l.Server().Write([]byte("+OK bye\r\n"))
		mu.Lock()
		defer mu.Unlock()
		returned <- append([]string(nil), tapped...)
	}()
	// Wait until the server's chunk is queued behind the carrier.
	for {
		l.mu.Lock()
		queued := len(l.queue)
		l.mu.Unlock()
		if queued == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(hold)
	got := <-returned
	if want := []string{"QUIT\r\n", "+OK bye\r\n"}; !slices.Equal(got[:min(2, len(got))], want) {
		t.Fatalf("when the server's Write returned the tap had seen %q, want %q first", got, want)
	}
	// The tap's own Inject crosses after the chunk queued before it.
	if got := readN(t, l.Client(), len("+OK bye\r\ninjected\r\n")); got != "+OK bye\r\ninjected\r\n" {
		t.Fatalf("client read %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"QUIT\r\n", "+OK bye\r\n", "injected\r\n"}; !slices.Equal(tapped, want) {
		t.Fatalf("tap saw %q, want %q", tapped, want)
	}
}
