//go:build !js

package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLayouts looks at the page at the four screens it is designed for:
// phone (one panel at a time, a tab bar, a compact toolbar), tablet,
// laptop, and a projector, where presenter mode fits without scrolling
// and its text reads from the back row.
func TestLayouts(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "")
	for _, l := range []string{"USER alice", "PASS wonderland", "LIST"} {
		typeCommand(t, ctx, l)
	}
	viewport(t, ctx, 390, 844)

	// Phone: the toolbar is one compact row, the tab bar shows one panel.
	if h := js[float64](t, ctx, `document.querySelector("header.topbar").getBoundingClientRect().height`); h > 110 {
		t.Errorf("the phone's toolbar is %.0f px high, want at most 110 of 844", h)
	}
	if !js[bool](t, ctx, `getComputedStyle(document.getElementById("tabbar")).display !== "none"`) {
		t.Fatal("no tab bar at phone width")
	}
	if top := js[float64](t, ctx, `document.getElementById("lesson-pane").getBoundingClientRect().top`); top > 200 {
		t.Errorf("the lesson starts %.0f px down the phone's screen", top)
	}
	screenshot(t, ctx, "layout-phone-lesson")
	for _, tab := range []string{"Terminal", "Server", "Wire", "Sequence"} {
		js[bool](t, ctx, `([...document.querySelectorAll("#tabbar button")].find(b => b.textContent === "`+tab+`").click(), true)`)
		waitFor(t, ctx, "the "+tab+" tab", `document.querySelector('#tabbar button[aria-current="true"]').textContent === "`+tab+`"`)
		shown := js[[]string](t, ctx, `[...document.querySelectorAll("main > .pane")].filter(p => getComputedStyle(p).display !== "none").map(p => p.id)`)
		if len(shown) == 0 || len(shown) > 2 {
			t.Errorf("tab %s shows %q", tab, shown)
		}
		screenshot(t, ctx, "layout-phone-"+tab)
	}

	viewport(t, ctx, 820, 1180)
	if js[bool](t, ctx, `getComputedStyle(document.getElementById("tabbar")).display !== "none"`) {
		t.Error("the tablet shows the phone's tab bar")
	}
	screenshot(t, ctx, "layout-tablet")
	viewport(t, ctx, 1366, 768)
	screenshot(t, ctx, "layout-laptop")

	// A projector: a lab in presenter mode.
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-lab="stls-stripping"]`)))
	waitFor(t, ctx, "the lab", `!document.getElementById("lab-bar").hidden`)
	for _, size := range [][2]int64{{1280, 720}, {1920, 1080}} {
		viewport(t, ctx, size[0], size[1])
		if !js[bool](t, ctx, `document.documentElement.classList.contains("presenter")`) {
			js[bool](t, ctx, `(document.getElementById("btn-presenter").click(), true)`)
		}
		for i := 0; i < 4; i++ {
			js[bool](t, ctx, `(document.getElementById("btn-step").click(), true)`)
		}
		chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond))
		if over := js[float64](t, ctx, `document.documentElement.scrollHeight - innerHeight`); over > 0 {
			t.Errorf("presenter mode at %dx%d scrolls by %.0f px", size[0], size[1], over)
		}
		for what, sel := range map[string]string{"diagram": "#sequence .arrow", "state": "#state-machine li", "terminal": "#terminal-log", "share": "#btn-share"} {
			if what == "share" {
				if !js[bool](t, ctx, `getComputedStyle(document.getElementById("btn-share")).display !== "none"`) {
					t.Errorf("Share is hidden in presenter mode at %dx%d", size[0], size[1])
				}
				continue
			}
			px := js[float64](t, ctx, `parseFloat(getComputedStyle(document.querySelector("`+sel+`")).fontSize)`)
			if px < 18 {
				t.Errorf("%s text is %.1f px at %dx%d, want at least 18", what, px, size[0], size[1])
			}
		}
		for _, pane := range []string{"wire-pane", "diagram-pane", "server-pane"} {
			if bottom := js[float64](t, ctx, `document.getElementById("`+pane+`").getBoundingClientRect().bottom`); bottom > float64(size[1])+1 {
				t.Errorf("%s ends at %.0f px, below the %d px screen", pane, bottom, size[1])
			}
		}
		screenshot(t, ctx, "layout-presenter-"+itoa(size[0]))
	}
	alive(t, ctx, "the layouts")
}

func itoa(n int64) string { return fmt.Sprint(n) }
