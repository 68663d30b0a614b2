#!/usr/bin/env bash
# A client that cannot keep up is closed with 1008 once its bounded queue
# fills; a client following the same author still gets every entry.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

# The publisher hands events over in batches (one per transaction of the
# event log), so a client that keeps up still sees bursts: the queue
# holds one, and the slow client's 400 entries still overflow it.
start_system --ws_queue_max 64 --ws_sndbuf 8192
G=$GATEWAY
ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)
CAROL=$(register "$G" carol); TC=$(login "$G" carol)
follow "$G" "$ALICE" "$TA" "$BOB"
follow "$G" "$CAROL" "$TC" "$BOB"
expect_status "two followers" 200

watch fast "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 120
watch slow "$GATEWAY_WS/ws" --header "$(auth "$TC")" --timeout 120 --no-read 10
check "the fast client is ready" wait_until 10 ready fast
check "both are connected" wait_until 10 ws_conns "$G" 2

N=400
text=$(printf 'x%.0s' $(seq 1 270))
# A post answered 503 or 504 on a busy machine is repeated; its
# Idempotency-Key makes the repeat create nothing new.
seq 1 $N | xargs -P 4 -I{} curl -s -o /dev/null -H "$(auth "$TB")" \
    --retry 5 --retry-delay 1 -H 'Idempotency-Key: slow-{}' \
    -H 'Content-Type: application/json' \
    --data "{\"userId\":\"$BOB\",\"content\":\"{} $text\"}" "$G/tweets"
check "the fast client gets all $N entries" wait_until 30 sh -c \
    "grep -c '\"type\":\"tweet\"' '$T/fast.ws' | grep -qx $N"
check "the slow client was dropped (its connection is gone)" wait_until 30 ws_conns "$G" 1
check "a queue drop is counted" sh -c "curl -s '$G/metrics' | grep -E '^chirp_gateway_queue_drops_total\\{[^}]*\\} [1-9]'"
check "the slow client, reading again, sees close 1008" wait_until 40 grep -qx "close 1008" "$T/slow.ws"
got=$(grep '"type":"tweet"' "$T/fast.ws" | jq -r .tweet.tweetId | sort -n | uniq | wc -l)
expect_eq "the fast client got each entry once" "$got" "$N"
stop_ws fast slow

finish
