//go:build !js

package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// downloadBudget is what a learner may download before the first input:
// 2.8 MB take 2.24 s at 10 Mbit/s.
const downloadBudget = 2.8e6

// TestDownloadBudget loads the page in a fresh tab and adds up what
// crossed the network (Resource Timing's transferSize: headers and encoded
// bodies) until just after the terminal takes input, and fails when that
// exceeds downloadBudget, from web.Handler (pop3lab serve: brotli) and
// from a host that serves only gzip. It prints the breakdown.
func TestDownloadBudget(t *testing.T) {
	for _, host := range []struct{ name, prefix string }{
		{"pop3lab serve (brotli)", sitePrefix},
		{"a host with gzip only (the build's gzip copy)", "/nobr/pop3lab/"},
	} {
		t.Run(host.name, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(site(t).server.URL+host.prefix)); err != nil {
				t.Fatal(err)
			}
			waitInteractive(t, ctx)
			type entry struct {
				Name string  `json:"name"`
				Size float64 `json:"size"`
			}
			entries, err := chromedp.Run(ctx, chromedp.Evaluate[[]entry](`(() => {
				const ready = performance.now();
				return performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
					.filter(e => e.startTime <= ready)
					.map(e => ({name: e.name.replace(location.origin, ""), size: e.transferSize}));
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			var total float64
			var b strings.Builder
			for _, e := range entries {
				total += e.Size
				fmt.Fprintf(&b, "\n  %9.0f  %s", e.Size, e.Name)
			}
			report := fmt.Sprintf("%s: %.2f MB before the first input (budget %.1f MB):%s",
				host.name, total/1e6, downloadBudget/1e6, b.String())
			if total > downloadBudget {
				t.Error(report)
			} else {
				t.Log(report)
			}
		})
	}
}
