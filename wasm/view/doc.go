// Package view holds the browser app's logic that needs no DOM: which
// commands are valid in a state, command completion and history, hex and
// text renderings of wire bytes, and the saved-session format. The wasm
// program renders with it; its tests run natively and under Node.
package view
