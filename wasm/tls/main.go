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
				l.send(map[string]any{"op": tlsmsg.OpFailed, "text": fmt.Sprint("the TLS layer failed: ", r)})
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

func (l *layer) send(m map[string]any) { l.reply.Invoke(js.ValueOf(m)) }

// receive takes one message from the app. It never waits: calls run in
// goroutines of their own.
func (l *layer) receive(m js.Value) {
	id := m.Get("id").Int()
	l.mu.Lock()
	e := l.conns[id]
	l.mu.Unlock()
	switch op := m.Get("op").String(); op {
	case tlsmsg.OpOpen:
		e = &end{l: l, id: id}
		e.raw = &remote{e: e, answers: make(chan answer, 1)}
		if m.Get("role").String() == tlsmsg.RoleServer {
			e.tc = l.tls.Server()(e.raw)
		} else {
			e.tc = l.tls.Client(keyLog{e})(e.raw)
		}
		l.mu.Lock()
		l.conns[id] = e
		l.mu.Unlock()
	case tlsmsg.OpRaw:
		if e != nil {
			e.raw.answers <- answer{data: bytesOf(m.Get("data")), err: tlsmsg.Decode(m.Get("kind").String(), m.Get("text").String())}
		}
	case tlsmsg.OpCall:
		call, seq := m.Get("call").String(), m.Get("seq").Int()
		var data []byte
		if call == tlsmsg.CallWrite {
			data = bytesOf(m.Get("data"))
		}
		n := m.Get("n").Int()
		if e == nil {
			l.send(done(id, seq, 0, nil, net.ErrClosed, nil))
			return
		}
		go e.call(call, seq, n, data)
	}
}

// call runs one method of the TLS connection and answers it.
func (e *end) call(call string, seq, n int, data []byte) {
	var out []byte
	var err error
	switch call {
	case tlsmsg.CallHandshake:
		err = e.tc.Handshake()
	case tlsmsg.CallRead:
		buf := make([]byte, n)
		n, err = e.tc.Read(buf)
		out = buf[:n]
	case tlsmsg.CallWrite:
		n, err = e.tc.Write(data)
	case tlsmsg.CallClose:
		err = e.tc.Close()
		e.l.mu.Lock()
		delete(e.l.conns, e.id)
		e.l.mu.Unlock()
	}
	var st *secure.State
	if s, ok := e.tc.State(); ok {
		st = &s
	}
	e.l.send(done(e.id, seq, n, out, err, st))
}

func done(id, seq, n int, data []byte, err error, st *secure.State) map[string]any {
	kind, text := tlsmsg.Encode(err)
	m := map[string]any{"op": tlsmsg.OpDone, "id": id, "seq": seq, "n": n, "kind": kind, "text": text}
	if data != nil {
		m["data"] = jsBytes(data)
	}
	if st != nil {
		m["state"] = map[string]any{
			"version": int(st.Version), "cipherSuite": int(st.CipherSuite),
			"versionName": st.VersionName, "cipherSuiteName": st.CipherSuiteName,
		}
	}
	return m
}

// remote is the raw connection as the TLS end sees it: reads ask the app
// for what its end of the simulated wire has, writes go to it. The app
// sets the deadlines and closes it.
type remote struct {
	e       *end
	answers chan answer
}

type answer struct {
	data []byte
	err  error
}

func (r *remote) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.e.l.send(map[string]any{"op": tlsmsg.OpNeed, "id": r.e.id, "n": len(p)})
	a := <-r.answers
	return copy(p, a.data), a.err
}

func (r *remote) Write(p []byte) (int, error) {
	r.e.l.send(map[string]any{"op": tlsmsg.OpWrite, "id": r.e.id, "data": jsBytes(p)})
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
	k.e.l.send(map[string]any{"op": tlsmsg.OpKeyLog, "id": k.e.id, "data": jsBytes(p)})
	return len(p), nil
}

func jsBytes(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

func bytesOf(v js.Value) []byte {
	if v.IsUndefined() || v.IsNull() {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}
