package lessons

import "pop3lab/sim/eavesdrop"

// A ByteLink is a ```bytes block: a button that runs one of the lesson's
// pop3 scenarios up to a step and opens the byte view on what an
// eavesdropper learns from the connection that step used. The block
// holds "key: value" lines:
//
//	scenario: 1          the lesson's first pop3 block (the default)
//	step: 5              run the scenario through step 5 (as the player counts)
//	show: password       what to open: one of Findings
//	caption: The password in the PASS line
//
// The app resolves "show" from the annotated bytes of the run, so a
// lesson never names byte offsets that could drift from the simulation;
// pop3lab lessons check makes sure that the connection the step used
// gives it away.
type ByteLink struct {
	// ID is "SLUG-bytes-N" for the Nth bytes block of the lesson; the
	// rendered button carries it as data-byte-link.
	ID string `json:"id"`
	// Scenario is the ID of the pop3 block to run ("SLUG-1").
	Scenario string `json:"scenario"`
	// Step is how many steps of it to run, from 1.
	Step int `json:"step"`
	// Show is what to open, one of Findings.
	Show string `json:"show"`
	// Caption is the button's text.
	Caption string `json:"caption"`
	// Line is the markdown line of the block's opening fence.
	Line int `json:"line"`
}

// Findings are what a bytes block can show: the things an eavesdropper
// learns from a connection, as the side-by-side comparison names them.
var Findings = eavesdrop.Names
