//go:build js && wasm

// Command tls is the browser app's TLS layer: crypto/tls in a WebAssembly
// program of its own, which the page loads after the app is usable, so
// that the program a learner waits for does not carry TLS. The app
// (wasm/tlslayer.go) opens connections here and carries their records
// over its simulated wire; this program holds each connection's TLS
// state. Messages go both ways through the loader's pop3labTLS (package
// tlsmsg says what they are).
package main

import (
	"fmt"
	"net"
	"sync"
	"syscall/js"
	"time"

	"pop3lab/sim/secure"
	"pop3lab/sim/secure/stdtls"
	"pop3lab/wasm/tlsmsg"
)

func main() {
	port := js.Global().Get("pop3labTLS")
	l := &layer{reply: port.Get("reply"), conns: map[int]*end{}, tls: stdtls.Layer(nil)}
	port.Call("serve", js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer func() {
			if r := recover(); r != nil {
				l.send(tlsmsg.Message{Op: tlsmsg.OpFailed, Err: fmt.Errorf("the TLS layer failed: %v", r)})
			}
		}()
		l.receive(args[0])
		return nil
	}))
	// The simulated server's certificate, now, so that the first
	// handshake does not wait for it (a handshake reports an error).
	stdtls.SharedCertificate()
	select {}
}

// layer is this program's connections, by the app's id.
type layer struct {
	reply js.Value // pop3labTLS.reply
	tls   secure.Layer

	mu    sync.Mutex
	conns map[int]*end
}

// end is one connection: the TLS end, and the raw connection it runs on,
// which lives in the app.
type end struct {
	l   *layer
	id  int
	raw *remote
	tc  secure.Conn
}

func (l *layer) send(m tlsmsg.Message) { l.reply.Invoke(m.Value()) }

// receive takes one message from the app. It never waits: calls run in
// goroutines of their own.
func (l *layer) receive(v js.Value) {
	m := tlsmsg.Read(v)
	l.mu.Lock()
	e := l.conns[m.ID]
	l.mu.Unlock()
	switch m.Op {
	case tlsmsg.OpOpen:
		e = &end{l: l, id: m.ID}
		e.raw = &remote{e: e, answers: make(chan tlsmsg.Message, 1)}
		if m.Role == tlsmsg.RoleServer {
			e.tc = l.tls.Server()(e.raw)
		} else {
			e.tc = l.tls.Client(keyLog{e})(e.raw)
		}
		l.mu.Lock()
		l.conns[m.ID] = e
		l.mu.Unlock()
	case tlsmsg.OpRaw:
		if e != nil {
			e.raw.answers <- m // one read at a time: crypto/tls holds its input lock
		}
	case tlsmsg.OpCall:
		if e == nil {
			l.send(tlsmsg.Message{Op: tlsmsg.OpDone, ID: m.ID, Seq: m.Seq, Err: net.ErrClosed})
			return
		}
		go e.call(m)
	}
}

// call runs one method of the TLS connection and answers it.
func (e *end) call(m tlsmsg.Message) {
	answer := tlsmsg.Message{Op: tlsmsg.OpDone, ID: e.id, Seq: m.Seq}
	switch m.Call {
	case tlsmsg.CallHandshake:
		answer.Err = e.tc.Handshake()
	case tlsmsg.CallRead:
		buf := make([]byte, m.N)
		n, err := e.tc.Read(buf)
		answer.Data, answer.Err = buf[:n], err
	case tlsmsg.CallWrite:
		answer.N, answer.Err = e.tc.Write(m.Data)
	case tlsmsg.CallClose:
		answer.Err = e.tc.Close()
		e.l.mu.Lock()
		delete(e.l.conns, e.id)
		e.l.mu.Unlock()
	}
	if st, ok := e.tc.State(); ok {
		answer.State = &st
	}
	e.l.send(answer)
}

// remote is the raw connection as the TLS end sees it: reads ask the app
// for what its end of the simulated wire has, writes go to it. The app
// sets the deadlines and closes it.
type remote struct {
	e       *end
	answers chan tlsmsg.Message // OpRaw
}

func (r *remote) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.e.l.send(tlsmsg.Message{Op: tlsmsg.OpNeed, ID: r.e.id, N: len(p)})
	a := <-r.answers
	return copy(p, a.Data), a.Err
}

func (r *remote) Write(p []byte) (int, error) {
	r.e.l.send(tlsmsg.Message{Op: tlsmsg.OpWrite, ID: r.e.id, Data: p})
	return len(p), nil
}

func (r *remote) Close() error                     { return nil }
func (r *remote) LocalAddr() net.Addr              { return addr{} }
func (r *remote) RemoteAddr() net.Addr             { return addr{} }
func (r *remote) SetDeadline(time.Time) error      { return nil }
func (r *remote) SetReadDeadline(time.Time) error  { return nil }
func (r *remote) SetWriteDeadline(time.Time) error { return nil }

type addr struct{}

func (addr) Network() string { return "pop3lab" }
func (addr) String() string  { return "the app's simulated wire" }

// keyLog hands the client's key log lines to the app.
type keyLog struct{ e *end }

func (k keyLog) Write(p []byte) (int, error) {
	k.e.l.send(tlsmsg.Message{Op: tlsmsg.OpKeyLog, ID: k.e.id, Data: p})
	return len(p), nil
}
