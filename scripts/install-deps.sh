#!/usr/bin/env bash
# install-deps.sh installs the programs the tests need, when they are
# missing: real POP3 clients for the interop tests (curl, openssl, Python
# poplib, fetchmail, mpop), tshark for pcap checks, Node for the js/wasm
# tests, Chromium for the browser tests, gcc for the race detector. It is
# idempotent and returns at once when everything is present. Debian/Ubuntu.
set -euo pipefail

# tool name -> Debian package. A tool counts as present when its command
# is on PATH (python3 also needs poplib and ssl).
need=()
have() { command -v "$1" >/dev/null 2>&1; }

have curl      || need+=(curl)
have openssl   || need+=(openssl)
if ! have python3 || ! python3 -c 'import poplib, ssl' >/dev/null 2>&1; then
	need+=(python3)
fi
have fetchmail || need+=(fetchmail)
have mpop      || need+=(mpop)
have tshark    || need+=(tshark)
have node      || need+=(nodejs)
# npm installs the pinned test packages (scripts/npm-deps.sh).
have npm       || need+=(npm)
# The browser tests (chromedp) will drive this Chromium.
have chromium  || need+=(chromium)
# go test -race needs cgo, so a C compiler.
have gcc       || need+=(gcc libc6-dev)
# The SCORM tests validate the package's manifest against its schemas.
have xmllint   || need+=(libxml2-utils)

# The packages the browser tests load into the page, pinned in
# web/testdata/npm/package-lock.json: axe-core (accessibility checks) and
# scorm-again (an LMS's SCORM 1.2 run-time). Installed again when one is
# missing or the lock file changed.
npm_install() {
	local dir
	dir="$(dirname "$0")/../web/testdata/npm"
	if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json" 2>/dev/null; then
		npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
		cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
		echo "install-deps: installed the browser tests' npm packages (axe-core, scorm-again)"
	fi
}

if [ ${#need[@]} -eq 0 ]; then
	npm_install
	exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if have sudo; then
		as_root=(sudo)
	else
		echo "install-deps: need root or sudo to install: ${need[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive

for p in "${need[@]}"; do
	if [ "$p" = tshark ]; then
		# Do not ask whether non-root users may capture packets.
		echo 'wireshark-common wireshark-common/install-setuid boolean false' |
			"${as_root[@]}" debconf-set-selections
	fi
done

"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
for p in "${need[@]}"; do
	echo "install-deps: installed $p"
done
npm_install
