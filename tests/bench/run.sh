#!/usr/bin/env bash
# tests/bench/run.sh: `make bench` and `make bench-quick`. Benchmarks that
# print figures and never judge them; each figure has a baseline measured
# in the same run, and the issue's targets are printed as a table of
# measured / baseline / ratio (docs/benchmarks.md).
#
#   1. the optimized build (build/bin, build/bench), a throwaway
#      PostgreSQL with durable commits, and a whole system (discovery,
#      chirp-userd, chirp-tweetd, one gateway) on loopback;
#   2. socfb-Reed98 loaded through the gateway (load_graph), or by COPY
#      (gen_graph --edges, deploy/bulk-load.sh, load_graph --login-only)
#      with CHIRP_BENCH_GRAPH_LOAD=copy, as bench-quick does;
#   3. wrk, DeathStarBench's mix at 8 and 32 connections through the
#      gateway, then (not quick) straight at chirp-tweetd and home
#      timelines alone; CPU per request by process from /proc;
#   3b. the database's own ceiling: pgbench -M prepared running chirp's
#      SQL mix (tests/bench/sql/) on a copy of the same tweet database;
#   3c. resident memory of all chirp processes at rest after the mix, and
#      after more rounds of it (growth);
#   4. live feed latency with feed_latency, on a fresh gateway for each
#      count of connections (baseline: the POST with one socket open, and
#      every other post straight at chirp-tweetd), and the gateway's
#      memory per idle connection;
#   5. the event log on each bus transport (PostgreSQL NOTIFY, NATS
#      JetStream), the services restarted on it: post-to-socket latency
#      to users with 1,000 and 10,000 followers, each follower connected
#      once (feed_latency), and posts per second sustained with live
#      delivery (post_rate: writers straight at chirp-tweetd, one
#      follower on the gateway; rounds in the order A B B A); the
#      transports side by side at the end;
#   6. scale: a generated graph (gen_graph: 100k users, power-law
#      followers, 1M tweets of 256 characters) loaded by
#      deploy/bulk-load.sh, home timelines of readers following 40, 200,
#      1,000 and 5,000 accounts through the gateway and by pgbench;
#   7. hooks: tests/bench/cli_startup.sh (the CLI's start-up) and
#      tests/bench/live_100k.sh (100,000 live connections) when present;
#   8. the targets table, and a Markdown report with gnuplot plots in
#      CHIRP_BENCH_OUT.
#
# Environment (all optional):
#   CHIRP_BENCH_QUICK        1: bench-quick (mix at 8 and 32 for 5 s, the
#                            pgbench mix, one live test at 2,000 sockets,
#                            Reed98 loaded by COPY)
#   CHIRP_BENCH_SECONDS      duration of each wrk and pgbench run (15; 5
#                            quick)
#   CHIRP_BENCH_MIX_CONNECTIONS  the mix's connection counts ("8 32")
#   CHIRP_BENCH_CONNECTIONS  wrk connections of the other runs (32), on 2
#                            wrk threads
#   CHIRP_BENCH_SOCKETS      live feed connections, one test each
#                            ("2000 10000"; 2000 quick); a test with one
#                            socket runs first as the baseline
#   CHIRP_BENCH_POSTS        tweets posted for the feed latency (30, half
#                            of them straight at chirp-tweetd)
#   CHIRP_BENCH_DATASET      the graph (../shared/datasets/socfb-Reed98 beside
#                            the repository)
#   CHIRP_BENCH_GRAPH_LOAD   api (default) or copy (quick)
#   CHIRP_BENCH_OUT          the report's folder (build/bench-report)
#   CHIRP_BENCH_REPORT       also write the text report to this file
#   CHIRP_BENCH_PARTS        which parts run ("graph requests sql rest
#                            feed log scale hooks"; requests, sql, rest
#                            and feed need graph)
#   CHIRP_BENCH_HOME_SQL     pgbench's home timeline: lateral, feed or auto
#                            (feed when the tweet database has a table
#                            "feed")
#   CHIRP_BENCH_REST_ROUNDS  part 3c: more rounds of the mix (2)
#   CHIRP_BENCH_SCALE_USERS, CHIRP_BENCH_SCALE_TWEETS, CHIRP_BENCH_SCALE_SEED,
#   CHIRP_BENCH_SCALE_READERS  part 6's graph (100000, 1000000, 42,
#                            "40 200 1000 5000"); generated once into
#                            build/bench-data/ and reused
#   CHIRP_BENCH_FOLLOWERS    part 5: follower counts, one poster each
#                            ("1000 10000")
#   CHIRP_BENCH_TRANSPORTS   part 5: "postgresql nats" (nats needs
#                            nats-server on PATH, else it is skipped)
#   CHIRP_BENCH_WRITERS      part 5: concurrent writers for posts/s (8)
#   CHIRP_BENCH_RATE_SECONDS part 5: how long they write (15)
#   CHIRP_BENCH_RATE_ROUNDS  part 5: rounds of posts/s on each transport,
#                            in turn A B B A ... (2)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
export CHIRP_ROOT=$ROOT
BUILD=build
export CHIRP_BIN=$ROOT/$BUILD/bin
export CHIRP_TOOLS=$ROOT/$BUILD/tools
BENCH=$ROOT/$BUILD/bench
QUICK=${CHIRP_BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	SECS=${CHIRP_BENCH_SECONDS:-5}
	SOCKETS=${CHIRP_BENCH_SOCKETS:-2000}
	PARTS=${CHIRP_BENCH_PARTS:-graph requests sql rest feed}
	GRAPH_LOAD=${CHIRP_BENCH_GRAPH_LOAD:-copy}
	POSTS=${CHIRP_BENCH_POSTS:-20}
else
	SECS=${CHIRP_BENCH_SECONDS:-15}
	SOCKETS=${CHIRP_BENCH_SOCKETS:-2000 10000}
	PARTS=${CHIRP_BENCH_PARTS:-graph requests sql rest feed log scale hooks}
	GRAPH_LOAD=${CHIRP_BENCH_GRAPH_LOAD:-api}
	POSTS=${CHIRP_BENCH_POSTS:-30}
fi
MIX_CONNS=${CHIRP_BENCH_MIX_CONNECTIONS:-8 32}
CONNS=${CHIRP_BENCH_CONNECTIONS:-32}
DATASET=${CHIRP_BENCH_DATASET:-$ROOT/../shared/datasets/socfb-Reed98}
OUT=${CHIRP_BENCH_OUT:-$ROOT/build/bench-report}
HOME_SQL=${CHIRP_BENCH_HOME_SQL:-auto}
REST_ROUNDS=${CHIRP_BENCH_REST_ROUNDS:-2}
SCALE_USERS=${CHIRP_BENCH_SCALE_USERS:-100000}
SCALE_TWEETS=${CHIRP_BENCH_SCALE_TWEETS:-1000000}
SCALE_SEED=${CHIRP_BENCH_SCALE_SEED:-42}
SCALE_READERS=${CHIRP_BENCH_SCALE_READERS:-40 200 1000 5000}
FOLLOWERS=${CHIRP_BENCH_FOLLOWERS:-1000 10000}
TRANSPORTS=${CHIRP_BENCH_TRANSPORTS:-postgresql nats}
WRITERS=${CHIRP_BENCH_WRITERS:-8}
RATE_SECS=${CHIRP_BENCH_RATE_SECONDS:-15}
RATE_ROUNDS=${CHIRP_BENCH_RATE_ROUNDS:-2}
# part NAME: that part runs (CHIRP_BENCH_PARTS).
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

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
if ! part graph; then
	PARTS=${PARTS//requests/}; PARTS=${PARTS//feed/}
	PARTS=${PARTS//sql/}; PARTS=${PARTS//rest/}
fi
# A missing tool skips what needs it, saying why; nothing else stops.
SKIPPED=""
skip() { SKIPPED="$SKIPPED$1: skipped, $2
"; PARTS=${PARTS//$1/}; }
command -v wrk >/dev/null || { skip requests "wrk is not installed (deploy/deps.sh bench)"; skip rest "wrk is not installed"; skip scale "wrk is not installed"; }
command -v pgbench >/dev/null || skip sql "pgbench is not installed (postgresql-contrib)"
part graph && ! [ -f "$DATASET/$(basename "$DATASET").edges" ] &&
	die "no dataset at '$DATASET' (set CHIRP_BENCH_DATASET)"
case $GRAPH_LOAD in api|copy) ;; *) die "CHIRP_BENCH_GRAPH_LOAD is api or copy" ;; esac
case $HOME_SQL in auto|lateral|feed) ;; *) die "CHIRP_BENCH_HOME_SQL is auto, lateral or feed" ;; esac
for n in $FOLLOWERS $WRITERS $RATE_SECS $RATE_ROUNDS $SECS $SCALE_USERS \
    $SCALE_TWEETS $SCALE_READERS $MIX_CONNS $REST_ROUNDS; do
	case $n in ''|*[!0-9]*|0) die "a count is not a positive integer: '$n'" ;; esac
done

echo "== build (optimized, no sanitizers)"
make -s -j2 BUILD=$BUILD all benches || die "build failed"

# A throwaway cluster with durable commits (fsync and synchronous_commit
# on), removed at the end whatever happens.
# shellcheck source=../lib-pg.sh
. "$ROOT/tests/lib-pg.sh"
echo "== postgresql (throwaway, durable commits)"
pg_throwaway chirp-bench-pg on || die "postgresql did not start"

# The system, as the gateway's tests start it (tests/lib-system.sh), with
# lib.sh's cheap password hashing (CHIRP_PASSWORD_OPS=1,
# CHIRP_PASSWORD_MEM_KIB=1024) and the rate limit out of the way.
# shellcheck source=../lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=../lib-system.sh
. "$ROOT/tests/lib-system.sh"
trap 'cleanup; stop_pg; rm -rf "$T"' EXIT
# chirp-userd's password pool queues 2 x cores hashes by default and
# answers 429 past that; the loaders run 8 threads (they also retry 429).
export CHIRP_PASSWORD_QUEUE=${CHIRP_PASSWORD_QUEUE:-64}

REPORT=$T/report.txt
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
# The figures the targets table and the plots use: "KEY VALUE" lines.
FIGS=$T/figures
: >"$FIGS"
fig_put() { printf '%s %s\n' "$1" "$2" >>"$FIGS"; }
fig() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$FIGS"; }
STARTED=$(date +%s)
# progress TEXT: where the run is, with the time since it started.
progress() {
	local e=$(($(date +%s) - STARTED))
	printf '== [%d:%02d] %s\n' $((e / 60)) $((e % 60)) "$*" >&2
}
rm -rf "$OUT"
mkdir -p "$OUT" || die "cannot create $OUT"
: >"$OUT/latency.dat"

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
    "CHIRP_PASSWORD_MEM_KIB=1024 CHIRP_PASSWORD_QUEUE=$CHIRP_PASSWORD_QUEUE;" \
    "gateway --rate_limit 1000000000;" \
    "log level $CHIRP_LOG_LEVEL"
say "load generators share the same cores as the system; the load" \
    "average says how busy the machine was with other work"
say ""

# restart_system [GATEWAY FLAGS...]: chirp-userd, chirp-tweetd (on USERDB,
# TWEETDB, the same ports) and the gateway started again.
restart_system() {
	start_userd_d userd "$USERD_PORT" &&
	    start_tweetd_d tweetd "$TWEETD_PORT" &&
	    start_gateway gateway "$GATEWAY_PORT" --rate_limit 1000000000
}
# bulk_load DIR: the CSV files of DIR into USERDB and TWEETDB through the
# admin path (deploy/bulk-load.sh), the services stopped meanwhile.
bulk_load() {
	stop_proc gateway
	stop_proc tweetd
	stop_proc userd
	"$ROOT/deploy/bulk-load.sh" "$1" "$USERDB" "$TWEETDB" 2>&1 |
	    tee -a "$REPORT"
	[ "${PIPESTATUS[0]}" = 0 ] || die "the bulk load failed"
	restart_system || die "the system did not start again"
}

if part graph && [ "$GRAPH_LOAD" = copy ]; then
	progress "graph: $(basename "$DATASET") by COPY"
	say "== 1. load $(basename "$DATASET") by COPY (gen_graph --edges," \
	    "deploy/bulk-load.sh), then log every user in (8 threads; load" \
	    "average: $(cut -d' ' -f1-3 /proc/loadavg))"
	mkdir -p "$T/reed"
	"$BENCH/gen_graph" "$T/reed" --edges "$DATASET" \
	    --posts-per-user 10 >/dev/null || die "gen_graph failed"
	bulk_load "$T/reed"
	timeout 600 "$BENCH/load_graph" "$GATEWAY" "$DATASET" "$T/tokens" 8 0 \
	    --login-only 2>"$T/load_graph.err" | tee -a "$REPORT"
elif part graph; then
	progress "graph: $(basename "$DATASET") through the API"
	say "== 1. load $(basename "$DATASET") through the gateway (8 threads;" \
	    "load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	timeout 600 "$BENCH/load_graph" "$GATEWAY" "$DATASET" "$T/tokens" 8 10 \
	    2>"$T/load_graph.err" | tee -a "$REPORT"
fi
if part graph; then
	[ -s "$T/tokens" ] || die "load_graph wrote no tokens: $(head -c 600 \
	    "$T/load_graph.err")"
	if [ -s "$T/load_graph.err" ]; then
		say "load_graph errors (first 5):"
		head -n 5 "$T/load_graph.err" | tee -a "$REPORT"
	fi
	say ""
fi

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

# wrk_run LABEL URL MIX CONNS KEY [TOKENS]: one wrk run, one table row
# (and a CPU row); its figures under KEY (KEY.rps, .p50, .p99, .errors,
# .cpu_gateway, .cpu_tweetd, .cpu_userd, .cpu_postgres) and its latency
# curve in $OUT/latency.dat.
wrk_run() {
	local label=$1 url=$2 mix=$3 conns=$4 key=$5 tokens=${6:-$T/tokens}
	local out=$T/wrk.out line sock before after n cpu
	progress "wrk: $label"
	before=$(cpu_snapshot)
	CHIRP_TOKENS=$tokens CHIRP_MIX=$mix timeout $((SECS + 60)) \
	    wrk -t2 -c"$conns" -d"${SECS}s" --timeout 10s \
	    -s "$ROOT/tests/bench/mixed.lua" "$url" >"$out" 2>&1
	after=$(cpu_snapshot)
	line=$(grep -E "^$mix: " "$out" | tail -n 1)
	n=$(echo "$line" | awk '{ print $2 }')
	if [ -n "$n" ] && [ "$n" -gt 0 ]; then
		cpu=$(echo "$before $after" | awk -v n="$n" -v hz="$HZ" '{
			f = 1e6 / hz / n
			printf "%.0f %.0f %.0f %.0f", ($5 - $1) * f,
			    ($6 - $2) * f, ($7 - $3) * f, ($8 - $4) * f }')
		CPU_ROWS="$CPU_ROWS$(printf '%-44s' "$label")$(echo "$cpu" |
		    awk '{ printf " %9s %9s %9s %9s", $1, $2, $3, $4 }')
"
		set -- $cpu
		fig_put "$key.cpu_gateway" "$1"
		fig_put "$key.cpu_tweetd" "$2"
		fig_put "$key.cpu_userd" "$3"
		fig_put "$key.cpu_postgres" "$4"
	fi
	sock=$(sed -n 's/^ *Socket errors: //p' "$out")
	if [ -z "$line" ]; then
		printf '%-44s  wrk failed: %s\n' "$label" \
		    "$(tr '\n' ' ' <"$out" | head -c 200)" | tee -a "$REPORT"
		return
	fi
	# "mix: N requests, R req/s, p50 A ms, p99 B ms, non-2xx E"
	echo "$line" | awk -v l="$label" -v s="${sock:-none}" '{
		gsub(",", "");
		printf "%-44s %9s %9s %9s %9s %8s  %s\n", l, $2, $4, $7, $10,
		    $13, s }' | tee -a "$REPORT"
	set -- $(echo "$line" | tr -d ,)
	fig_put "$key.rps" "$4"
	fig_put "$key.p50" "$7"
	fig_put "$key.p99" "${10}"
	# socket errors count as errors too
	fig_put "$key.errors" $(( ${13} + $(echo "${sock:-0}" |
	    grep -o '[0-9][0-9]*' | awk '{ s += $1 } END { print s + 0 }') ))
	grep -E "^$mix percentiles ms: " "$out" | tail -n 1 |
	    awk -v l="$label" '{ printf "\"%s\" %s %s %s %s %s\n", l,
		$5, $7, $9, $11, $13 }' >>"$OUT/latency.dat"
}
wrk_header() {
	printf '%-44s %9s %9s %9s %9s %8s  %s\n' "" requests "req/s" "p50 ms" \
	    "p99 ms" "non-2xx" "socket errors" | tee -a "$REPORT"
}
# rss_all: resident memory of every chirp process of the system, KiB.
rss_all() {
	local p pid kib=0
	for p in discovery userd tweetd gateway; do
		pid=$(pid_of "$p")
		[ -n "$pid" ] || continue
		kib=$((kib + $(awk '/^VmRSS:/ { print $2 }' \
		    "/proc/$pid/status" 2>/dev/null || echo 0)))
	done
	echo "$kib"
}

if part requests; then
	say "== 2. request throughput (wrk, 2 threads, ${SECS} s each; load" \
	    "average: $(cut -d' ' -f1-3 /proc/loadavg))"
	say "mix: DeathStarBench, 60% home timeline, 30% user timeline," \
	    "10% posts of 256 characters"
	wrk_header
	for c in $MIX_CONNS; do
		wrk_run "mixed, $c connections, through the gateway" \
		    "$GATEWAY" mixed "$c" "mix_gw_$c"
		fig_put "rest_after_mix_$c" "$(rss_all)"
	done
	if [ "$QUICK" != 1 ]; then
		wrk_run "mixed, $CONNS connections, straight at tweetd" \
		    "$TWEETD" mixed "$CONNS" "mix_td_$CONNS"
		wrk_run "home timeline, 8 connections, via gateway" \
		    "$GATEWAY" home 8 home_gw_8
		wrk_run "home timeline, $CONNS connections, via gateway" \
		    "$GATEWAY" home "$CONNS" "home_gw_$CONNS"
		wrk_run "home timeline, $CONNS connections, at tweetd" \
		    "$TWEETD" home "$CONNS" "home_td_$CONNS"
	fi
	[ "$QUICK" != 1 ] && say "(straight at chirp-tweetd is the baseline:" \
	    "the difference is the gateway's cost)"
	say ""
	say "CPU time per request, microseconds (from /proc, 1/$HZ s ticks):"
	printf '%-44s %9s %9s %9s %9s\n' "" gateway tweetd userd postgres |
	    tee -a "$REPORT"
	printf '%s' "$CPU_ROWS" | tee -a "$REPORT"
	say ""
fi

# pgb_run LABEL KEY DBURL READERS CLIENTS SCRIPT@WEIGHT...: one pgbench
# run (-M prepared, 2 threads), one table row; figures under KEY (.tps,
# .p50, .p99 from the per-transaction log) and the latency curve.
pgb_run() {
	local label=$1 key=$2 db=$3 readers=$4 clients=$5 out=$T/pgb.out
	local args="" w tps
	shift 5
	for w in "$@"; do args="$args -f $ROOT/tests/bench/sql/$w"; done
	progress "pgbench: $label"
	rm -f "$T"/pgblog.*
	# shellcheck disable=SC2086
	timeout $((SECS + 60)) pgbench -n -M prepared -c "$clients" -j 2 \
	    -T "$SECS" -D readers="$readers" $args -l \
	    --log-prefix="$T/pgblog" "$db" >"$out" 2>&1
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' "$out")
	if [ -z "$tps" ]; then
		printf '%-44s  pgbench failed: %s\n' "$label" \
		    "$(grep -v '^pgbench: warning' "$out" | tr '\n' ' ' |
		    head -c 300)" | tee -a "$REPORT"
		return
	fi
	# column 3 of pgbench's log: the transaction's latency, us
	cat "$T"/pgblog.* | awk '{ print $3 / 1000 }' | sort -n >"$T/pgb.lat"
	set -- $(awk '{ v[NR] = $1 } END {
		n = NR; if (n == 0) { print "0 0 0 0 0 0"; exit }
		split("50 75 90 99 99.9", q, " ")
		printf "%d", n
		for (i = 1; i <= 5; i++) {
			r = int(q[i] / 100 * n + 0.999999); if (r < 1) r = 1
			printf " %.2f", v[r] }
		printf "\n" }' "$T/pgb.lat")
	printf '%-44s %9s %9.0f %9s %9s %8s\n' "$label" "$1" "$tps" "$2" \
	    "$5" "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' \
	    "$out")" | tee -a "$REPORT"
	fig_put "$key.tps" "$(printf '%.0f' "$tps")"
	fig_put "$key.p50" "$2"
	fig_put "$key.p99" "$5"
	printf '"%s" %s %s %s %s %s\n' "$label" "$2" "$3" "$4" "$5" "$6" \
	    >>"$OUT/latency.dat"
}
# home_script DBURL: the pgbench script of the home timeline to run.
home_script() {
	local h=$HOME_SQL
	if [ "$h" = auto ]; then
		h=lateral
		[ "$(sql "$1" "SELECT to_regclass('feed') IS NOT NULL")" = t ] &&
			h=feed
	fi
	echo "home-$h.sql"
}
# bench_readers USERDB DBURL IDS_FILE: the table the pgbench scripts pick
# readers from, in DBURL: the users of IDS_FILE (one id a line) with
# whom they follow, and themselves (chirp-tweetd's feed_authors).
bench_readers() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" \
	    -c "CREATE TEMP TABLE ids (id bigint)" \
	    -c "\\copy ids FROM '$3'" \
	    -c "\\copy (SELECT row_number() OVER (ORDER BY i.id), i.id,
		'{' || concat_ws(',', (SELECT string_agg(f.followee_id::text,
		',') FROM follows f WHERE f.follower_id = i.id), i.id) || '}'
		FROM ids i) TO '$T/readers.copy'" &&
	    psql -X -q -v ON_ERROR_STOP=1 -d "$2" \
	    -c "SET client_min_messages = warning" \
	    -c "DROP TABLE IF EXISTS bench_readers" \
	    -c "CREATE TABLE bench_readers (n int PRIMARY KEY,
		user_id bigint NOT NULL, authors text NOT NULL)" \
	    -c "\\copy bench_readers FROM '$T/readers.copy'" \
	    -c "ANALYZE bench_readers"
}

if part sql; then
	# A copy of the tweet database, so that pgbench's posts wake no
	# publisher and change nothing the system serves (NOTIFY is per
	# database: nobody listens on the copy).
	progress "pgbench: copying the tweet database"
	SQLDB=chirp_sqlbench_$$
	SQLURL=$(echo "$TWEETDB" | sed "s|^postgresql:///[^?]*|postgresql:///$SQLDB|")
	admin "CREATE DATABASE $SQLDB" >/dev/null
	pg_dump --no-owner --no-privileges "$TWEETDB" | psql -X -q -d "$SQLURL" \
	    >/dev/null 2>"$T/pgdump.err"
	cut -d' ' -f1 "$T/tokens" >"$T/reader_ids"
	bench_readers "$USERDB" "$SQLURL" "$T/reader_ids" ||
		die "cannot fill bench_readers"
	NREADERS=$(wc -l <"$T/reader_ids")
	HOME_FILE=$(home_script "$SQLURL")
	say "== 2b. the database's own ceiling: pgbench -M prepared, 2" \
	    "threads, ${SECS} s each, on a copy of the same tweet database"
	say "scripts: tests/bench/sql/ ($HOME_FILE@60 user.sql@30" \
	    "post.sql@10 for the mix), $NREADERS readers; durable commits"
	printf '%-44s %9s %9s %9s %9s %8s\n' "" transactions TPS "p50 ms" \
	    "p99 ms" failed | tee -a "$REPORT"
	for c in $MIX_CONNS; do
		pgb_run "SQL mix, $c clients" "sql_mix_$c" "$SQLURL" \
		    "$NREADERS" "$c" "$HOME_FILE@60" user.sql@30 post.sql@10
	done
	if [ "$QUICK" != 1 ]; then
		pgb_run "home timeline SQL, 8 clients" sql_home_8 "$SQLURL" \
		    "$NREADERS" 8 "$HOME_FILE"
		pgb_run "user timeline SQL, 8 clients" sql_user_8 "$SQLURL" \
		    "$NREADERS" 8 user.sql
	fi
	admin "DROP DATABASE $SQLDB" >/dev/null
	say ""
fi

if part rest; then
	say "== 2c. resident memory of all chirp processes (discovery," \
	    "chirp-userd, chirp-tweetd, gateway), not PostgreSQL"
	last=${MIX_CONNS##* }
	first=$(fig "rest_after_mix_$last")
	if [ "$QUICK" != 1 ] && part requests; then
		say "after the mix at $last connections: $((first / 1024)) MiB;" \
		    "then $REST_ROUNDS more rounds of it"
		for r in $(seq 1 "$REST_ROUNDS"); do
			wrk_run "mixed, round $((r + 1)) (growth)" "$GATEWAY" \
			    mixed "$last" "mix_rest_$r" >/dev/null
			sleep 2
			say "after round $((r + 1)): $(($(rss_all) / 1024)) MiB"
		done
	fi
	sleep 2
	now=$(rss_all)
	fig_put rest_kib "$now"
	[ -n "$first" ] && fig_put rest_growth_kib $((now - first))
	say "at rest now: $now KiB; growth since the first mix at $last" \
	    "connections: $((now - ${first:-$now})) KiB"
	say ""
fi

# feed_fig FILE LABEL K: in feed_latency's table row LABEL, the figure K
# places before the last (2: p50, 1: p99).
feed_fig() {
	awk -v l="$2" -v k="$3" 'index($0, l) == 1 { print $(NF - k); exit }' \
	    "$1" 2>/dev/null
}

if part feed; then
	# Each count of connections gets a fresh gateway, so that its resident
	# memory before the connections is not padded by heap freed earlier.
	n=0
	# One socket first: the POST's round trip with (almost) none open.
	for sockets in 1 $SOCKETS; do
		n=$((n + 1))
		progress "live feed: $sockets WebSocket connections"
		port=$(free_port)
		start_gateway "feedgw$n" "$port" --rate_limit 1000000000 ||
			die "a gateway for the live feed did not start"
		say "== 3.$n live feed: $sockets WebSocket connections to a fresh" \
		    "gateway, $POSTS posts by the best-connected user (load" \
		    "average: $(cut -d' ' -f1-3 /proc/loadavg))"
		timeout 600 "$BENCH/feed_latency" "http://127.0.0.1:$port" \
		    "$T/tokens" --sockets "$sockets" --posts "$POSTS" \
		    --direct "$TWEETD" --gateway-pid "$(pid_of "feedgw$n")" \
		    --samples "$OUT/delivery_$sockets.dat" \
		    2>"$T/feed.err" | tee "$T/feed.$sockets" | tee -a "$REPORT"
		fig_put "feed_$sockets.post_p50" "$(feed_fig "$T/feed.$sockets" \
		    'POST round trip, via the gateway' 2)"
		fig_put "feed_$sockets.post_p99" "$(feed_fig "$T/feed.$sockets" \
		    'POST round trip, via the gateway' 1)"
		fig_put "feed_$sockets.frame_p99" "$(feed_fig "$T/feed.$sockets" \
		    'POST -> frame, posted via gateway' 1)"
		fig_put "feed_$sockets.bytes" "$(sed -n \
		    's/.*: \([0-9]*\) bytes per idle connection$/\1/p' \
		    "$T/feed.$sockets")"
		fig_put "feed_$sockets.lost" "$(sed -n \
		    's/.* \([0-9]*\) lost, .*/\1/p' "$T/feed.$sockets")"
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
fi

if part log; then
	# The users of part 4: one poster for each count of followers (nodes
	# 0..K-1), the writers of the posts/s test (K..K+WRITERS-1), then as
	# many fans as the largest count. Fan f follows poster j when f is
	# below poster j's count; fan 0, the one follower connected for the
	# posts/s test, also follows every writer.
	set -- $FOLLOWERS
	K=$#
	MAXF=$(printf '%s\n' $FOLLOWERS | sort -n | tail -n 1)
	LOGG=$T/logusers
	mkdir -p "$LOGG"
	echo $((K + WRITERS + MAXF)) >"$LOGG/logusers.nodes"
	awk -v k="$K" -v w="$WRITERS" -v counts="$FOLLOWERS" 'BEGIN {
		n = split(counts, c, " ")
		for (j = 1; j <= n; j++)
			for (f = 0; f < c[j]; f++)
				print k + w + f, j - 1
		for (i = 0; i < w; i++)
			print k + w, k + i
	}' >"$LOGG/logusers.edges"
	# log_user N: the id of node N (load_graph writes them in order).
	log_user() { sed -n "$(($1 + 1))p" "$T/log_tokens" | cut -d' ' -f1; }

	say "== 4. the event log on each bus transport (${TRANSPORTS})"
	say "users: $K posters with $FOLLOWERS followers, $WRITERS" \
	    "writers, $MAXF fans; loaded through the gateway, 8 threads" \
	    "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	timeout 1200 "$BENCH/load_graph" "$GATEWAY" "$LOGG" "$T/log_tokens" \
	    8 0 --directed --prefix log 2>"$T/log_graph.err" |
	    tee -a "$REPORT"
	[ "$(wc -l <"$T/log_tokens" 2>/dev/null || echo 0)" -eq \
	    $((K + WRITERS + MAXF)) ] || die "not every user of part 4" \
	    "was loaded: $(head -c 600 "$T/log_graph.err")"
	if [ -s "$T/log_graph.err" ]; then
		say "load_graph errors (first 5):"
		head -n 5 "$T/log_graph.err" | tee -a "$REPORT"
	fi
	say "each transport: chirp-userd and chirp-tweetd restarted on it" \
	    "(same databases and ports), then a fresh gateway for each test"
	say ""

	# on_transport postgresql|nats: the services restarted on that bus,
	# the system's first gateway stopped (every test starts its own).
	on_transport() {
		stop_proc gateway
		stop_proc tweetd
		stop_proc userd
		if [ "$1" = nats ]; then
			if [ -z "$NATS_PID" ]; then
				NATS_PORT=$(free_port)
				nats-server -js -sd "$T/nats" -p "$NATS_PORT" \
				    -a 127.0.0.1 >>"$T/nats.log" 2>&1 &
				NATS_PID=$!
				wait_until 10 bash -c \
				    "exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT" ||
					return 1
			fi
			export CHIRP_BUS_URL=nats://127.0.0.1:$NATS_PORT
		else
			unset CHIRP_BUS_URL
		fi
		start_userd_d userd "$USERD_PORT" &&
		    start_tweetd_d tweetd "$TWEETD_PORT"
	}
	# row_fig FILE LABEL: "p50 / p99" of the table row LABEL in FILE
	# (not "fig": that is the figures file's, and functions are global).
	row_fig() {
		awk -v l="$2" 'index($0, l) == 1 { printf "%s / %s", \
		    $(NF - 2), $(NF - 1); exit }' "$1" 2>/dev/null
	}
	loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

	# rate_test TR ROUND: posts/s with live delivery on transport TR, the
	# services already on it, into $T/rate.TR.ROUND.
	rate_test() {
		local tr=$1 round=$2 name=rategw_$1_$2 port writers i
		s=$((s + 1))
		port=$(free_port)
		start_gateway "$name" "$port" --rate_limit 1000000000 ||
			die "a gateway for part 4 did not start"
		writers=""
		for i in $(seq 0 $((WRITERS - 1))); do
			writers="$writers $(log_user $((K + i)))"
		done
		say "== 4.$s $(tr_label "$tr"): posts per second with live" \
		    "delivery, $WRITERS writers straight at chirp-tweetd for" \
		    "$RATE_SECS s, round $round of $RATE_ROUNDS (load" \
		    "average: $(loadavg))"
		# shellcheck disable=SC2086
		timeout $((RATE_SECS + 120)) "$BENCH/post_rate" \
		    "http://127.0.0.1:$port" "$TWEETD" "$T/log_tokens" \
		    --follower "$(log_user $((K + WRITERS)))" \
		    --writers "$WRITERS" --seconds "$RATE_SECS" $writers \
		    2>"$T/rate.err" | tee "$T/rate.$tr.$round" |
		    tee -a "$REPORT"
		if [ -s "$T/rate.err" ]; then
			say "post_rate errors (first 5):"
			head -n 5 "$T/rate.err" | tee -a "$REPORT"
		fi
		kill -0 "$(pid_of "$name")" 2>/dev/null || say \
		    "WARNING: $name exited during the benchmark"
		stop_proc "$name"
		say ""
	}
	tr_label() {
		case $1 in
		postgresql) echo "PostgreSQL NOTIFY" ;;
		nats) echo "NATS JetStream" ;;
		*) die "unknown transport '$1' (postgresql, nats)" ;;
		esac
	}
	# switch_to TR: the services on TR unless they are already.
	switch_to() {
		[ "${CUR_TR:-}" = "$1" ] && return 0
		echo "== restarting chirp-userd and chirp-tweetd on" \
		    "$(tr_label "$1")"
		on_transport "$1" ||
			die "the services did not start on $(tr_label "$1")"
		CUR_TR=$1
	}

	s=0
	DONE_TR=""
	for tr in $TRANSPORTS; do
		label=$(tr_label "$tr") || exit 1
		if [ "$tr" = nats ] && ! command -v nats-server >/dev/null; then
			say "== 4.x $label: skipped, nats-server is not" \
			    "installed (deploy/deps.sh nats)"
			say ""
			continue
		fi
		switch_to "$tr"
		j=0
		for count in $FOLLOWERS; do
			s=$((s + 1))
			name=loggw_${tr}_$j
			port=$(free_port)
			start_gateway "$name" "$port" --rate_limit 1000000000 ||
				die "a gateway for part 4 did not start"
			say "== 4.$s $label: a user with $count followers, each" \
			    "connected once to a fresh gateway, $POSTS posts" \
			    "(load average: $(loadavg))"
			timeout 900 "$BENCH/feed_latency" \
			    "http://127.0.0.1:$port" "$T/log_tokens" \
			    --sockets "$count" --posts "$POSTS" \
			    --poster "$(log_user "$j")" --direct "$TWEETD" \
			    --gateway-pid "$(pid_of "$name")" \
			    2>"$T/feed.err" | tee "$T/lat.$tr.$j" |
			    tee -a "$REPORT"
			if [ -s "$T/feed.err" ]; then
				say "feed_latency errors (first 5):"
				head -n 5 "$T/feed.err" | tee -a "$REPORT"
			fi
			kill -0 "$(pid_of "$name")" 2>/dev/null || say \
			    "WARNING: $name exited during the benchmark"
			stop_proc "$name"
			say ""
			j=$((j + 1))
		done

		rate_test "$tr" 1
		DONE_TR="$DONE_TR $tr"
	done
	# More rounds of posts/s, each in the other order than the last
	# (A B B A ...): what runs later runs on a busier database and
	# sometimes a busier machine, and this spreads that evenly.
	order=$DONE_TR
	for round in $(seq 2 "$RATE_ROUNDS"); do
		order=$(printf '%s\n' $order | tac | paste -sd' ' -)
		for tr in $order; do
			switch_to "$tr"
			rate_test "$tr" "$round"
		done
	done

	# The transports side by side: each column is one transport, the
	# rows their baselines (the POST alone; PostgreSQL NOTIFY for
	# JetStream).
	say "== 4.$((s + 1)) the transports side by side (ms: p50 / p99)"
	row() {
		local t
		printf '%-46s' "$1"
		for t in $DONE_TR; do printf ' %18s' "$(eval "$2")"; done
		printf '\n'
	}
	{
		printf '%-46s' ""
		for t in $DONE_TR; do printf ' %18s' "$t"; done
		printf '\n'
		j=0
		for count in $FOLLOWERS; do
			f='$T/lat.$t.'$j
			row "$count followers: POST at tweetd (baseline)" \
			    "row_fig $f 'POST round trip, straight at tweetd'"
			row "$count followers: POST -> frame, at tweetd" \
			    "row_fig $f 'POST -> frame, posted at tweetd'"
			row "$count followers: POST via the gateway" \
			    "row_fig $f 'POST round trip, via the gateway'"
			row "$count followers: POST -> frame, via gateway" \
			    "row_fig $f 'POST -> frame, posted via gateway'"
			row "$count followers: lost / duplicated" \
			    "sed -n 's/.* \([0-9]*\) lost, \([0-9]*\) duplicated.*/\1 \/ \2/p' $f"
			j=$((j + 1))
		done
		for round in $(seq 1 "$RATE_ROUNDS"); do
			f='$T/rate.$t.'$round
			row "posts/s with live delivery, round $round" \
			    "sed -n 's/^posts: .*(\([0-9]*\) posts\/s).*/\1/p' $f"
			row "  POST round trip at tweetd" \
			    "row_fig $f 'POST round trip'"
			row "  POST -> frame at the follower" \
			    "row_fig $f 'POST start -> frame'"
			row "  every post delivered exactly once" \
			    "sed -n 's/^every post delivered exactly once: //p' $f"
		done
	} | tee -a "$REPORT"
	say ""
fi

if part scale; then
	# The generated graph, once per set of arguments (build/ is ignored
	# by git; the files are about 350 MB at the default size).
	key=$(echo "u$SCALE_USERS-t$SCALE_TWEETS-s$SCALE_SEED-r$SCALE_READERS" |
	    tr ' ' _)
	DATA=$ROOT/build/bench-data/scale-$key
	if ! [ -s "$DATA/done" ]; then
		progress "scale: generating the graph ($key)"
		mkdir -p "$DATA"
		"$BENCH/gen_graph" "$DATA" --users "$SCALE_USERS" \
		    --tweets "$SCALE_TWEETS" --seed "$SCALE_SEED" \
		    --readers "$SCALE_READERS" >"$DATA/done" ||
			die "gen_graph failed"
	fi
	progress "scale: bulk load into fresh databases"
	say "== 6. scale: a generated graph (gen_graph: $SCALE_USERS users," \
	    "power-law followers, $SCALE_TWEETS tweets of 256 characters," \
	    "skewed authors, seed $SCALE_SEED), loaded by deploy/bulk-load.sh"
	sed 's/^/   /' "$DATA/done" | tee -a "$REPORT"
	stop_proc gateway
	stop_proc tweetd
	stop_proc userd
	unset CHIRP_BUS_URL
	USERDB=$(test_db scale_u)
	TWEETDB=$(test_db scale_t)
	# the services migrate the new databases, then stop for the load
	start_userd_d userd "$USERD_PORT" && start_tweetd_d tweetd "$TWEETD_PORT" ||
		die "the services did not start on the new databases"
	bulk_load "$DATA"
	say "readers following $SCALE_READERS accounts, 8 of each; home" \
	    "timelines through the gateway (wrk, 8 connections, ${SECS} s)" \
	    "and by pgbench (8 clients, $(home_script "$TWEETDB"))"
	wrk_header
	for cls in $SCALE_READERS; do
		: >"$T/scale_tokens_$cls"
		awk -v c="$cls" '$3 == c { print $1, $2 }' "$DATA/readers.txt" |
		while read -r id name; do
			curl -s -H 'Content-Type: application/json' --data \
			    "{\"username\":\"$name\",\"password\":\"benchmark-password\"}" \
			    "$GATEWAY/users/login" | jq -r \
			    "select(.accessToken) | \"$id \" + .accessToken"
		done >"$T/scale_tokens_$cls"
		if ! [ -s "$T/scale_tokens_$cls" ]; then
			say "readers of $cls: no reader could log in"
			continue
		fi
		# Each reader's first read builds the feed from the authors'
		# timelines (a reader new or back after feed_keep_days): timed
		# on its own, then wrk measures the reads that follow.
		build=$(while read -r id tok; do
			curl -s -o /dev/null -w '%{time_total}\n' \
			    -H "Authorization: Bearer $tok" \
			    "$GATEWAY/tweets/homeTimeline/$id"
		done <"$T/scale_tokens_$cls" | sort -n | tail -n 1)
		say "readers of $cls: the slowest first read (it builds the" \
		    "feed): $(awk -v s="${build:-0}" 'BEGIN { printf "%.0f", s * 1000 }') ms"
		wrk_run "home, $cls followings, via gateway" "$GATEWAY" home 8 \
		    "scale_$cls" "$T/scale_tokens_$cls"
	done
	if part sql; then
		for cls in $SCALE_READERS; do
			cut -d' ' -f1 "$T/scale_tokens_$cls" >"$T/scale_ids_$cls"
			[ -s "$T/scale_ids_$cls" ] || continue
			bench_readers "$USERDB" "$TWEETDB" "$T/scale_ids_$cls" ||
				continue
			pgb_run "home SQL, $cls followings, 8 clients" \
			    "scale_sql_$cls" "$TWEETDB" \
			    "$(wc -l <"$T/scale_ids_$cls")" 8 \
			    "$(home_script "$TWEETDB")"
		done
		sql "$TWEETDB" "DROP TABLE bench_readers"
	fi
	say ""
fi

# Hooks for tools other work adds: each runs when its script is there and
# prints lines "row: MEASURED | BASELINE | RATIO" for the targets table.
hook() {
	local name=$1 script=$ROOT/tests/bench/$2
	if [ -x "$script" ]; then
		progress "hook: $2"
		say "== 7. $name ($2)"
		CHIRP_BENCH_OUT=$OUT CHIRP_BENCH_TOKENS=$T/tokens \
		    GATEWAY=$GATEWAY DISCOVERY=$DISCOVERY USERDB=$USERDB \
		    TWEETDB=$TWEETDB timeout 900 "$script" 2>&1 |
		    tee "$T/hook.$2" | tee -a "$REPORT"
		sed -n 's/^row: //p' "$T/hook.$2" | tail -n 1
	fi
}
# not_run SCRIPT: why its row is empty.
not_run() {
	if [ -x "$ROOT/tests/bench/$1" ]; then
		echo "not measured in this run (make bench runs tests/bench/$1)"
	else
		echo "not measured (tests/bench/$1 is not there)"
	fi
}
HOOK_CLI=$(not_run cli_startup.sh)
HOOK_100K=$(not_run live_100k.sh)
if part hooks; then
	r=$(hook "the CLI's start-up" cli_startup.sh | tail -n 1)
	[ -n "$r" ] && HOOK_CLI=$r
	# >>> the 100,000 connections row: tests/bench/live_100k.sh <<<
	r=$(hook "100,000 live connections" live_100k.sh | tail -n 1)
	[ -n "$r" ] && HOOK_100K=$r
fi

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

# The targets of issue 11: measured / baseline (same run) / ratio.
progress "targets and the report"
# x A B: "A / B x" with one decimal, "-" when either is missing or B is 0.
x() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0)
	print "-"; else printf "%.1fx", a / b }'; }
# pct A B: A as a percentage of B.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0)
	print "-"; else printf "%.0f%%", 100 * a / b }'; }
# nm VALUE: VALUE, or "not measured".
nm() { if [ -n "$1" ]; then echo "$1"; else echo "not measured"; fi; }
# mixrow CONNS ORIGINAL_RPS ORIGINAL_P99 TARGET: a row of the mix.
mixrow() {
	local c=$1 orig_rps=$2 orig_p99=$3 target=$4 rps p99 err sqlt m
	rps=$(fig "mix_gw_$c.rps"); p99=$(fig "mix_gw_$c.p99")
	err=$(fig "mix_gw_$c.errors"); sqlt=$(fig "sql_mix_$c.tps")
	m="not measured"
	[ -n "$rps" ] && m="$rps req/s, p99 $p99 ms, $err errors"
	printf '| mix, %s connections, through the gateway | %s | %s | %s | %s |\n' \
	    "$c" "$m" \
	    "the original: $orig_rps req/s, p99 $orig_p99 (fixed, from the issue); pgbench mix at $c clients: $(nm "$sqlt") TPS" \
	    "$(x "$rps" "$orig_rps") the original; $(pct "$rps" "$sqlt") of pgbench" \
	    "$target"
}
{
	echo "| measure | measured | baseline in the same run | ratio | target |"
	echo "|---|---|---|---|---|"
	mixrow 32 31.4 "1.93 s" "≥ 3,200 req/s (100x), p99 ≤ 50 ms, 0 errors; ≥ 60% of pgbench"
	mixrow 8 49.6 "489 ms" "≥ 3,000 req/s, p99 ≤ 10 ms"
	g=$(fig mix_gw_32.cpu_gateway); t=$(fig mix_gw_32.cpu_tweetd)
	m="not measured"
	[ -n "$g" ] && m="gateway $g µs, tweetd $t µs"
	printf '| CPU per request by process (mix, 32 connections) | %s | PostgreSQL %s µs, chirp-userd %s µs | - | gateway ≤ 60 µs, tweetd ≤ 80 µs |\n' \
	    "$m" "$(nm "$(fig mix_gw_32.cpu_postgres)")" \
	    "$(nm "$(fig mix_gw_32.cpu_userd)")"
	base=$(fig home_gw_8.p99); worst=""; cells=""
	for cls in $SCALE_READERS; do
		v=$(fig "scale_$cls.p99")
		cells="$cells${cells:+, }$cls: $(nm "$v")"
		[ -n "$v" ] && worst=$(awk -v a="$v" -v b="${worst:-0}" \
		    'BEGIN { print (a + 0 > b + 0 ? a : b) }')
	done
	printf '| home timeline p99 at %s users, %s tweets, up to %s followings (8 connections) | p99 ms by followings: %s | Reed98, the same through the gateway: p99 %s | %s | ≤ 1.5x |\n' \
	    "$SCALE_USERS" "$SCALE_TWEETS" "${SCALE_READERS##* }" "$cells" \
	    "$(nm "${base:+$base ms}")" "$(x "$worst" "$base")"
	s_max=$(printf '%s\n' $SOCKETS | sort -n | tail -n 1)
	a=$(fig "feed_$s_max.post_p50"); b=$(fig feed_1.post_p50)
	a2=$(fig "feed_$s_max.post_p99"); b2=$(fig feed_1.post_p99)
	printf '| POST round trip (p50) while %s sockets get its fan-out | %s | the same POST with one socket open: %s | %s | ≤ 2x |\n' \
	    "$s_max" "$(nm "${a:+$a ms (p99 $a2 ms)}")" \
	    "$(nm "${b:+$b ms (p99 $b2 ms)}")" "$(x "$a" "$b")"
	# A hook's row is "MEASURED | BASELINE | RATIO" when it ran.
	case $HOOK_100K in
	*" | "*)
		printf '| live connections on one machine | %s | 100,000 across gateway processes sharing port 8030, ≤ 10 KB each, all receiving a post |\n' \
		    "$HOOK_100K" ;;
	*)
		printf '| live connections on one machine | %s | bare lws memory per socket | | 100,000 across gateway processes sharing port 8030, ≤ 10 KB each, all receiving a post |\n' \
		    "$HOOK_100K; gateway memory per idle connection at $s_max: $(nm "$(fig "feed_$s_max.bytes" | sed 's/.$/& bytes/')")" ;;
	esac
	case $HOOK_CLI in
	*" | "*)
		printf '| `chirp --json timeline`, whole process | %s | median ≤ 10 ms |\n' "$HOOK_CLI" ;;
	*)
		printf '| `chirp --json timeline`, whole process | %s | `chirp --help` | | median ≤ 10 ms |\n' "$HOOK_CLI" ;;
	esac
	r=$(fig rest_kib); gr=$(fig rest_growth_kib)
	m="not measured"
	[ -n "$r" ] && m=$(awk -v r="$r" -v g="${gr:-0}" 'BEGIN {
		printf "%.1f MB RSS; growth over the later runs %+.1f MB",
		    r / 1024, g / 1024 }')
	printf '| all chirp processes at rest after the mix (not PostgreSQL) | %s | | | ≤ 50 MB RSS in all, no growth over repeated runs |\n' "$m"
} >"$T/targets.md"

# The plots (gnuplot): latency percentiles per scenario, the delivery CDF,
# the gateway's memory per connection.
PLOTS=""
if ! command -v gnuplot >/dev/null; then
	SKIPPED="${SKIPPED}plots: skipped, gnuplot is not installed (deploy/deps.sh bench)
"
else
	if [ -s "$OUT/latency.dat" ]; then
		# one line per scenario: x = the percentile's place
		n=$(wc -l <"$OUT/latency.dat")
		cmd=""
		for i in $(seq 1 "$n"); do
			sed -n "${i}p" "$OUT/latency.dat" | awk -F'"' '{
			    split($3, v, " ")
			    for (k = 1; k <= 5; k++) print k - 1, v[k] }' \
			    >"$T/lat_$i.dat"
			title=$(sed -n "${i}p" "$OUT/latency.dat" | cut -d'"' -f2)
			cmd="$cmd${cmd:+, }\"$T/lat_$i.dat\" using 1:2 with linespoints title \"$title\""
		done
		gnuplot >/dev/null 2>>"$T/gnuplot.err" <<EOF && PLOTS="$PLOTS latency.png"
set terminal pngcairo size 1200,650 noenhanced
set output "$OUT/latency.png"
set title "Latency percentiles per scenario (wrk and pgbench, same run)"
set logscale y
set ylabel "ms"
set xtics ("p50" 0, "p75" 1, "p90" 2, "p99" 3, "p99.9" 4)
set key top left
set grid
plot $cmd
EOF
	fi
	cmd=""
	for f in "$OUT"/delivery_*.dat; do
		[ -s "$f" ] || continue
		n=$(basename "$f" .dat | cut -d_ -f2)
		awk '{ print $2 }' "$f" | sort -n |
		    awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++)
			print v[i], i / NR }' >"$T/cdf_$n.dat"
		cmd="$cmd${cmd:+, }\"$T/cdf_$n.dat\" using 1:2 with lines title \"$n sockets\""
	done
	if [ -n "$cmd" ]; then
		gnuplot >/dev/null 2>>"$T/gnuplot.err" <<EOF && PLOTS="$PLOTS delivery_cdf.png"
set terminal pngcairo size 900,600 noenhanced
set output "$OUT/delivery_cdf.png"
set title "Live feed: POST start to frame, every delivery (CDF)"
set logscale x
set xlabel "ms"
set ylabel "fraction of deliveries"
set key bottom right
set grid
plot $cmd
EOF
	fi
	: >"$T/mem.dat"
	for k in $SOCKETS; do
		b=$(fig "feed_$k.bytes")
		[ -n "$b" ] && echo "$k $b" >>"$T/mem.dat"
	done
	if [ -s "$T/mem.dat" ]; then
		gnuplot >/dev/null 2>>"$T/gnuplot.err" <<EOF && PLOTS="$PLOTS memory.png"
set terminal pngcairo size 800,500 noenhanced
set output "$OUT/memory.png"
set title "Gateway resident memory per idle WebSocket connection"
set xlabel "connections"
set ylabel "bytes per connection"
set style fill solid 0.5
set boxwidth 0.5
set yrange [0:*]
set grid ytics
plot "$T/mem.dat" using 0:2:xtic(1) with boxes notitle, \
    "" using 0:2:(sprintf("%d", \$2)) with labels offset 0,1 notitle
EOF
	fi
fi
[ -n "$SKIPPED" ] && printf '%s' "$SKIPPED" | sed 's/^/skipped: /' >>"$T/targets.md"

{
	echo "# chirp benchmarks"
	echo
	if [ "$QUICK" = 1 ]; then echo "make bench-quick"; else echo "make bench"; fi
	echo "($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" \
	    describe --always --dirty 2>/dev/null)); how it is measured:"
	echo "docs/benchmarks.md."
	echo
	echo "## Targets (issue 11)"
	echo
	cat "$T/targets.md"
	echo
	for p in $PLOTS; do echo "![${p%.png}]($p)"; echo; done
	echo "## The whole report"
	echo
	echo '```'
	cat "$REPORT"
	echo '```'
} >"$OUT/report.md"
cp "$REPORT" "$OUT/report.txt"

echo
echo "=================== report ==================="
cat "$REPORT"
echo
echo "============ targets: measured / baseline / ratio ============"
cat "$T/targets.md"
echo
echo "report: $OUT/report.md${PLOTS:+ (plots:$PLOTS)}"
[ -n "${CHIRP_BENCH_REPORT:-}" ] && cp "$REPORT" "$CHIRP_BENCH_REPORT"
exit 0
