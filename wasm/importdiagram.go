//go:build js && wasm

package main

import (
	"fmt"

	"pop3lab/sim/annotate"
	"pop3lab/sim/capture"
	"pop3lab/sim/keylog"
	"pop3lab/wasm/view"
)

// importedDiagram is the capture the sequence diagram shows instead of
// the simulation, read-only; nil when it shows the simulation, whose
// own list keeps growing, hidden, meanwhile.
var importedDiagram *importedArrows

// importedArrows are an imported capture's arrows.
type importedArrows struct {
	imp    *capture.Imported
	arrows []view.Arrow
}

// showImportedDiagram draws an imported capture's commands and responses
// in the diagram pane, in a list of its own, marked as imported. The byte
// view must show imp: the arrows come from its annotations.
func (a *app) showImportedDiagram(imp *capture.Imported) {
	recs := make([][]annotate.Record, len(imp.Conns))
	for i := range recs {
		recs[i] = theByteView.records(a.sim, i+1)
	}
	// A key log that does not parse leaves the TLS records as they are.
	log, _ := keylog.Parse(imp.KeyLog)
	arrows, more := view.ImportedArrows(recs, log)
	importedDiagram = &importedArrows{imp, arrows}
	list := a.byID("sequence-imported")
	clearChildren(list)
	for _, ar := range arrows {
		appendNode(list, a.arrowItem(ar))
	}
	if li := firstElement(list); li != nil {
		a.setArrowTabStop(firstElement(li))
	}
	note := fmt.Sprintf("Imported capture, read-only: %d connections, %d commands, responses and TLS runs.", len(imp.Conns), len(arrows))
	if more > 0 {
		note += fmt.Sprintf(" The first %d are drawn; %d more are in the byte view.", len(arrows), more)
	}
	a.byID("imported-note").SetTextContent(note)
	a.byID("imported-head").RemoveAttribute("hidden")
	list.RemoveAttribute("hidden")
	a.byID("sequence").SetAttribute("hidden", "")
	a.byID("sequence-dropped").SetAttribute("hidden", "")
	a.doc.DocumentElement().Underlying().Get("dataset").Set("importedArrows", len(arrows))
}

// showImportedArrow opens the segment that carried imported arrow n in
// the byte view, showing the imported capture again if the view had
// moved on to another source.
func (a *app) showImportedArrow(n int) {
	d := importedDiagram
	if d == nil || n < 0 || n >= len(d.arrows) {
		return
	}
	ar := d.arrows[n]
	if theByteView.imported != d.imp {
		theByteView.imported, theByteView.conns = d.imp, nil
		theByteView.source = "imported capture, read-only"
	}
	theByteView.v = view.NewByteView(ar.Conn, theByteView.records(a.sim, ar.Conn), ar.Seg)
	a.drawByteView()
	a.byID("arrow-bytes").SetTextContent(ar.Label() + " · imported capture, connection " + fmt.Sprint(ar.Conn))
}

// leaveImportedDiagram shows the simulation's diagram again.
func (a *app) leaveImportedDiagram() {
	if importedDiagram == nil {
		return
	}
	importedDiagram = nil
	clearChildren(a.byID("sequence-imported"))
	a.byID("sequence-imported").SetAttribute("hidden", "")
	a.byID("imported-head").SetAttribute("hidden", "")
	a.byID("sequence").RemoveAttribute("hidden")
	a.drawDiagram()
	a.doc.DocumentElement().Underlying().Get("dataset").Delete("importedArrows")
}
