#!/usr/bin/env bash
# npm-deps.sh installs the pinned npm packages the browser tests use into
# bin/npm/node_modules, when they are missing: axe-core (accessibility
# checks injected into the page) and scorm-again (an LMS-side SCORM
# run-time). Idempotent; returns at once when both are there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=bin/npm
pkgs=(axe-core@4.14.1 scorm-again@3.4.3)
missing=()
for p in "${pkgs[@]}"; do
	name=${p%@*}
	version=${p##*@}
	manifest=$dir/node_modules/$name/package.json
	if [ ! -f "$manifest" ] || ! grep -q "\"version\": *\"$version\"" "$manifest"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "${missing[@]}"
echo "npm-deps: installed ${missing[*]}"
