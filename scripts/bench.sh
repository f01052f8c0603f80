#!/usr/bin/env bash
# bench.sh measures the real POP3 server under load, then runs the Go
# benchmarks of the simulator packages.
#
# It builds pop3lab and pop3load, starts `pop3lab pop3` on a free loopback
# port with Maildirs of 10 messages of about 4 KB, and runs pop3load twice
# for $DURATION with $CLIENTS clients (defaults 10s and 8): once with a
# maildrop per client (load1..loadN), once with every client on alice's
# maildrop, where the RFC 1939 maildrop lock makes most logins fail with
# [IN-USE]: that run measures lock contention.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-10s}
MESSAGES=10

tmp=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/pop3lab" ./cmd/pop3lab
go build -o "$tmp/pop3load" ./cmd/pop3load

# message N: a header and 60 lines of 66 characters, about 4 KB.
message() {
	printf 'From: bench@example.org\nTo: %s@example.org\nSubject: benchmark message %d\nMessage-ID: <bench-%d@example.org>\n\n' "$1" "$2" "$2"
	for ((l = 0; l < 60; l++)); do
		printf '%04d The quick brown fox jumps over the lazy dog, line by line %03d\n' "$2" "$l"
	done
}

users=(alice)
for ((c = 1; c <= CLIENTS; c++)); do users+=("load$c"); done
user_flags=()
for u in "${users[@]}"; do
	mkdir -p "$tmp/data/$u/cur" "$tmp/data/$u/new" "$tmp/data/$u/tmp"
	for ((m = 1; m <= MESSAGES; m++)); do
		# The Maildir way: write into tmp/, then rename into new/.
		name="$((1700000000 + m)).M${m}P$$.bench"
		message "$u" "$m" >"$tmp/data/$u/tmp/$name"
		mv "$tmp/data/$u/tmp/$name" "$tmp/data/$u/new/$name"
	done
	user_flags+=(--user "$u:wonderland")
done
size=$(wc -c <"$tmp/data/alice/new/$(ls "$tmp/data/alice/new" | head -n 1)")

# No login delay: it waits out every login answer (the guessing defence)
# and would measure only itself.
"$tmp/pop3lab" pop3 --listen 127.0.0.1:0 --tls-listen '' --data "$tmp/data" "${user_flags[@]}" --auth-failure-delay 0 \
	>"$tmp/banner" 2>"$tmp/sessions.log" &
server_pid=$!
for ((i = 0; i < 100; i++)); do
	grep -q 'Press Ctrl-C' "$tmp/banner" 2>/dev/null && break
	sleep 0.1
done
addr=$(sed -n 's/^POP3  listening on \([^ ]*\) .*/\1/p' "$tmp/banner")
if [ -z "$addr" ]; then
	echo "bench: pop3lab pop3 did not start:" >&2
	cat "$tmp/banner" "$tmp/sessions.log" >&2
	exit 1
fi

echo "== pop3lab pop3 on $addr: $MESSAGES messages of $size octets (file, LF) per maildrop; $(nproc) CPUs; $(go version)"
echo
echo "-- one maildrop per client"
"$tmp/pop3load" -addr "$addr" -c "$CLIENTS" -d "$DURATION" -user 'load%d' -pass wonderland
echo
echo "-- all clients on one maildrop (lock contention)"
"$tmp/pop3load" -addr "$addr" -c "$CLIENTS" -d "$DURATION" -user alice -pass wonderland || true
echo

kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=

echo "== go test -bench ./sim/... (BenchmarkIdleConnections: memory per idle connection, 2,000 held)"
go test -run '^$' -bench . -benchmem ./sim/...

# The browser app: its size (budget: gzip under 2.8 MB) and what dominates
# it, then the time from navigation to an interactive page in headless
# Chromium on loopback (budget: under 1.5 s), over $LOADS loads.
LOADS=${LOADS:-20}
echo
"$tmp/pop3lab" build -o "$tmp/site" | tail -n 1
scripts/sizes.sh "$tmp/site"
echo
echo "== go test -bench BenchmarkLoad ./web ($LOADS loads, HTTP cache off)"
POP3LAB_SITE="$tmp/site" go test -run '^$' -bench '^BenchmarkLoad$' -benchtime "${LOADS}x" ./web
echo
echo "== go test -bench BenchmarkTerminalLatency ./web (Enter to answer on screen, 200 commands; target p95 < 16 ms)"
POP3LAB_SITE="$tmp/site" go test -run '^$' -bench '^BenchmarkTerminalLatency$' -benchtime 3x ./web
