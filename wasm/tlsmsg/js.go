//go:build js && wasm

package tlsmsg

import (
	"syscall/js"

	"pop3lab/sim/secure"
)

// Message is one message between the app and its TLS layer; each side
// fills the fields its operation uses.
type Message struct {
	Op   string
	ID   int    // the connection
	Seq  int    // OpCall, OpDone: which call
	N    int    // OpCall read, OpNeed: at most this many octets; OpDone: octets written
	Call string // OpCall
	Role string // OpOpen
	Data []byte // OpCall write, OpRaw, OpWrite, OpKeyLog, OpDone read
	Err  error  // OpRaw, OpDone, OpFailed
	// State is what the handshake agreed, in OpDone once it finished.
	State *secure.State
}

// Value is m as the JavaScript object the loader carries.
func (m Message) Value() js.Value {
	kind, text := Encode(m.Err)
	o := map[string]any{"op": m.Op, "id": m.ID, "seq": m.Seq, "n": m.N, "call": m.Call, "role": m.Role, "kind": kind, "text": text}
	if m.Data != nil {
		a := js.Global().Get("Uint8Array").New(len(m.Data))
		js.CopyBytesToJS(a, m.Data)
		o["data"] = a
	}
	if st := m.State; st != nil {
		o["state"] = map[string]any{
			"version": int(st.Version), "cipherSuite": int(st.CipherSuite),
			"versionName": st.VersionName, "cipherSuiteName": st.CipherSuiteName,
		}
	}
	return js.ValueOf(o)
}

// Read is the Message that v, made by Value or by the loader, carries.
func Read(v js.Value) Message {
	m := Message{
		Op: stringOf(v.Get("op")), ID: intOf(v.Get("id")), Seq: intOf(v.Get("seq")), N: intOf(v.Get("n")),
		Call: stringOf(v.Get("call")), Role: stringOf(v.Get("role")),
		Err: Decode(stringOf(v.Get("kind")), stringOf(v.Get("text"))),
	}
	if d := v.Get("data"); d.Truthy() {
		m.Data = make([]byte, d.Get("length").Int())
		js.CopyBytesToGo(m.Data, d)
	}
	if st := v.Get("state"); st.Truthy() {
		m.State = &secure.State{
			Version: uint16(intOf(st.Get("version"))), CipherSuite: uint16(intOf(st.Get("cipherSuite"))),
			VersionName: stringOf(st.Get("versionName")), CipherSuiteName: stringOf(st.Get("cipherSuiteName")),
		}
	}
	return m
}

func intOf(v js.Value) int {
	if v.Type() != js.TypeNumber {
		return 0
	}
	return v.Int()
}

func stringOf(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
