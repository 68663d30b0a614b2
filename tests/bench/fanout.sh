#!/usr/bin/env bash
# fanout.sh: N gateways sharing one port, K live connections across them,
# one post that must reach every one (feed_fanout), on a throwaway
# PostgreSQL with the optimized build. Prints figures; never fails a test.
#
#   tests/bench/fanout.sh [K [N [GATEWAY FLAGS...]]]
#
# K: connections (20000), N: gateways (ceil(K / 19000)). Gateway flags go
# to every gateway (e.g. --event_loop libev). CHIRP_FANOUT_WRK=S first
# measures plain requests (GET /users/1, 32 connections) for S seconds.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
K=${1:-20000}
N=${2:-$(( (K + 18999) / 19000 ))}
shift $(( $# > 2 ? 2 : $# ))
export CHIRP_ROOT=$ROOT CHIRP_BIN=$ROOT/build/bin CHIRP_TOOLS=$ROOT/build/tools
make -s -j2 BUILD=build all benches || exit 1
. "$ROOT/tests/lib-pg.sh"
pg_throwaway chirp-fanout-pg on >/dev/null || exit 1
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/lib-system.sh"
trap 'cleanup; stop_pg; rm -rf "$T"' EXIT
export CHIRP_LOG_LEVEL=warn
start_system --rate_limit 1000000000 "$@" || { echo "the system did not start"; exit 1; }
pids=$(pid_of gateway)
for i in $(seq 2 "$N"); do
	start_gateway "gw$i" "$GATEWAY_PORT" --rate_limit 1000000000 "$@" ||
		{ echo "gateway $i did not start"; exit 1; }
	pids="$pids $(pid_of "gw$i")"
done
args=()
for p in $pids; do args+=(--gateway-pid "$p"); done
if [ -n "${CHIRP_FANOUT_WRK:-}" ]; then
	register "$GATEWAY" wrkuser >/dev/null
	echo "== wrk, GET /users/1 through the gateways, ${CHIRP_FANOUT_WRK} s"
	wrk -t2 -c32 -d"${CHIRP_FANOUT_WRK}s" --latency "$GATEWAY/users/1" |
	    grep -E 'Requests/sec|99%|50%'
fi
echo "== $N gateways on port $GATEWAY_PORT ($*), $K connections"
"$ROOT/build/bench/feed_fanout" "$GATEWAY" --sockets "$K" "${args[@]}"
