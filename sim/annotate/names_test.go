package annotate

import (
	"crypto/tls"
	"testing"
)

// TestCipherSuitesAreCryptoTLSs: the table of suites names exactly the
// suites crypto/tls names, and marks insecure exactly those it counts as
// insecure.
func TestCipherSuitesAreCryptoTLSs(t *testing.T) {
	want := map[uint16]bool{}
	for _, s := range tls.CipherSuites() {
		want[s.ID] = false
	}
	for _, s := range tls.InsecureCipherSuites() {
		want[s.ID] = true
	}
	if len(cipherSuites) != len(want) {
		t.Errorf("the table has %d suites, crypto/tls %d", len(cipherSuites), len(want))
	}
	for id, insecure := range want {
		s, ok := cipherSuites[id]
		if !ok || s.name != tls.CipherSuiteName(id) || s.insecure != insecure {
			t.Errorf("0x%04x: table %+v (%v), crypto/tls %q insecure %v", id, s, ok, tls.CipherSuiteName(id), insecure)
		}
	}
}
