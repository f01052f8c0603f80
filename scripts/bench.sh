#!/usr/bin/env bash
# bench.sh measures the real POP3 server under load (against Dovecot when it
# is installed), the simulator's Go benchmarks, and the browser app: its
# size and its load times.
#
# The server workload: 16 users with 20 messages of about 9.5 KB each, 8
# clients (pop3load), each session a new connection. Two runs: "sessions"
# (USER, PASS, STAT, RETR 1, QUIT) and "retrieval" (every message: RETR 1 to
# 20). When dovecot is on PATH (or in /usr/sbin), both servers serve their
# own copy of the same Maildirs and the runs alternate, pop3lab, Dovecot,
# pop3lab, Dovecot, for $ROUNDS rounds of $DURATION each (defaults 2 and 5s);
# the ratios are of the sums. Dovecot runs with its default settings (a
# login process per connection), as a package installs it.
#
# Then: all clients on one maildrop (the RFC 1939 lock turns most logins
# away: lock contention), RETR of a 10 MB message and the open of a
# 10,000-message maildrop (go test -bench), and the page: its program's raw,
# gzip and brotli sizes, first visit on loopback and at 10 Mbit/s with
# 40 ms latency, and a return visit (headless Chromium). ONLY=server stops
# after the servers; POP3LAB_BIN=FILE measures that pop3lab binary's server.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-2}
USERS=16
MESSAGES=20
LOADS=${LOADS:-5}

tmp=$(mktemp -d)
chmod 755 "$tmp" # Dovecot's processes run as its own user
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/pop3lab" ./cmd/pop3lab
# POP3LAB_BIN=FILE serves POP3 with another build (to compare two).
server_bin=${POP3LAB_BIN:-$tmp/pop3lab}
go build -o "$tmp/pop3load" ./cmd/pop3load

# message U N: a header and 140 lines of 67 characters, about 9.5 KB.
message() {
	printf 'From: bench@example.org\nTo: %s@example.org\nSubject: benchmark message %d\nMessage-ID: <bench-%s-%d@example.org>\n\n' "$1" "$2" "$1" "$2"
	for ((l = 0; l < 140; l++)); do
		printf '%04d The quick brown fox jumps over the lazy dog, line by line %03d\n' "$2" "$l"
	done
}

users=(alice)
for ((u = 1; u <= USERS; u++)); do users+=("load$u"); done
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
"$server_bin" pop3 --listen 127.0.0.1:0 --tls-listen '' --data "$tmp/data" "${user_flags[@]}" --auth-failure-delay 0 \
	>"$tmp/banner" 2>"$tmp/sessions.log" &
pids+=($!)
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

# Dovecot, on its own copy of the Maildirs, with a minimal configuration.
dovecot=$(command -v dovecot || true)
[ -z "$dovecot" ] && [ -x /usr/sbin/dovecot ] && dovecot=/usr/sbin/dovecot
dovecot_addr=
if [ -n "$dovecot" ]; then
	cp -a "$tmp/data" "$tmp/dovecot-data"
	mailuser=$(id -un dovecot 2>/dev/null || id -un nobody)
	chown -R "$mailuser" "$tmp/dovecot-data"
	for u in "${users[@]}"; do echo "$u:{PLAIN}wonderland::::::" >>"$tmp/dovecot-passwd"; done
	dport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$tmp/dovecot-run" "$tmp/dovecot-state"
	cat >"$tmp/dovecot.conf" <<EOF
protocols = pop3
listen = 127.0.0.1
base_dir = $tmp/dovecot-run
state_dir = $tmp/dovecot-state
log_path = $tmp/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:$tmp/dovecot-data/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $tmp/dovecot-passwd
}
userdb {
  driver = static
  args = uid=$mailuser gid=$(id -gn "$mailuser") home=$tmp/dovecot-data/%u
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $dport
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
}
EOF
	"$dovecot" -F -c "$tmp/dovecot.conf" >"$tmp/dovecot.out" 2>&1 &
	pids+=($!)
	for ((i = 0; i < 100; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$dport") 2>/dev/null; then dovecot_addr=127.0.0.1:$dport; break; fi
		sleep 0.1
	done
	if [ -z "$dovecot_addr" ]; then
		echo "bench: dovecot did not start; measuring pop3lab alone:" >&2
		cat "$tmp/dovecot.out" "$tmp/dovecot.log" >&2 || true
	fi
fi

echo "== pop3lab pop3 on $addr${dovecot_addr:+, $("$dovecot" --version | cut -d' ' -f1) on $dovecot_addr}: $USERS users with $MESSAGES messages of $size octets (file, LF), $CLIENTS clients; $(nproc) CPUs; $(go version)"

# load ADDR RETR: one pop3load run; prints "sessions/s MB/s errors".
load() {
	"$tmp/pop3load" -addr "$1" -c "$CLIENTS" -d "$DURATION" -user 'load%d' -pass wonderland -retr "$2" >"$tmp/load.out" || true
	awk '/^sessions/ { s = $(NF-1) } /^retrieved/ { m = $(NF-1) } /^errors/ { e = $2 } END { print s, m, e }' "$tmp/load.out"
	# The most frequent failure, if any, on stderr.
	sed -n '/^errors/{n;p;q}' "$tmp/load.out" >&2
	[ -f "$tmp/dovecot.log" ] && [ -n "${DEBUG:-}" ] && tail -n 5 "$tmp/dovecot.log" >&2
	true
}

# Warm-up, not counted: each server's first session of a maildrop does
# one-time work (pop3lab moves new/ to cur/ with sizes in the names;
# Dovecot builds its index and UID list).
for a in "$addr" $dovecot_addr; do
	"$tmp/pop3load" -addr "$a" -c "$USERS" -d 1s -user 'load%d' -pass wonderland -retr all >/dev/null || true
done

for workload in 1 all; do
	label="sessions (USER, PASS, STAT, RETR 1, QUIT)"
	[ "$workload" = all ] && label="retrieval (USER, PASS, STAT, RETR of all $MESSAGES, QUIT)"
	echo
	echo "-- $label, $ROUNDS rounds of $DURATION each"
	printf '  %-8s %-8s %12s %10s %7s\n' round server sessions/s MB/s errors
	sum_p=0 sum_pm=0 sum_d=0 sum_dm=0
	for ((r = 1; r <= ROUNDS; r++)); do
		read -r s m e < <(load "$addr" "$workload")
		printf '  %-8s %-8s %12s %10s %7s\n' "$r" pop3lab "$s" "$m" "$e"
		sum_p=$(awk -v a="$sum_p" -v b="$s" 'BEGIN { print a + b }')
		sum_pm=$(awk -v a="$sum_pm" -v b="$m" 'BEGIN { print a + b }')
		if [ -n "$dovecot_addr" ]; then
			read -r s m e < <(load "$dovecot_addr" "$workload")
			printf '  %-8s %-8s %12s %10s %7s\n' "$r" dovecot "$s" "$m" "$e"
			sum_d=$(awk -v a="$sum_d" -v b="$s" 'BEGIN { print a + b }')
			sum_dm=$(awk -v a="$sum_dm" -v b="$m" 'BEGIN { print a + b }')
		fi
	done
	if [ -n "$dovecot_addr" ]; then
		awk -v p="$sum_p" -v d="$sum_d" -v pm="$sum_pm" -v dm="$sum_dm" 'BEGIN {
			printf "  pop3lab / Dovecot: %.1fx sessions/s, %.1fx MB/s\n", (d > 0 ? p / d : 0), (dm > 0 ? pm / dm : 0) }'
	else
		echo "  (no Dovecot installed: absolute figures only; apt-get install dovecot-pop3d for the ratio)"
	fi
done

echo
echo "-- all clients on one maildrop (lock contention), pop3lab"
"$tmp/pop3load" -addr "$addr" -c "$CLIENTS" -d "$DURATION" -user alice -pass wonderland || true

for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
pids=()
[ "${ONLY:-}" = server ] && exit 0

echo
echo "== RETR of a 10 MB message (target >= 1 GB/s: the wire transform alone, then whole RETRs over loopback TCP from the in-memory store and from Maildirs on disk) and the open of a 10,000-message maildrop (target < 100 ms)"
go test -run '^$' -bench 'BenchmarkWireReader|BenchmarkOpen10000$' -benchmem ./sim/maildrop | grep -E '^Benchmark'
go test -run '^$' -bench 'BenchmarkRETR10MB|BenchmarkRetrieveAll' -benchmem ./sim/server | grep -E '^Benchmark'

echo
echo "== go test -bench ./sim/... (the rest; BenchmarkIdleConnections: memory per idle connection, 2,000 held)"
go test -run '^$' -bench . -benchmem ./sim/... | grep -E '^(Benchmark|ok|FAIL)'

# The browser app: its size and what dominates it, then the page's load
# times in headless Chromium over $LOADS loads each.
echo
"$tmp/pop3lab" build -o "$tmp/site" | tail -n 1
scripts/sizes.sh "$tmp/site"
echo
echo "== go test -bench BenchmarkLoad ./web ($LOADS loads each: first visit on loopback, first visit at 10 Mbit/s and 40 ms (target 2.5 s), return visit once the last one settled (target 0.3 s), reload the moment the page is usable, return visit after a 400-command session)"
POP3LAB_SITE="$tmp/site" go test -run '^$' -bench '^BenchmarkLoad$' -benchtime "${LOADS}x" ./web | grep -E '^Benchmark'
echo
echo "== go test -bench BenchmarkTerminalLatency ./web (Enter to answer on screen, 200 commands; target p95 < 16 ms)"
POP3LAB_SITE="$tmp/site" go test -run '^$' -bench '^BenchmarkTerminalLatency$' -benchtime 3x ./web | grep -E '^Benchmark'
