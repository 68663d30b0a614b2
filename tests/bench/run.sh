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
#      connection;
#   5. the event log on each bus transport (PostgreSQL NOTIFY, NATS
#      JetStream), the services restarted on it: post-to-socket latency
#      to users with 1,000 and 10,000 followers, each follower connected
#      once (feed_latency), and posts per second sustained with live
#      delivery (post_rate: writers straight at chirp-tweetd, one
#      follower on the gateway; rounds in the order A B B A); the
#      transports side by side at the end.
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
#   CHIRP_BENCH_PARTS        which parts run ("graph requests feed log";
#                            requests and feed need graph)
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
SECS=${CHIRP_BENCH_SECONDS:-15}
CONNS=${CHIRP_BENCH_CONNECTIONS:-32}
SOCKETS=${CHIRP_BENCH_SOCKETS:-2000 10000}
POSTS=${CHIRP_BENCH_POSTS:-30}
DATASET=${CHIRP_BENCH_DATASET:-$ROOT/../shared/datasets/socfb-Reed98}
PARTS=${CHIRP_BENCH_PARTS:-graph requests feed log}
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
fi
part requests && ! command -v wrk >/dev/null &&
	die "wrk is not installed (apt-get install wrk)"
part graph && ! [ -f "$DATASET/$(basename "$DATASET").edges" ] &&
	die "no dataset at '$DATASET' (set CHIRP_BENCH_DATASET)"
for n in $FOLLOWERS $WRITERS $RATE_SECS $RATE_ROUNDS; do
	case $n in ''|*[!0-9]*|0) die "a count is not a positive integer: '$n'" ;; esac
done

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
# chirp-userd's password pool queues 2 x cores hashes by default and
# answers 429 past that; the loaders run 8 threads (they also retry 429).
export CHIRP_PASSWORD_QUEUE=${CHIRP_PASSWORD_QUEUE:-64}

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
    "CHIRP_PASSWORD_MEM_KIB=1024 CHIRP_PASSWORD_QUEUE=$CHIRP_PASSWORD_QUEUE;" \
    "gateway --rate_limit 1000000000;" \
    "log level $CHIRP_LOG_LEVEL"
say "load generators share the same cores as the system; the load" \
    "average says how busy the machine was with other work"
say ""

if part graph; then
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

if part requests; then
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
fi

if part feed; then
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
	# fig FILE LABEL: "p50 / p99" of the table row LABEL in FILE.
	fig() {
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
			    "fig $f 'POST round trip, straight at tweetd'"
			row "$count followers: POST -> frame, at tweetd" \
			    "fig $f 'POST -> frame, posted at tweetd'"
			row "$count followers: POST via the gateway" \
			    "fig $f 'POST round trip, via the gateway'"
			row "$count followers: POST -> frame, via gateway" \
			    "fig $f 'POST -> frame, posted via gateway'"
			row "$count followers: lost / duplicated" \
			    "sed -n 's/.* \([0-9]*\) lost, \([0-9]*\) duplicated.*/\1 \/ \2/p' $f"
			j=$((j + 1))
		done
		for round in $(seq 1 "$RATE_ROUNDS"); do
			f='$T/rate.$t.'$round
			row "posts/s with live delivery, round $round" \
			    "sed -n 's/^posts: .*(\([0-9]*\) posts\/s).*/\1/p' $f"
			row "  POST round trip at tweetd" \
			    "fig $f 'POST round trip'"
			row "  POST -> frame at the follower" \
			    "fig $f 'POST start -> frame'"
			row "  every post delivered exactly once" \
			    "sed -n 's/^every post delivered exactly once: //p' $f"
		done
	} | tee -a "$REPORT"
	say ""
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

echo
echo "=================== report ==================="
cat "$REPORT"
[ -n "${CHIRP_BENCH_REPORT:-}" ] && cp "$REPORT" "$CHIRP_BENCH_REPORT"
exit 0
