#!/usr/bin/env bash
# live_100k.sh: 100,000 live connections across gateway processes that
# share one port, all receiving one post (tests/bench/fanout.sh), and the
# memory each costs against a bare libwebsockets server with the same
# settings (tests/bench/bare_ws.c, at 19,000 sockets: one process's fd
# limit). Prints figures, and last the targets table's row:
#   row: MEASURED | BASELINE | RATIO
# Never fails a test. make bench calls it; alone:
#   tests/bench/live_100k.sh [K [N]]   (K connections, 100000; N gateways, 6)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
K=${1:-${CHIRP_BENCH_100K_SOCKETS:-100000}}
N=${2:-$(( (K + 18999) / 19000 ))}
make -s -j2 BUILD=build all benches || exit 1

# The baseline: bare lws.
port=$(( (RANDOM % 10000) + 30000 ))
build/bench/bare_ws "$port" >/dev/null 2>&1 &
bare=$!
for _ in $(seq 1 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
echo "== bare libwebsockets (tests/bench/bare_ws), 19000 connections"
out=$(build/bench/feed_fanout "http://127.0.0.1:$port" --sockets 19000 \
    --gateway-pid "$bare" --bare)
echo "$out"
kill "$bare" 2>/dev/null
wait "$bare" 2>/dev/null
bare_b=$(echo "$out" | sed -n 's/.*: \([0-9]*\) bytes per connection$/\1/p')

echo "== $K connections to $N gateways sharing one port (tests/bench/fanout.sh)"
out=$("$ROOT/tests/bench/fanout.sh" "$K" "$N" 2>&1)
echo "$out"
open=$(echo "$out" | sed -n 's/^open: \([0-9]*\) ready, \([0-9]*\) failed, in \([0-9.]*\) s (\([0-9]*\) ready only.*/\1 \2 \3 \4/p')
gw_b=$(echo "$out" | sed -n 's/.*: \([0-9]*\) bytes per connection$/\1/p')
got=$(echo "$out" | sed -n 's/^post: .*received by \([0-9]*\) of.*/\1/p')
p99=$(echo "$out" | sed -n 's/^delivery after the POST: .*p99 \([0-9.]*\) ms.*/\1/p')
if [ -z "$open" ] || [ -z "$gw_b" ]; then
	echo "row: not measured (fanout.sh did not finish: see above) | bare lws: ${bare_b:-?} bytes per socket | -"
	exit 0
fi
set -- $open
ratio=$(awk -v a="$gw_b" -v b="$bare_b" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.1fx", a / b }')
echo "row: $1 of $K connected to $N gateways on one port in $3 s ($2 failed; $4 of them only on a reconnection), ${got:-0} received the post (p99 ${p99:-?} ms); $gw_b bytes per connection | bare lws with the gateway's settings: ${bare_b:-?} bytes per socket | $ratio"
