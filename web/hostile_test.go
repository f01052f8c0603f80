//go:build !js

package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"pop3lab/sim"
	"pop3lab/wasm/view"
)

// TestHostileLinkAndStoreAreRefused: a short share link of 2,000 Get mail
// actions (minutes of replay) is refused in one sentence within a second,
// and the page works; the same session found in the browser's store is
// kept aside for download, and the page starts fresh.
func TestHostileLinkAndStoreAreRefused(t *testing.T) {
	actions := make([]sim.Action, 2000)
	for i := range actions {
		actions[i] = sim.Action{Kind: sim.ActGetMail}
	}
	frag, err := view.EncodeShare(view.Shared{Seed: 1, Actions: actions})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the hostile link's fragment is %d characters", len(frag))

	ctx := newTab(t)
	start := time.Now()
	open(t, ctx, "#"+frag)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("opening the hostile link took %s", took)
	}
	t.Logf("the page was ready %s after navigating to the hostile link", time.Since(start))
	if n := js[string](t, ctx, `document.getElementById("notice").textContent`); n != "This shared link holds a session too long to replay in a browser, so the normal page was opened." {
		t.Fatalf("notice: %q", n)
	}
	typeCommand(t, ctx, "USER alice")
	if !strings.Contains(terminalText(t, ctx), "S: +OK Send your password.") {
		t.Fatal("the page does not work after refusing the link")
	}

	saved, err := view.Save(1, actions)
	if err != nil {
		t.Fatal(err)
	}
	js[bool](t, ctx, `(localStorage.setItem("pop3lab-session", `+strconv.Quote(string(saved))+`), window.beforeReload = true)`)
	open(t, ctx, "")
	if _, err := pollPage[bool](ctx, `!window.beforeReload && document.documentElement.dataset.ready === "true" && !document.getElementById("notice").hidden`, readyTimeout); err != nil {
		t.Fatalf("the reloaded page: %v%s", err, diagnose(ctx))
	}
	if n := js[string](t, ctx, `document.getElementById("notice").textContent`); !strings.HasPrefix(n, "Your saved session is too long to replay in this page (2000 actions), so a fresh one was started.") {
		t.Fatalf("notice: %q", n)
	}
	if hidden := js[bool](t, ctx, `document.getElementById("notice-download").hidden`); hidden {
		t.Fatal("no button to download the kept session")
	}
	if got := js[string](t, ctx, `document.documentElement.dataset.step`); got != "0" {
		t.Fatalf("the page did not start fresh: step %s", got)
	}
	typeCommand(t, ctx, "USER alice")
	alive(t, ctx, "the hostile store")
}
