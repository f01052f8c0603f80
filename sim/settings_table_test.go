package sim

import (
	"strings"
	"testing"
	"time"

	"pop3lab/sim/client"
)

// TestSettingsGetSet: every setting reads back as Set takes it, and a
// value written by Get sets the same settings again.
func TestSettingsGetSet(t *testing.T) {
	st := DefaultSettings()
	st.Server.LoginDelay = 90 * time.Second
	st.Client.Auth, st.Client.TLS = client.AuthPlain, client.TLSImplicit
	want := map[string]string{
		"server.tls": "on", "server.unsafe-stls": "off", "server.login-delay": "1m30s", "server.auth-failure-delay": "2s",
		"client.tls": "implicit", "client.auth": "plain", "client.leave-on-server": "off", "client.delete-after-days": "0",
		"client.user": "alice", "client.password": "wonderland", "client.device": "laptop",
	}
	n := 0
	for _, scope := range []string{"server", "client"} {
		for _, key := range SettingKeys(scope) {
			n++
			got, err := st.Get(scope, key)
			if err != nil || got != want[scope+"."+key] {
				t.Errorf("Get(%s, %s) = %q, %v; want %q", scope, key, got, err, want[scope+"."+key])
			}
			again := DefaultSettings()
			if err := again.Set(scope, key, got); err != nil {
				t.Errorf("Set(%s, %s, %q): %v", scope, key, got, err)
			}
			if back, _ := again.Get(scope, key); back != got {
				t.Errorf("%s.%s: set %q, read %q", scope, key, got, back)
			}
		}
	}
	if n != len(want) {
		t.Fatalf("%d settings, want %d", n, len(want))
	}
	if _, err := st.Get("client", "colour"); err == nil || !strings.Contains(err.Error(), `unknown client setting "colour"`) {
		t.Fatalf("unknown key: %v", err)
	}
	if got := SettingValues("client", "tls"); got != "none|if-offered|required|implicit" {
		t.Fatalf("SettingValues(client, tls) = %q", got)
	}
	if got := SettingValues("client", "auth"); got != "user|apop|plain" {
		t.Fatalf("SettingValues(client, auth) = %q", got)
	}
}

// TestAttackVocabulary: the one attack table parses, lists and describes.
func TestAttackVocabulary(t *testing.T) {
	if got := Attacks(); len(got) != 4 || got[0] != AttackStripSTLS || got[3] != AttackNone {
		t.Fatalf("Attacks() = %v", got)
	}
	for _, a := range Attacks() {
		b, err := a.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Attack
		if err := back.UnmarshalText(b); err != nil || back != a {
			t.Fatalf("%s: round trip %q, %v", a, back, err)
		}
		if a.TakesLine() != (a == AttackInject) {
			t.Fatalf("%s: TakesLine %v", a, a.TakesLine())
		}
	}
	if _, err := ParseAttack("mitm"); err == nil || err.Error() != `want one of strip-stls, inject, replay-apop, off, got "mitm"` {
		t.Fatalf("ParseAttack(mitm): %v", err)
	}
	if got := AttackInject.Summary("CAPA"); got != `add "CAPA" after the client's next STLS` {
		t.Fatalf("Summary = %q", got)
	}
}
