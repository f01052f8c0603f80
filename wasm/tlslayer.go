//go:build js && wasm

package main

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall/js"
	"time"

	"pop3lab/sim/secure"
	"pop3lab/wasm/tlsmsg"
)

// This file is the app's TLS layer (secure.Layer): crypto/tls runs in a
// second program, tls.wasm (./wasm/tls), which the loader starts when the
// first message goes to it, and which this file warms after the page is
// usable. The records cross the app's simulated wire as they do with
// crypto/tls in this program: the second program asks for raw octets when
// its TLS end reads, and hands over what it writes, so the wire sees each
// end read and write just when crypto/tls would.

// bridgeLayer is the app's TLS layer over pop3labTLS.
type bridgeLayer struct {
	port js.Value // the loader's pop3labTLS

	mu    sync.Mutex
	next  int
	conns map[int]*bridgeConn
}

// newBridgeLayer listens to pop3labTLS; nil when the page has none.
func newBridgeLayer() *bridgeLayer {
	port := js.Global().Get("pop3labTLS")
	if !port.Truthy() {
		return nil
	}
	b := &bridgeLayer{port: port, conns: map[int]*bridgeConn{}}
	port.Call("listen", jsFunc(func(args []js.Value) any {
		b.receive(args[0])
		return nil
	}))
	return b
}

// warm loads the second program now, so that the first handshake does not
// wait for its download and start-up.
func (b *bridgeLayer) warm() { b.port.Call("preload") }

func (b *bridgeLayer) Server() secure.Server {
	return func(raw net.Conn) secure.Conn { return b.open(raw, tlsmsg.RoleServer, nil) }
}

func (b *bridgeLayer) Client(keyLog io.Writer) secure.Client {
	return func(raw net.Conn) secure.Conn { return b.open(raw, tlsmsg.RoleClient, keyLog) }
}

func (b *bridgeLayer) open(raw net.Conn, role string, keyLog io.Writer) *bridgeConn {
	b.mu.Lock()
	b.next++
	c := &bridgeConn{b: b, id: b.next, raw: raw, keyLog: keyLog, pending: map[int]chan result{}, wake: make(chan struct{}, 1)}
	b.conns[c.id] = c
	b.mu.Unlock()
	spawn(c.dispatch)
	b.send(tlsmsg.Message{Op: tlsmsg.OpOpen, ID: c.id, Role: role})
	return c
}

func (b *bridgeLayer) send(m tlsmsg.Message) { b.port.Call("send", m.Value()) }

// receive takes one message of the second program, in a JavaScript
// callback: it only queues it for the connection's dispatcher.
func (b *bridgeLayer) receive(v js.Value) {
	m := tlsmsg.Read(v)
	if m.Op == tlsmsg.OpFailed {
		if m.Err == nil {
			m.Err = errors.New("the TLS layer stopped")
		}
		b.mu.Lock()
		conns := b.conns
		b.conns = map[int]*bridgeConn{}
		b.mu.Unlock()
		for _, c := range conns {
			c.fail(m.Err)
		}
		return
	}
	b.mu.Lock()
	c := b.conns[m.ID]
	b.mu.Unlock()
	if c == nil {
		return
	}
	c.mu.Lock()
	c.inbox = append(c.inbox, m)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

type result struct {
	n    int
	data []byte
	err  error
}

// bridgeConn is one TLS end whose state is in the second program; raw is
// its connection on the simulated wire.
type bridgeConn struct {
	b      *bridgeLayer
	id     int
	raw    net.Conn
	keyLog io.Writer
	wake   chan struct{}

	mu      sync.Mutex
	inbox   []tlsmsg.Message
	seq     int
	pending map[int]chan result
	state   *secure.State
	err     error // the layer failed
	done    bool  // closed: the dispatcher stops
}

// dispatch handles the connection's messages in the order they came: a
// raw write before the answer of the call that made it.
func (c *bridgeConn) dispatch() {
	for {
		<-c.wake
		c.mu.Lock()
		batch := c.inbox
		c.inbox = nil
		stop := c.done && len(c.pending) == 0
		c.mu.Unlock()
		for _, m := range batch {
			switch m.Op {
			case tlsmsg.OpWrite:
				c.raw.Write(m.Data) // the wire never waits for its reader
			case tlsmsg.OpKeyLog:
				if c.keyLog != nil {
					c.keyLog.Write(m.Data)
				}
			case tlsmsg.OpNeed:
				buf := make([]byte, m.N)
				spawn(func() {
					n, err := c.raw.Read(buf)
					c.b.send(tlsmsg.Message{Op: tlsmsg.OpRaw, ID: c.id, Data: buf[:n], Err: err})
				})
			case tlsmsg.OpDone:
				c.mu.Lock()
				if m.State != nil {
					c.state = m.State
				}
				ch := c.pending[m.Seq]
				delete(c.pending, m.Seq)
				c.mu.Unlock()
				if ch != nil {
					ch <- result{m.N, m.Data, m.Err}
				}
			}
		}
		if stop {
			return
		}
	}
}

// call makes one call on the TLS end and waits for its answer.
func (c *bridgeConn) call(call string, n int, data []byte) result {
	ch := make(chan result, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return result{err: c.err}
	}
	c.seq++
	seq := c.seq
	c.pending[seq] = ch
	c.mu.Unlock()
	c.b.send(tlsmsg.Message{Op: tlsmsg.OpCall, ID: c.id, Seq: seq, Call: call, N: n, Data: data})
	return <-ch
}

// fail answers every waiting call with err, and every call to come.
func (c *bridgeConn) fail(err error) {
	err = errors.New("TLS is not available: " + err.Error())
	c.mu.Lock()
	c.err = err
	pending := c.pending
	c.pending = map[int]chan result{}
	c.mu.Unlock()
	for _, ch := range pending {
		ch <- result{err: err}
	}
}

func (c *bridgeConn) Handshake() error { return c.call(tlsmsg.CallHandshake, 0, nil).err }

func (c *bridgeConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r := c.call(tlsmsg.CallRead, len(p), nil)
	return copy(p, r.data), r.err
}

func (c *bridgeConn) Write(p []byte) (int, error) {
	r := c.call(tlsmsg.CallWrite, len(p), p)
	return r.n, r.err
}

// Close sends close_notify (the second program writes it to the wire
// before it answers), then closes the raw connection.
func (c *bridgeConn) Close() error {
	err := c.call(tlsmsg.CallClose, 0, nil).err
	c.mu.Lock()
	c.done = true
	c.mu.Unlock()
	c.b.mu.Lock()
	delete(c.b.conns, c.id)
	c.b.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	if rerr := c.raw.Close(); err == nil {
		err = rerr
	}
	return err
}

func (c *bridgeConn) State() (secure.State, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == nil {
		return secure.State{}, false
	}
	return *c.state, true
}

func (c *bridgeConn) LocalAddr() net.Addr                { return c.raw.LocalAddr() }
func (c *bridgeConn) RemoteAddr() net.Addr               { return c.raw.RemoteAddr() }
func (c *bridgeConn) SetDeadline(t time.Time) error      { return c.raw.SetDeadline(t) }
func (c *bridgeConn) SetReadDeadline(t time.Time) error  { return c.raw.SetReadDeadline(t) }
func (c *bridgeConn) SetWriteDeadline(t time.Time) error { return c.raw.SetWriteDeadline(t) }
