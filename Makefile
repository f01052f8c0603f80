# pop3lab: `make serve` runs it, `make test` checks everything.

GO       ?= go
FUZZTIME ?= 30s
# staticcheck, pinned; installed into bin/ so that it runs natively while it
# checks the js/wasm build.
STATICCHECK_VERSION := v0.8.2
STATICCHECK         := bin/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: all build serve test bench fuzz clean

all: build

# The pop3lab command, then the browser app as a static site in dist/
# (copy it to any web host, under any path).
build:
	$(GO) build -o bin/pop3lab ./cmd/pop3lab && bin/pop3lab build -o dist

# Builds, then serves dist/ on http://127.0.0.1:8080/ with the right MIME
# types, compression and Content-Security-Policy. (The real POP3 server:
# bin/pop3lab pop3.)
serve: build
	bin/pop3lab serve --dir dist

# Installs the clients the interop tests drive, then: formatting, go.mod
# tidiness, vet and staticcheck (natively and for js/wasm), the race-enabled
# tests, and the simulator's tests under js/wasm (Node runs them through
# go_js_wasm_exec, which Go 1.24+ keeps in lib/wasm).
test: $(STATICCHECK)
	scripts/install-deps.sh
	@unformatted="$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need gofmt:"; echo "$$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./wasm/... ./sim/...
	$(GO) test -race -timeout 30m ./...
	PATH="$$($(GO) env GOROOT)/lib/wasm:$$PATH" GOOS=js GOARCH=wasm $(GO) test ./sim/... ./lessons/... ./wasm/view/... ./wasm/tlsmsg/...

$(STATICCHECK):
	GOBIN="$(CURDIR)/$(dir $(STATICCHECK))" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Installs Dovecot's POP3 server (for make bench only: the ratio against
# it), then measures: see scripts/bench.sh.
bench:
	@if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ] && command -v apt-get >/dev/null; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends dovecot-pop3d || \
			echo "make bench: dovecot-pop3d did not install; measuring pop3lab alone"; \
	fi
	scripts/bench.sh

# Runs every Fuzz target of every package for FUZZTIME each.
fuzz:
	@set -e; \
	targets="$$($(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ { f[n++] = $$1; next } /^ok/ { for (i = 0; i < n; i++) print $$2 " " f[i]; n = 0 }')"; \
	if [ -z "$$targets" ]; then echo "no Fuzz targets found"; exit 1; fi; \
	echo "$$targets" | while read -r pkg fn; do \
		echo "== $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
	done

clean:
	rm -rf bin dist
