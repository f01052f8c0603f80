//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"

	"honnef.co/go/js/dom/v2"

	"pop3lab/sim"
	"pop3lab/sim/pop3"
	"pop3lab/sim/wire"
	"pop3lab/wasm/view"
)

// Limits that keep the page fast with a 2 MB message on the wire.
const (
	maxBodyLines    = 300 // terminal lines shown of one body
	termKeep        = 500 // terminal entries (a line, or a body) shown; older ones are counted
	reportKeep      = 200 // lines of the mail client's report shown
	wirePage        = 400 // wire rows drawn at first; older ones one click away
	maxPayloadShown = 4096
)

// resetPanels empties every panel rendered from the event log.
func (a *app) resetPanels() {
	a.resetRender()
	a.serverSig, a.localSig = "", ""
	for _, id := range []string{"terminal-log", "wire-log", "client-report", "arrow-bytes", "sequence"} {
		clearChildren(a.byID(id))
	}
	conns := a.byID("wire-conn")
	for childCount(conns) > 1 {
		conns.RemoveChild(lastElement(conns))
	}
	a.wireFilter = view.WireFilter{}
	for _, id := range []string{"wire-conn", "wire-dir", "wire-only"} {
		a.byID(id).Underlying().Set("selectedIndex", 0)
	}
	a.byID("wire-earlier").SetAttribute("hidden", "")
	a.byID("wire-count").SetTextContent("")
	a.byID("terminal-dropped").SetAttribute("hidden", "")
}

// renderAll renders the whole log and the snapshot.
func (a *app) renderAll() {
	a.renderNew()
	a.updateControls()
}

// renderNew renders the events since the last call, then the snapshot.
func (a *app) renderNew() {
	events := a.sim.Events(a.rendered)
	// During a mail-client step the lab shows one command per press: the
	// log up to it, and the state it is in, not the state at the end.
	partial := false
	if a.player != nil {
		if n := a.player.Shown(); n >= 0 && a.rendered+len(events) > n {
			events, partial = events[:max(0, n-a.rendered)], true
		}
	}
	for _, e := range events {
		a.renderEvent(e)
	}
	a.events = append(a.events, events...)
	a.rendered += len(events)
	if len(events) > 0 {
		a.syncWire()
		a.flushTerminal()
		if a.report.flush(a.byID("client-report")) {
			scrollToEnd(a.byID("client-report"))
		}
		a.drawDiagram()
	}
	if partial {
		a.renderStates(a.shownState)
		return
	}
	a.renderSnapshot()
	a.gradeChallenge()
}

// renderEvent renders one event into the panels it concerns.
func (a *app) renderEvent(e sim.Event) {
	switch e.Kind {
	case sim.EvState:
		a.shownState = e.State
	case sim.EvCommit:
		// The server commits before it answers QUIT; the terminal says
		// so right after the answer, so the transcript reads C:, S:.
		if a.termConns[e.Conn] {
			a.commitNote = "-- " + e.Text
		}
	case sim.EvSession:
		if e.Who == sim.WhoTerminal {
			a.termConns[e.Conn] = true
		}
		if a.termConns[e.Conn] {
			a.termLine("sys", "-- "+e.Text)
		}
	case sim.EvCommand:
		if a.termConns[e.Conn] {
			a.termLine("c", "C: "+e.Text)
		}
		a.diagram.Add(e)
		a.wire.Add(e)
	case sim.EvResponse:
		if a.termConns[e.Conn] {
			cls := "s"
			if e.Status == pop3.IndicatorERR {
				cls = "s err"
			}
			a.termLine(cls, "S: "+e.Text)
			if a.commitNote != "" {
				a.termLine("sys update", a.commitNote)
				a.commitNote = ""
			}
		}
		a.diagram.Add(e)
	case sim.EvBody:
		if a.termConns[e.Conn] {
			a.termBody(e)
		}
	case sim.EvTLS, sim.EvDiscard:
		if a.termConns[e.Conn] {
			a.termLine("sys", "-- "+e.Text)
		}
	case sim.EvError:
		a.termLine("s err", "!! "+e.Text)
	case sim.EvNote:
		a.termLine("note", "# "+e.Text)
	case sim.EvClock, sim.EvDelivery:
		a.termLine("sys", "-- "+e.Text)
	case sim.EvAttack:
		a.termLine("sys", "-- attacker: "+e.Text)
		a.wire.Add(e)
	case sim.EvClient:
		a.clientReport(e)
	case sim.EvSegment:
		a.diagram.Add(e)
		a.wire.Add(e)
	}
}

// termLine appends one line to the terminal, as text.
func (a *app) termLine(class, text string) {
	a.term.add(func() dom.Element { return a.el("div", text, "class", class) })
}

// flushTerminal draws the terminal's new lines, and says how many older
// ones it no longer shows.
func (a *app) flushTerminal() {
	log := a.byID("terminal-log")
	if !a.term.flush(log) {
		return
	}
	scrollToEnd(log)
	dropped := a.byID("terminal-dropped")
	if a.term.dropped == 0 {
		dropped.SetAttribute("hidden", "")
		return
	}
	dropped.SetTextContent(fmt.Sprintf("Earlier lines not shown here: %s. The transcript download has every one.", view.Thousands(a.term.dropped)))
	dropped.RemoveAttribute("hidden")
}

// termBody shows a multi-line body as it crossed, dot-stuffing included.
func (a *app) termBody(e sim.Event) {
	lines := strings.Split(strings.TrimSuffix(string(e.Data), "\r\n"), "\r\n")
	shown := lines
	if len(shown) > maxBodyLines {
		shown = shown[:maxBodyLines]
	}
	var b strings.Builder
	for _, l := range shown {
		b.WriteString("S: ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	body := strings.TrimSuffix(b.String(), "\n")
	a.term.add(func() dom.Element { return a.el("div", body, "class", "s") })
	switch {
	case e.Truncated: // the server's observer kept only the start of a big body
		a.termLine("more", fmt.Sprintf("   … the rest of this body is not shown (the first %d lines are); the pcap download has every byte", len(shown)))
	case len(lines) > len(shown):
		a.termLine("more", fmt.Sprintf("   … %d more lines not shown here; the transcript and pcap downloads have every byte", len(lines)-len(shown)))
	}
}

func (a *app) clientReport(e sim.Event) {
	cls := ""
	if e.Warning {
		cls = "warning"
	}
	a.report.add(func() dom.Element { return a.el("li", e.Text, "class", cls) })
}

// segmentItem shows what the eavesdropper sees of one segment.
func (a *app) segmentItem(e sim.Event) dom.Element {
	dir := "c2s"
	arrow := "client → server"
	if e.Dir == wire.ServerToClient {
		dir, arrow = "s2c", "server → client"
	}
	if e.Origin != wire.Sent {
		dir += " attacker-bytes"
	}
	li := a.el("li", "", "class", dir)
	meta := fmt.Sprintf("conn %d · %s · %s", e.Conn, arrow, e.Text)
	switch e.Origin {
	case wire.Rewritten:
		meta += " · REWRITTEN by the attacker"
	case wire.Injected:
		meta += " · INJECTED by the attacker"
	}
	appendNode(li, a.el("span", meta, "class", "meta"))
	if e.SegmentKind == wire.Data && len(e.Data) > 0 {
		payload := a.el("span", "", "class", "payload")
		switch {
		case a.hex:
			payload.SetTextContent(view.Hex(capBytes(e.Data)))
		case e.TLS:
			for _, u := range e.Units {
				if u.TLS {
					appendNode(payload, a.el("span", fmt.Sprintf("TLS %s · %d bytes", u.Type, u.Length), "class", "tls-record"))
				} else {
					appendText(payload, u.Line+"\n")
				}
			}
			if len(e.Units) == 0 {
				appendNode(payload, a.el("span", fmt.Sprintf("TLS data (part of a record) · %d bytes", len(e.Data)), "class", "tls-record"))
			}
		default:
			for _, p := range view.Pieces(capBytes(e.Data), e.Secrets) {
				if p.Secret {
					appendNode(payload, a.el("mark", p.Text, "class", "secret", "data-what", p.What, "title", p.What+", readable by anyone on the path"))
				} else {
					appendText(payload, p.Text)
				}
			}
			if len(e.Data) > maxPayloadShown {
				appendNode(payload, a.el("span", fmt.Sprintf("\n… %d more bytes", len(e.Data)-maxPayloadShown), "class", "meta"))
			}
		}
		appendNode(li, payload)
	}
	return li
}

func capBytes(b []byte) []byte {
	if len(b) > maxPayloadShown {
		return b[:maxPayloadShown]
	}
	return b
}

// renderSnapshot updates the panels that show state rather than history.
func (a *app) renderSnapshot() {
	snap := a.sim.Snapshot()
	html := a.doc.DocumentElement().Underlying().Get("dataset")
	html.Set("step", strconv.Itoa(snap.Step))
	html.Set("state", snap.State)

	conn := a.byID("conn-status")
	switch {
	case !snap.Connected:
		conn.SetTextContent("not connected")
		conn.SetAttribute("class", "badge")
	case snap.TLS:
		conn.SetTextContent("connected · TLS")
		conn.SetAttribute("class", "badge on tls")
	default:
		conn.SetTextContent("connected · plaintext")
		conn.SetAttribute("class", "badge on")
	}
	state := snap.State
	if !snap.Connected {
		state = ""
		if len(a.termConns) > 0 {
			state = "closed" // RFC 1939 §6: after UPDATE the connection closes
		}
	}
	a.renderStates(state)
	summary := a.byID("update-summary")
	if u := snap.LastUpdate; u != nil {
		summary.SetTextContent(view.UpdateSummary(u, len(snap.Server)))
		summary.RemoveAttribute("hidden")
		query(a.byID("state-machine"), `li[data-state="UPDATE"]`).SetAttribute("data-ran", "true")
	} else {
		summary.SetAttribute("hidden", "")
		query(a.byID("state-machine"), `li[data-state="UPDATE"]`).RemoveAttribute("data-ran")
	}
	hint := "Valid now: " + strings.Join(view.ValidCommands(state, snap.TLS), " ")
	a.byID("terminal-hint").SetTextContent(hint)

	lock := a.byID("lock-status")
	if snap.Locked {
		lock.SetTextContent("maildrop locked by a session")
		lock.SetAttribute("class", "badge on locked")
	} else {
		lock.SetTextContent("maildrop unlocked")
		lock.SetAttribute("class", "badge")
	}

	a.renderServerTable(snap)
	a.renderLocalTable(snap)
	mem := fmt.Sprintf("UID memory on %s: %d remembered.", snap.Settings.Client.Device, len(snap.Remembered))
	a.byID("uid-memory").SetTextContent(mem)
	a.byID("device-status").SetTextContent(snap.Settings.Client.Device)
	a.showSettings(snap)
}

// renderStates lights the session's state in the server panel.
func (a *app) renderStates(state string) {
	for _, li := range queryAll(a.byID("state-machine"), "li") {
		if li.GetAttribute("data-state") == state {
			li.SetAttribute("aria-current", "step")
		} else {
			li.RemoveAttribute("aria-current")
		}
	}
}

// renderServerTable shows the server maildrop; rows are rebuilt only when
// something in them changed. Clicks are handled once, on the table body
// (bindTables).
func (a *app) renderServerTable(snap sim.Snapshot) {
	var sig strings.Builder
	for _, m := range snap.Server {
		fmt.Fprintf(&sig, "%d|%s|%d|%t|%s\n", m.Number, m.UID, m.Size, m.Deleted, m.Subject)
	}
	body, rebuild := a.rebuildTable("server-maildrop", &a.serverSig, sig.String(), len(snap.Server), "The maildrop is empty.", 6)
	if !rebuild {
		return
	}
	for _, m := range snap.Server {
		tr := a.el("tr", "", "tabindex", "0", "data-uid", m.UID, "aria-label", fmt.Sprintf("Message %d, %s, open as text", m.Number, m.Subject))
		status := "on server"
		if m.Deleted {
			tr.SetAttribute("class", "deleted")
			status = "marked for deletion"
		}
		appendNode(tr, a.el("td", strconv.Itoa(m.Number), "class", "num"))
		appendNode(tr, a.el("td", view.ShortUID(m.UID), "class", "uid", "title", m.UID))
		appendNode(tr, a.el("td", view.Size(m.Size), "class", "num", "title", fmt.Sprintf("%d octets", m.Size)))
		appendNode(tr, a.el("td", view.DisplayName(m.From), "class", "from", "title", m.From))
		appendNode(tr, a.el("td", m.Subject))
		appendNode(tr, a.el("td", status, "class", "status"))
		appendNode(body, tr)
	}
}

// renderLocalTable shows the mail client's mailbox, when it changed.
func (a *app) renderLocalTable(snap sim.Snapshot) {
	var sig strings.Builder
	fmt.Fprintf(&sig, "%s\n", snap.Settings.Client.Device)
	for _, m := range snap.Local {
		fmt.Fprintf(&sig, "%s|%d\n", m.UID, m.Size)
	}
	local, rebuild := a.rebuildTable("local-mailbox", &a.localSig, sig.String(), len(snap.Local), "Nothing downloaded on this device yet.", 3)
	if !rebuild {
		return
	}
	for _, m := range snap.Local {
		tr := a.el("tr", "", "tabindex", "0", "data-local-uid", m.UID, "aria-label", "Downloaded message "+m.Subject+", open as text")
		appendNode(tr, a.el("td", view.DisplayName(m.From), "class", "from", "title", m.From))
		appendNode(tr, a.el("td", m.Subject))
		appendNode(tr, a.el("td", view.Size(m.Size), "class", "num"))
		appendNode(local, tr)
	}
}

// rebuildTable readies a table body for new rows when what it shows (sig)
// changed: it empties it, or shows the empty text when there are no rows.
// It reports whether the caller must add the rows.
func (a *app) rebuildTable(id string, last *string, sig string, rows int, empty string, cols int) (dom.Element, bool) {
	body := query(a.byID(id), "tbody")
	if sig == *last && body.HasChildNodes() {
		return body, false
	}
	*last = sig
	clearChildren(body)
	if rows == 0 {
		tr := a.el("tr", "")
		appendNode(tr, a.el("td", empty, "colspan", strconv.Itoa(cols), "class", "empty"))
		appendNode(body, tr)
	}
	return body, rows > 0
}

// bindTables opens a message when its row is clicked or activated by
// keyboard: one listener per table, whatever the rows.
func (a *app) bindTables() {
	for _, id := range []string{"server-maildrop", "local-mailbox"} {
		a.onActivateWithin(query(a.byID(id), "tbody"), "tr", func(row dom.Element) {
			if uid := row.GetAttribute("data-uid"); uid != "" {
				a.showMessage("Server message "+uid, func() ([]byte, error) { return a.sim.ServerMessageText(uid) })
			} else if uid := row.GetAttribute("data-local-uid"); uid != "" {
				a.showMessage("Downloaded message", func() ([]byte, error) { return a.sim.LocalMessageText(uid) })
			}
		})
	}
}

// showMessage opens a message in the dialog, strictly as text: a message
// holding <script> shows those characters and runs nothing.
func (a *app) showMessage(title string, read func() ([]byte, error)) {
	b, err := read()
	text := string(b)
	if err != nil {
		text = "The message could not be read: " + err.Error()
	}
	a.byID("message-title").SetTextContent(title)
	a.byID("message-text").SetTextContent(text)
	d := a.byID("message-dialog").Underlying()
	if !d.Get("open").Bool() {
		d.Call("showModal")
	}
}

// showSettings mirrors the settings into the form controls.
func (a *app) showSettings(snap sim.Snapshot) {
	c := snap.Settings.Client
	setValue(a.byID("set-auth"), c.Auth.Keyword())
	setValue(a.byID("set-tls"), c.TLS.Keyword())
	setChecked(a.byID("set-leave"), c.LeaveOnServer)
	setValue(a.byID("set-days"), strconv.Itoa(c.DeleteAfterDays))
	setValue(a.byID("set-device"), c.Device)
	setChecked(a.byID("unsafe-stls"), snap.Settings.Server.UnsafeSTLS)
	setValue(a.byID("attack-mode"), string(snap.Attack))
}

// updateControls enables what makes sense now.
func (a *app) updateControls() {
	canStep := a.player != nil && !a.player.Finished() && !a.explored
	setDisabled(a.byID("btn-step"), !canStep)
	setDisabled(a.byID("btn-play"), !canStep)
	play := a.byID("btn-play")
	if a.playing {
		play.SetTextContent("❚❚ Pause")
		play.SetAttribute("aria-pressed", "true")
	} else {
		play.SetTextContent("▶ Play")
		play.SetAttribute("aria-pressed", "false")
	}
	back := a.player != nil || a.undo.CanBack(view.Sandbox{Seed: a.seed, Actions: a.sim.Actions()})
	setDisabled(a.byID("btn-back"), !back)
}

// enable switches every control on once the simulator runs.
func (a *app) enable(on bool) {
	for _, id := range []string{"btn-reset", "btn-transcript", "btn-pcap", "mask-secrets", "speed", "terminal-input", "terminal-send",
		"predict", "btn-presenter", "btn-notes", "btn-share", "editor-source",
		"btn-getmail", "btn-preview", "set-auth", "set-tls", "set-leave", "set-days", "set-device", "wire-hex",
		"attack-mode", "attack-line", "unsafe-stls", "btn-replay"} {
		setDisabled(a.byID(id), !on)
	}
	a.updateControls()
}
