//go:build !js

package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// BenchmarkLoad measures navigation to an interactive app in headless
// Chromium, served on loopback under the test sub-path:
//
//	cold       a first visit: a fresh browser context each load (no HTTP
//	           cache, no service worker, no storage)
//	cold-10M   the same behind Chromium's network emulation: 10 Mbit/s
//	           both ways and 40 ms latency, a school network (target 2.5 s)
//	return     a return visit: the same tab loads the page again after a
//	           first visit (target 0.3 s). A learner comes back to a visit
//	           that has ended, so each load waits until the one before has
//	           settled (dataset.settled: the work it does after it is
//	           usable; dataset.offline: its worker) and a second more (what
//	           the browser does after a load)
//	reload     the same, but the page loads again the moment the one before
//	           is usable, in the middle of that work
//	return-long  a return visit after a long session (400 commands, some of
//	           them RETR and TOP), which the page replays at start-up
//
// It reports, per load, in milliseconds:
//
//	ms/op          navigation start to dataset.ready, as the page's clock measures it
//	wall-ms/op     the same seen from the test: Navigate until the ready poll returns
//	loader-ms/op   navigation start until loader.js runs (the page's parsing
//	               and the style sheet come before it)
//	fetch-ms/op    the loader's start until the last byte of the program arrived
//	               (on a return visit, until the program was found on the device:
//	               the loader does not count a copy read from there)
//	program-ms/op  the loader's start until the program is instantiated
//	               (compiling overlaps the download, so this is not fetch + compile)
//	init-ms/op     from there until the Go program sets dataset.ready
//	main-ms/op     main's own start-up, from its first line to dataset.ready
func BenchmarkLoad(b *testing.B) {
	throttled := []*network.Conditions{{
		Latency:            40,
		DownloadThroughput: 10e6 / 8,
		UploadThroughput:   10e6 / 8,
	}}
	cases := []struct {
		name       string
		conditions []*network.Conditions
		fresh      bool // a new browser context for every load
		settle     bool // each load waits until the one before has settled
		commands   int  // typed after the first visit
	}{
		{"cold", nil, true, false, 0},
		{"cold-10M", throttled, true, false, 0},
		{"return", nil, false, true, 0},
		{"reload", nil, false, false, 0},
		{"return-long", nil, false, true, 400},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			url := siteURL(b, "")
			var ctx context.Context
			closeTab := func() {}
			b.Cleanup(func() { closeTab() })
			tab := func() {
				closeTab()
				ctx, closeTab = freshTab(b)
				if c.conditions != nil {
					if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule,
						network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: c.conditions}); err != nil {
						b.Fatal(err)
					}
				}
			}
			tab()
			open(b, ctx, "") // warm up: the server's caches, the browser's process; the first visit of "return"
			if c.commands > 0 {
				typeCommands(b, ctx, c.commands)
			}
			var sum loadTiming
			var wall float64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				if c.settle {
					settled(b, ctx)
				}
				if c.fresh {
					tab()
				} else if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
					b.Fatal(err)
				}
				ready, err := pollPage[float64](ctx,
					`document.documentElement.dataset.ready === "true" && performance.now()`, readyTimeout)
				if err != nil {
					b.Fatalf("not ready: %v%s", err, diagnose(ctx))
				}
				wall += float64(time.Since(start).Microseconds()) / 1e3
				b.StopTimer()
				t, err := chromedp.Run(ctx, chromedp.Evaluate[loadTiming](`(() => {
					const at = n => { const e = performance.getEntriesByName(n); return e.length ? e[e.length - 1].startTime : 0; };
					return {start: at("pop3lab-wasm-start"), fetched: at("pop3lab-wasm-fetched"),
						instantiated: at("pop3lab-wasm-instantiated"),
						main: Number(document.documentElement.dataset.startupMs || 0)};
				})()`))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum.Ready += ready
				sum.Start += t.Start
				sum.Fetched += t.Fetched
				sum.Instantiated += t.Instantiated
				sum.Main += t.Main
			}
			n := float64(b.N)
			b.ReportMetric(sum.Ready/n, "ms/op")
			b.ReportMetric(wall/n, "wall-ms/op")
			b.ReportMetric(sum.Start/n, "loader-ms/op")
			b.ReportMetric((sum.Fetched-sum.Start)/n, "fetch-ms/op")
			b.ReportMetric((sum.Instantiated-sum.Start)/n, "program-ms/op")
			b.ReportMetric((sum.Ready-sum.Instantiated)/n, "init-ms/op")
			b.ReportMetric(sum.Main/n, "main-ms/op")
		})
	}
}

// settled waits until the page in ctx has done what it does after it is
// usable (waitReady) and its service worker is ready (dataset.offline),
// and then a second more, for the browser's own work after a load.
func settled(b *testing.B, ctx context.Context) {
	b.Helper()
	waitReady(b, ctx)
	if _, err := pollPage[bool](ctx, `!!document.documentElement.dataset.offline`, readyTimeout); err != nil {
		b.Fatalf("the service worker did not get ready: %v%s", err, diagnose(ctx))
	}
	time.Sleep(time.Second)
}

// typeCommands logs in in the page's terminal and sends n commands more,
// then waits until the session is saved.
func typeCommands(b *testing.B, ctx context.Context, n int) {
	b.Helper()
	mix := []string{"STAT", "LIST", "UIDL", "RETR 1", "TOP 3 5", "NOOP", "LIST 2", "RETR 4"}
	lines := []string{"USER alice", "PASS wonderland"}
	for i := range n {
		lines = append(lines, mix[i%len(mix)])
	}
	typeLines(b, ctx, lines)
	if _, err := pollPage[bool](ctx, `document.documentElement.dataset.saved === document.documentElement.dataset.step`, readyTimeout); err != nil {
		b.Fatalf("the session was not saved: %v%s", err, diagnose(ctx))
	}
}

// loadTiming is the page's clock at the loader's marks.
type loadTiming struct {
	Ready        float64 `json:"ready"`
	Start        float64 `json:"start"`
	Fetched      float64 `json:"fetched"`
	Instantiated float64 `json:"instantiated"`
	Main         float64 `json:"main"`
}

// freshTab is newTab with a cancel function, for a benchmark that opens
// many tabs: each closes (with its browser context) when the next opens.
func freshTab(b *testing.B) (context.Context, context.CancelFunc) {
	b.Helper()
	h := site(b)
	rec := &tabRecord{}
	ctx, cancel := chromedp.NewContext(h.browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.listen))
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		b.Fatalf("opening a tab: %v", err)
	}
	return context.WithValue(ctx, tabRecordKey{}, rec), cancel
}

// BenchmarkTerminalLatency measures, in the page, the time from Enter in
// the terminal to the answer being on screen (the app counts handled lines
// in dataset.typed), over 200 commands after a login, and reports the
// median and the 95th percentile to the DOM update (dom-*) and to the next
// animation frame, when the browser paints it (frame-*). Target: p95
// under 16 ms.
func BenchmarkTerminalLatency(b *testing.B) {
	ctx := newTab(b)
	open(b, ctx, "")
	const measure = `new Promise(async done => {
		const input = document.getElementById("terminal-input");
		const form = document.getElementById("terminal-form");
		const html = document.documentElement;
		const send = line => new Promise(ok => {
			const want = String(Number(html.dataset.typed || "0") + 1);
			const t0 = performance.now();
			const seen = new MutationObserver(() => {
				if (html.dataset.typed === want) { seen.disconnect(); const dom = performance.now() - t0; requestAnimationFrame(() => ok([dom, performance.now() - t0])); }
			});
			seen.observe(html, {attributes: true});
			input.value = line;
			form.requestSubmit();
		});
		await send("USER alice");
		await send("PASS wonderland");
		const lines = ["STAT", "NOOP", "LIST 1", "UIDL 2", "LIST", "UIDL"];
		const dom = [], frame = [];
		for (let i = 0; i < 200; i++) { const [d, f] = await send(lines[i % lines.length]); dom.push(d); frame.push(f); }
		dom.sort((x, y) => x - y);
		frame.sort((x, y) => x - y);
		done([dom[99], dom[189], frame[99], frame[189]]);
	})`
	var sum [4]float64
	for b.Loop() {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](measure, chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatalf("measuring: %v%s", err, diagnose(ctx))
		}
		for i := range sum {
			sum[i] += v[i]
		}
		b.StopTimer()
		chromedp.Do(ctx, chromedp.Reload())
		waitReady(b, ctx)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(sum[0]/n, "dom-p50-ms")
	b.ReportMetric(sum[1]/n, "dom-p95-ms")
	b.ReportMetric(sum[2]/n, "frame-p50-ms")
	b.ReportMetric(sum[3]/n, "frame-p95-ms")
}
