#!/usr/bin/env bash
# tests/bench/run.sh: `make bench`. Benchmarks that print figures and
# never judge them; each figure has a baseline measured in the same run.
#
#   1. the optimized build (build/bin, build/bench), a throwaway
#      PostgreSQL with durable commits, and a whole system (discovery,
#      chirp-userd, chirp-tweetd, one gateway) on loopback;
#   2. socfb-Reed98 loaded through the gateway (load_graph);
#   3. wrk, DeathStarBench's mix and home timelines alone, through the
#      gateway and straight at chirp-tweetd (the baseline);
#   4. live feed latency with feed_latency, on a fresh gateway for each
#      count of connections (baseline: the POST alone, every other one
#      straight at chirp-tweetd), and the gateway's memory per idle
#      connection.
#
# Environment (all optional):
#   CHIRP_BENCH_SECONDS      duration of each wrk run (15)
#   CHIRP_BENCH_CONNECTIONS  wrk connections (32), on 2 wrk threads
#   CHIRP_BENCH_SOCKETS      live feed connections, one test each
#                            ("2000 10000")
#   CHIRP_BENCH_POSTS        tweets posted for the feed latency (30, half
#                            of them straight at chirp-tweetd)
#   CHIRP_BENCH_DATASET      the graph (../shared/datasets/socfb-Reed98 beside
#                            the repository)
#   CHIRP_BENCH_REPORT       also write the report to this file
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
export CHIRP_ROOT=$ROOT
BUILD=build
export CHIRP_BIN=$ROOT/$BUILD/bin
export CHIRP_TOOLS=$ROOT/$BUILD/tools
BENCH=$ROOT/$BUILD/bench
SECS=${CHIRP_BENCH_SECONDS:-15}
CONNS=${CHIRP_BENCH_CONNECTIONS:-32}
SOCKETS=${CHIRP_BENCH_SOCKETS:-2000 10000}
POSTS=${CHIRP_BENCH_POSTS:-30}
DATASET=${CHIRP_BENCH_DATASET:-$ROOT/../shared/datasets/socfb-Reed98}

# die MESSAGE: say why, with the tails of the system's logs once it runs.
die() {
	local f
	echo "bench: $*" >&2
	for f in "${T:-/nonexistent}"/*.log; do
		[ -f "$f" ] || continue
		echo "--- tail of $(basename "$f")" >&2
		tail -n 10 "$f" >&2
	done
	exit 1
}
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
[ -f "$DATASET/$(basename "$DATASET").edges" ] ||
	die "no dataset at '$DATASET' (set CHIRP_BENCH_DATASET)"

echo "== build (optimized, no sanitizers)"
make -s -j2 BUILD=$BUILD all benches || die "build failed"

# A throwaway cluster with durable commits (fsync and synchronous_commit
# on), removed at the end whatever happens.
PGROOT=$(mktemp -d /tmp/chirp-bench-pg.XXXXXX)
chmod 755 "$PGROOT"
export CHIRP_PGDIR=$PGROOT/pg
export CHIRP_PGPORT=$(( (RANDOM % 10000) + 40000 ))
export CHIRP_PG_FSYNC=on CHIRP_PG_SYNC_COMMIT=on
stop_pg() {
	"$ROOT/deploy/pg.sh" stop "$CHIRP_PGDIR" >/dev/null 2>&1
	rm -rf "$PGROOT"
}
trap stop_pg EXIT
echo "== postgresql (throwaway, durable commits, $CHIRP_PGDIR)"
"$ROOT/deploy/pg.sh" start "$CHIRP_PGDIR" "$CHIRP_PGPORT" ||
	die "postgresql did not start"

# The system, as the gateway's tests start it (tests/lib-system.sh), with
# lib.sh's cheap password hashing (CHIRP_PASSWORD_OPS=1,
# CHIRP_PASSWORD_MEM_KIB=1024) and the rate limit out of the way.
# shellcheck source=../lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=../lib-system.sh
. "$ROOT/tests/lib-system.sh"
trap 'cleanup; stop_pg; rm -rf "$T"' EXIT

REPORT=$T/report.txt
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }

echo "== system"
start_system --rate_limit 1000000000 || die "the system did not start"

say "chirp benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' \
    /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ {printf "%.1f GiB", \
    $2 / 1048576}' /proc/meminfo), Linux $(uname -r), shared: +-30%"
say "system: discovery, chirp-userd, chirp-tweetd, one chirp-gateway" \
    "(optimized build) on loopback; PostgreSQL $(psql -X -A -t -h \
    "$CHIRP_PGDIR/run" -p "$CHIRP_PGPORT" -U postgres -d postgres \
    -c 'SHOW server_version' | cut -d' ' -f1), fsync on," \
    "synchronous_commit on"
say "cheap password hashing for the benchmark: CHIRP_PASSWORD_OPS=1" \
    "CHIRP_PASSWORD_MEM_KIB=1024; gateway --rate_limit 1000000000;" \
    "log level $CHIRP_LOG_LEVEL"
say "load generators share the same cores as the system; the load" \
    "average says how busy the machine was with other work"
say ""

say "== 1. load $(basename "$DATASET") through the gateway (8 threads;" \
    "load average: $(cut -d' ' -f1-3 /proc/loadavg))"
timeout 600 "$BENCH/load_graph" "$GATEWAY" "$DATASET" "$T/tokens" 8 10 \
    2>"$T/load_graph.err" | tee -a "$REPORT"
[ -s "$T/tokens" ] || die "load_graph wrote no tokens: $(head -c 600 \
    "$T/load_graph.err")"
if [ -s "$T/load_graph.err" ]; then
	say "load_graph errors (first 5):"
	head -n 5 "$T/load_graph.err" | tee -a "$REPORT"
fi
say ""

# cpu_snapshot: CPU ticks used so far by the gateway, chirp-tweetd,
# chirp-userd and the PostgreSQL server (postmaster and its backends).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_snapshot() {
	local pm p pg=0
	pm=$(head -n 1 "$CHIRP_PGDIR/data/postmaster.pid" 2>/dev/null)
	for p in $pm $(ps -o pid= --ppid "$pm" 2>/dev/null); do
		pg=$((pg + $(cpu_ticks "$p")))
	done
	echo "$(cpu_ticks "$(pid_of gateway)") $(cpu_ticks "$(pid_of tweetd)")" \
	    "$(cpu_ticks "$(pid_of userd)") $pg"
}
CPU_ROWS=""
HZ=$(getconf CLK_TCK)

# wrk_run LABEL URL MIX: one wrk run, one table row (and a CPU row).
wrk_run() {
	local label=$1 url=$2 mix=$3 out=$T/wrk.out line sock before after n
	before=$(cpu_snapshot)
	CHIRP_TOKENS=$T/tokens CHIRP_MIX=$mix timeout $((SECS + 60)) \
	    wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s \
	    -s "$ROOT/tests/bench/mixed.lua" "$url" >"$out" 2>&1
	after=$(cpu_snapshot)
	line=$(grep -E "^$mix: " "$out" | tail -n 1)
	n=$(echo "$line" | awk '{ print $2 }')
	[ -n "$n" ] && [ "$n" -gt 0 ] && CPU_ROWS="$CPU_ROWS$(echo \
	    "$before $after" | awk -v l="$label" -v n="$n" -v hz="$HZ" '{
		f = 1e6 / hz / n
		printf "%-40s %9.0f %9.0f %9.0f %9.0f", l, ($5 - $1) * f,
		    ($6 - $2) * f, ($7 - $3) * f, ($8 - $4) * f }')
"
	sock=$(sed -n 's/^ *Socket errors: //p' "$out")
	if [ -z "$line" ]; then
		printf '%-40s  wrk failed: %s\n' "$label" \
		    "$(tr '\n' ' ' <"$out" | head -c 200)" | tee -a "$REPORT"
		return
	fi
	# "mix: N requests, R req/s, p50 A ms, p99 B ms, non-2xx E"
	echo "$line" | awk -v l="$label" -v s="${sock:-none}" '{
		gsub(",", "");
		printf "%-40s %9s %9s %9s %9s %8s  %s\n", l, $2, $4, $7, $10,
		    $13, s }' | tee -a "$REPORT"
}

say "== 2. request throughput (wrk, 2 threads, $CONNS connections," \
    "${SECS} s each; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
say "mix: DeathStarBench, 60% home timeline, 30% user timeline," \
    "10% posts of 256 characters"
printf '%-40s %9s %9s %9s %9s %8s  %s\n' "" requests "req/s" "p50 ms" \
    "p99 ms" "non-2xx" "socket errors" | tee -a "$REPORT"
wrk_run "mixed, through the gateway" "$GATEWAY" mixed
wrk_run "mixed, straight at chirp-tweetd" "$TWEETD" mixed
wrk_run "home timeline, through the gateway" "$GATEWAY" home
wrk_run "home timeline, straight at chirp-tweetd" "$TWEETD" home
say "(straight at chirp-tweetd is the baseline: the difference is the" \
    "gateway's cost)"
say ""
say "CPU time per request, microseconds (from /proc, 1/$HZ s ticks):"
printf '%-40s %9s %9s %9s %9s\n' "" gateway tweetd userd postgres |
    tee -a "$REPORT"
printf '%s' "$CPU_ROWS" | tee -a "$REPORT"
say ""

# Each count of connections gets a fresh gateway, so that its resident
# memory before the connections is not padded by heap freed earlier.
n=0
for sockets in $SOCKETS; do
	n=$((n + 1))
	port=$(free_port)
	start_gateway "feedgw$n" "$port" --rate_limit 1000000000 ||
		die "a gateway for the live feed did not start"
	say "== 3.$n live feed: $sockets WebSocket connections to a fresh" \
	    "gateway, $POSTS posts by the best-connected user (load" \
	    "average: $(cut -d' ' -f1-3 /proc/loadavg))"
	timeout 600 "$BENCH/feed_latency" "http://127.0.0.1:$port" \
	    "$T/tokens" --sockets "$sockets" --posts "$POSTS" \
	    --direct "$TWEETD" --gateway-pid "$(pid_of "feedgw$n")" \
	    2>"$T/feed.err" | tee -a "$REPORT"
	say "(every other post goes straight to chirp-tweetd: its round" \
	    "trip is the baseline)"
	if [ -s "$T/feed.err" ]; then
		say "feed_latency errors (first 5):"
		head -n 5 "$T/feed.err" | tee -a "$REPORT"
	fi
	say ""
	pid=$(pid_of "feedgw$n")
	kill -0 "$pid" 2>/dev/null ||
		say "WARNING: feedgw$n exited during the benchmark (see its log)"
	stop_proc "feedgw$n"
done

for p in $PIDS; do
	pid=$(pid_of "$p")
	[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null &&
		say "WARNING: $p exited during the benchmark (see its log)"
done
if grep -qiE 'assert|segmentation|abort' "$T"/*.log 2>/dev/null; then
	say "WARNING: a process log mentions a crash:"
	grep -iE 'assert|segmentation|abort' "$T"/*.log | head -n 5 |
	    tee -a "$REPORT"
fi

echo
echo "=================== report ==================="
cat "$REPORT"
[ -n "${CHIRP_BENCH_REPORT:-}" ] && cp "$REPORT" "$CHIRP_BENCH_REPORT"
exit 0
