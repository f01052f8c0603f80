//go:build js && wasm

package main

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// el creates an element with attributes (name, value pairs) and text. Text
// is always set as text: message content never becomes HTML.
func (a *app) el(tag string, text string, attrs ...string) dom.Element {
	v := a.doc.Underlying().Call("createElement", toJSString(tag))
	setAttrs(v, attrs)
	if text != "" {
		v.Set("textContent", toJSString(text))
	}
	return element(v)
}

// svg creates an SVG element.
func (a *app) svg(tag string, attrs ...string) dom.Element {
	v := a.doc.Underlying().Call("createElementNS", toJSString("http://www.w3.org/2000/svg"), toJSString(tag))
	setAttrs(v, attrs)
	return element(v)
}

func setAttrs(v js.Value, attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		v.Call("setAttribute", toJSString(attrs[i]), toJSString(attrs[i+1]))
	}
}

// appendNode appends child to parent. Node.append, unlike appendChild,
// returns nothing: a returned node would be one more value for Go to
// track (see toJSString).
func appendNode(parent, child dom.Node) {
	parent.Underlying().Call("append", child.Underlying())
}

// appendText appends text to parent as a text node.
func appendText(parent dom.Node, text string) {
	parent.Underlying().Call("append", toJSString(text))
}

// toJSString returns s as a JavaScript string. Every Go string passed to
// JavaScript otherwise becomes a new JavaScript value that Go tracks with
// a finalizer, and registering a finalizer costs more the more of them
// are alive (the runtime keeps them in one sorted list per span). The
// panels of a long session pass tens of thousands of strings at start-up,
// most of them the same tag names, attribute names, classes and labels:
// the short ones are kept, up to keptStringsMax of them.
func toJSString(s string) js.Value {
	if v, ok := keptStrings[s]; ok {
		return v
	}
	v := js.ValueOf(s)
	if len(s) <= keptStringMaxLen && len(keptStrings) < keptStringsMax {
		keptStrings[s] = v
	}
	return v
}

const (
	keptStringsMax   = 4096
	keptStringMaxLen = 64
)

var keptStrings = make(map[string]js.Value)

// byID returns the element with the given id; the shell guarantees it.
// Elements are kept once found: looking one up and wrapping it costs
// several calls into JavaScript, and the panels ask for the same few
// hundreds of times. A kept element that left the page (a lesson pane
// rebuilt) is looked up again.
func (a *app) byID(id string) dom.Element {
	if e, ok := a.ids[id]; ok && e.Underlying().Get("isConnected").Bool() {
		return e
	}
	e := element(a.doc.Underlying().Call("getElementById", id))
	if e == nil {
		panic("pop3lab: page element #" + id + " is missing")
	}
	if a.ids == nil {
		a.ids = make(map[string]dom.Element)
	}
	a.ids[id] = e
	return e
}

func clearChildren(e dom.Element) {
	for e.HasChildNodes() {
		e.RemoveChild(e.FirstChild())
	}
}

func setDisabled(e dom.Element, off bool) {
	if off {
		e.SetAttribute("disabled", "")
	} else {
		e.RemoveAttribute("disabled")
	}
}

func value(e dom.Element) string { return e.Underlying().Get("value").String() }

func setValue(e dom.Element, v string) { e.Underlying().Set("value", v) }

func checked(e dom.Element) bool { return e.Underlying().Get("checked").Bool() }

func setChecked(e dom.Element, on bool) { e.Underlying().Set("checked", on) }

// scrollToEnd keeps a log showing its newest line. The scroll waits for
// the next frame: reading the log's height at once would make the browser
// lay the page out in the middle of an action's changes, and again for the
// frame; in the frame the page is laid out once.
func scrollToEnd(e dom.Element) {
	u := e.Underlying()
	for _, p := range pendingScrolls {
		if p.Equal(u) {
			return
		}
	}
	pendingScrolls = append(pendingScrolls, u)
	if len(pendingScrolls) == 1 {
		js.Global().Call("requestAnimationFrame", scrollFrame)
	}
}

// pendingScrolls are the logs to scroll to their end in the next frame.
var pendingScrolls []js.Value

var scrollFrame = jsFunc(func([]js.Value) any {
	for _, u := range pendingScrolls {
		u.Set("scrollTop", u.Get("scrollHeight"))
	}
	pendingScrolls = pendingScrolls[:0]
	return nil
})

// download offers bytes as a file.
func (a *app) download(name, mime string, data []byte) {
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	blob := js.Global().Get("Blob").New([]any{arr}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	link := a.el("a", "", "href", url.String(), "download", name)
	a.doc.Underlying().Get("body").Call("appendChild", link.Underlying())
	link.Underlying().Call("click")
	link.Remove()
	// Revoking at once can cancel the download in some browsers: later.
	var revoke js.Func
	revoke = jsFunc(func([]js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	js.Global().Call("setTimeout", revoke, 60000)
}

// confirmDialog asks a yes/no question with the browser's dialog.
func confirmDialog(question string) bool {
	return js.Global().Call("confirm", question).Bool()
}

// fetchText GETs a URL relative to the page and returns its body. It
// blocks its goroutine until the answer (never call it in a callback).
func fetchText(url string) (string, bool) {
	fetch := js.Global().Get("fetch")
	if !fetch.Truthy() {
		return "", false
	}
	type result struct {
		text string
		ok   bool
	}
	done := make(chan result, 1)
	var onResp, onText, onFail js.Func
	onFail = jsFunc(func([]js.Value) any { done <- result{}; return nil })
	onText = jsFunc(func(args []js.Value) any { done <- result{args[0].String(), true}; return nil })
	onResp = jsFunc(func(args []js.Value) any {
		if !args[0].Get("ok").Bool() {
			done <- result{}
			return nil
		}
		args[0].Call("text").Call("then", onText, onFail)
		return nil
	})
	defer onResp.Release()
	defer onText.Release()
	defer onFail.Release()
	fetch.Invoke(url, map[string]any{"cache": "no-cache"}).Call("then", onResp, onFail)
	r := <-done
	return r.text, r.ok
}

// childCount is the number of element children of e.
func childCount(e dom.Element) int { return e.Underlying().Get("childElementCount").Int() }

// firstElement and lastElement return e's first and last element
// children, or nil.
func firstElement(e dom.Element) dom.Element {
	return wrapOrNil(e.Underlying().Get("firstElementChild"))
}

func lastElement(e dom.Element) dom.Element { return wrapOrNil(e.Underlying().Get("lastElementChild")) }

func wrapOrNil(v js.Value) dom.Element {
	if v.Type() != js.TypeObject {
		return nil
	}
	return element(v)
}

// query returns the first element inside e that matches selector, or nil.
func query(e dom.Element, selector string) dom.Element {
	return element(e.Underlying().Call("querySelector", selector))
}

// queryAll returns the elements inside e that match selector.
func queryAll(e dom.Element, selector string) []dom.Element {
	list := e.Underlying().Call("querySelectorAll", selector)
	out := make([]dom.Element, list.Length())
	for i := range out {
		out[i] = element(list.Index(i))
	}
	return out
}

// element wraps a JavaScript element (HTML or SVG) as a dom.Element, or
// returns nil for null. dom/v2's own wrapping looks for the element's most
// specific type by comparing its constructor with up to 70 globals, each
// a call into JavaScript and a js.Value with a finalizer; the app uses only
// what every element has, so it skips that search.
func element(v js.Value) dom.Element {
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	return &dom.BasicHTMLElement{BasicElement: &dom.BasicElement{BasicNode: &dom.BasicNode{Value: v}}}
}
