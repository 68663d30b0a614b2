#!/usr/bin/env bash
# tests/bench/cli_startup.sh: how long chirp takes as a whole process, the
# way a person or a script runs it: the median wall time of `chirp --help`
# (the baseline: no network, no login), `chirp --version` and
# `chirp --json timeline` against a running system, over RUNS runs each,
# and the shared libraries the timeline maps. It prints figures and never
# fails on them.
#
#   tests/bench/cli_startup.sh [RUNS]          (RUNS: 200)
#
# With CHIRP_BENCH_SERVER (a gateway URL) and CHIRP_BENCH_TOKEN (an access
# token on it) it measures against that system, as tests/bench/run.sh
# does once its system runs (make bench's hook passes GATEWAY and
# CHIRP_BENCH_TOKENS, a file of "id token" lines, instead):
#   CHIRP_BENCH_SERVER=$GATEWAY \
#   CHIRP_BENCH_TOKEN=$(head -n 1 "$T/tokens" | cut -d' ' -f2) \
#   tests/bench/cli_startup.sh 200
# Without them it starts its own: a throwaway PostgreSQL and a whole
# system (tests/lib-system.sh) from the optimized build, one user who
# follows another with 20 tweets.
#
# CHIRP_BIN: the binaries to measure (build/bin). hyperfine (-N, no
# shell) measures when it is installed, else a loop in bash, which adds
# the cost of bash's fork to every figure (the "/bin/true" line shows
# how much).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
RUNS=${1:-200}
case $RUNS in ''|*[!0-9]*|0) echo "cli_startup: RUNS must be a positive integer" >&2; exit 1 ;; esac
export CHIRP_ROOT=$ROOT
export CHIRP_BIN=${CHIRP_BIN:-$ROOT/build/bin}
export CHIRP_TOOLS=${CHIRP_TOOLS:-$(dirname "$CHIRP_BIN")/tools}
CHIRP=$CHIRP_BIN/chirp

# From make bench's hook: its gateway and the first of its readers.
if [ -z "${CHIRP_BENCH_SERVER:-}" ] && [ -n "${GATEWAY:-}" ] &&
    [ -s "${CHIRP_BENCH_TOKENS:-}" ]; then
	CHIRP_BENCH_SERVER=$GATEWAY
	CHIRP_BENCH_TOKEN=$(head -n 1 "$CHIRP_BENCH_TOKENS" | cut -d' ' -f2)
fi
if [ -z "${CHIRP_BENCH_SERVER:-}" ]; then
	echo "== build (optimized, no sanitizers)"
	make -s -j2 BUILD="$(dirname "$CHIRP_BIN" | sed "s|^$ROOT/||")" all ||
	    { echo "cli_startup: the build failed" >&2; exit 1; }
	# shellcheck source=../lib-pg.sh
	. "$ROOT/tests/lib-pg.sh"
	pg_throwaway chirp-cli-bench-pg off >/dev/null ||
	    { echo "cli_startup: postgresql did not start" >&2; exit 1; }
	# shellcheck source=../lib.sh
	. "$ROOT/tests/lib.sh"
	# shellcheck source=../lib-system.sh
	. "$ROOT/tests/lib-system.sh"
	trap 'cleanup; stop_pg; rm -rf "$T"' EXIT
	echo "== system"
	start_system --rate_limit 1000000000 ||
	    { echo "cli_startup: the system did not start" >&2; exit 1; }
	accounts "$GATEWAY" reader author
	follow "$GATEWAY" "$READER" "$TR" "$AUTHOR" >/dev/null
	for i in $(seq 1 20); do
		post "$GATEWAY" "$AUTHOR" "$TA" "tweet number $i, for the start-up benchmark" >/dev/null
	done
	CHIRP_BENCH_SERVER=$GATEWAY CHIRP_BENCH_TOKEN=$TR
fi

# the login comes from the environment: no config file is read or written
export CHIRP_SERVER=$CHIRP_BENCH_SERVER CHIRP_TOKEN=$CHIRP_BENCH_TOKEN
export XDG_CONFIG_HOME=$(mktemp -d /tmp/chirp-cli-bench-cfg.XXXXXX)
unset NO_COLOR LD_DEBUG
"$CHIRP" --json timeline >/dev/null ||
    { echo "cli_startup: 'chirp --json timeline' fails on '$CHIRP_SERVER'" >&2; exit 1; }

# median LABEL CMD...: the median and the fastest of RUNS runs, in ms.
if command -v hyperfine >/dev/null; then
	median() {
		local label=$1 json; shift
		json=$(mktemp)
		hyperfine -N -w 5 -r "$RUNS" --export-json "$json" "$*" \
		    >/dev/null 2>&1
		jq -r --arg l "$label" '.results[0] |
		    "\($l)\t\(.median * 1000 * 100 | round / 100)\t\(.min * 1000 * 100 | round / 100)"' \
		    "$json"
		rm -f "$json"
	}
	HOW="hyperfine -N, $RUNS runs after 5 warm-up runs"
else
	median() {
		local label=$1 i t0 t1; shift
		for i in 1 2 3 4 5; do "$@" >/dev/null 2>&1; done
		for i in $(seq 1 "$RUNS"); do
			t0=$EPOCHREALTIME
			"$@" >/dev/null 2>&1
			t1=$EPOCHREALTIME
			echo "${t0/./} ${t1/./}"
		done | awk '{ print $2 - $1 }' | sort -n | awk -v l="$label" '
		    { v[NR] = $1 }
		    END { printf "%s\t%.2f\t%.2f\n", l, v[int((NR + 1) / 2)] / 1000, v[1] / 1000 }'
	}
	HOW="a bash loop (no hyperfine), $RUNS runs after 5 warm-up runs"
fi

echo "== chirp start-up ($HOW; load average $(cut -d' ' -f1-3 /proc/loadavg))"
{
	printf 'command\tmedian ms\tfastest ms\n'
	median "/bin/true (the floor)" /bin/true
	median "chirp --help (baseline)" "$CHIRP" --help
	median "chirp --version" "$CHIRP" --version
	median "chirp --json timeline" "$CHIRP" --json timeline
} | tee "$XDG_CONFIG_HOME/figures" | column -t -s "$(printf '\t')"
awk -F'\t' '/--help/ { h = $2 } /timeline/ { t = $2 }
    END { if (h > 0) printf "timeline / help: %.2f (target: timeline <= 10 ms)\n", t / h }' \
    "$XDG_CONFIG_HOME/figures"
echo "libraries: ldd lists $(ldd "$CHIRP" | wc -l);" \
    "'chirp --json timeline' maps $(LD_DEBUG=libs "$CHIRP" --json timeline 2>&1 >/dev/null |
    grep -c 'calling init:') at run time (LD_DEBUG=libs, ld.so included)," \
    "'chirp --help' $(LD_DEBUG=libs "$CHIRP" --help 2>&1 >/dev/null | grep -c 'calling init:')"
# The targets table's row (make bench): measured | baseline | ratio.
awk -F'\t' '/--help/ { h = $2 } /timeline/ { t = $2 }
    END { printf "row: median %.2f ms | chirp --help: %.2f ms | %.1fx\n", t, h, (h > 0 ? t / h : 0) }' \
    "$XDG_CONFIG_HOME/figures"
rm -rf "$XDG_CONFIG_HOME"
