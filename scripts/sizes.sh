#!/usr/bin/env bash
# sizes.sh prints the size of the browser app's WebAssembly program, raw,
# gzip and brotli, and what dominates it.
#
#   scripts/sizes.sh [DIR]     DIR is a site made by `pop3lab build` (default dist)
#
# The breakdown: `go tool nm` cannot read WebAssembly ("unrecognized object
# file"), and the site's app.wasm is stripped (-ldflags=-s -w). So this
# builds ./wasm again with its name section, reads the function names and
# the size of each function's code from the module's sections, and sums the
# code by Go package and by module. Data segments (read-only data, type
# descriptors, the pc-line tables) have no names and show as one line.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-dist}
wasm=$dir/app.wasm
if [ ! -f "$wasm" ]; then
	echo "sizes: no $wasm: run \`make build\` (or \`pop3lab build -o $dir\`) first" >&2
	exit 1
fi
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
mb() { awk -v n="$1" 'BEGIN { printf "%.2f MB", n / 1e6 }'; }
br=
if [ -f "$wasm.br" ]; then br=", $(mb "$(wc -c <"$wasm.br")") brotli (app.wasm.br, what pop3lab serve sends)"; fi
echo "== $wasm: $(mb "$raw") raw, $(mb "$gz") gzip -9$br"
echo "   budget: 2.8 MB for what the page downloads before the first input (go test -run TestDownloadBudget ./web)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GOOS=js GOARCH=wasm go build -trimpath -o "$tmp/app.wasm" ./wasm
# Each package and its module ("std" for the standard library).
GOOS=js GOARCH=wasm go list -deps -f '{{.ImportPath}} {{if .Module}}{{.Module.Path}}{{else}}std{{end}}' ./wasm >"$tmp/packages"

python3 - "$tmp/app.wasm" "$tmp/packages" <<'PY'
import re, sys, zlib
from collections import defaultdict

data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\0asm", "not a WebAssembly module"

def leb(b, i):
    n = shift = 0
    while True:
        x = b[i]; i += 1
        n |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return n, i

sections = {}          # id -> (start, end) of the payload
custom = {}            # name -> (start, end)
i = 8
while i < len(data):
    sid = data[i]; i += 1
    size, i = leb(data, i)
    if sid == 0:
        nlen, j = leb(data, i)
        custom[data[j:j + nlen].decode()] = (j + nlen, i + size)
    sections.setdefault(sid, (i, i + size))
    i += size

# Imported functions come first in the function index space.
imported = 0
if 2 in sections:
    i, end = sections[2]
    count, i = leb(data, i)
    for _ in range(count):
        for _ in range(2):                    # module and field names
            n, i = leb(data, i); i += n
        kind = data[i]; i += 1
        if kind == 0:                         # function: type index
            imported += 1
            _, i = leb(data, i)
        elif kind in (1, 2):                  # table (element type first), memory: limits
            if kind == 1:
                i += 1
            flags, i = leb(data, i)
            _, i = leb(data, i)
            if flags & 1:
                _, i = leb(data, i)
        elif kind == 3:                       # global: value type, mutability
            i += 2

body = {}              # function index -> code bytes
i, end = sections[10]
count, i = leb(data, i)
for k in range(count):
    size, j = leb(data, i)
    body[imported + k] = size + (j - i)
    i = j + size

names = {}
if "name" in custom:
    i, end = custom["name"]
    while i < end:
        sub = data[i]; i += 1
        size, i = leb(data, i)
        if sub == 1:
            j = i
            n, j = leb(data, j)
            for _ in range(n):
                idx, j = leb(data, j)
                ln, j = leb(data, j)
                names[idx] = data[j:j + ln].decode("utf-8", "replace"); j += ln
        i += size

# The linker writes function names with every character outside [A-Za-z0-9_.]
# replaced by "_" ("github.com/hack-pad/hackpadfs/mem.(*FS).Open" becomes
# "github.com_hack_pad_hackpadfs_mem.__FS_.Open"): match them to the
# packages' import paths mangled the same way, longest first.
mangle = lambda s: re.sub(r"[^\w.]", "_", s)
packages = []          # (mangled import path, import path, module)
for line in open(sys.argv[2]):
    path, mod = line.split()
    packages.append((mangle(path) + ".", path, mod))
packages.sort(key=lambda p: -len(p[0]))

def owner(name):
    for prefix, path, mod in packages:
        if name.startswith(prefix):
            if mod == "std":
                mod = "Go runtime and standard library"
            elif path.split("/")[0] == "pop3lab" or mod == "pop3lab":
                mod = "pop3lab (this module)"
            return path, mod
    return "(no package: type algorithms, wrappers)", "(no package)"

by_pkg = defaultdict(int)
by_mod = defaultdict(int)
for idx, size in body.items():
    p, m = owner(names.get(idx, "?"))
    by_pkg[p] += size
    by_mod[m] += size

code = sections[10][1] - sections[10][0]
data_bytes = sections[11][1] - sections[11][0] if 11 in sections else 0
name_bytes = (custom["name"][1] - custom["name"][0]) if "name" in custom else 0
stripped = len(data) - name_bytes
gz = lambda sid: len(zlib.compress(data[sections[sid][0]:sections[sid][1]], 9)) if sid in sections else 0
print("-- ./wasm as the source stands now, built again with its function names")
print(f"-- sections (without the name section, as in the site): code {code/1e6:.2f} MB "
      f"({gz(10)/1e6:.2f} MB compressed alone), data {data_bytes/1e6:.2f} MB ({gz(11)/1e6:.2f} MB), "
      f"other {(stripped - code - data_bytes)/1e6:.2f} MB")
print("-- code by module")
for m, s in sorted(by_mod.items(), key=lambda kv: -kv[1]):
    print(f"  {s/1e6:7.2f} MB  {100*s/code:5.1f}%  {m}")
print("-- code by package, top 20")
for p, s in sorted(by_pkg.items(), key=lambda kv: -kv[1])[:20]:
    print(f"  {s/1e6:7.2f} MB  {100*s/code:5.1f}%  {p}")
PY
