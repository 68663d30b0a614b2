#!/usr/bin/env bash
# A request that was sent and got no answer goes to another instance only
# when repeating it is harmless (GET, HEAD, POST with Idempotency-Key): a
# DELETE that timed out on a silent instance is 504, never quietly done
# again elsewhere.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system --upstream_timeout_ms 1000
G=$GATEWAY
A=$(register "$G" alice)
TA=$(login "$G" alice)
IDS=()
for i in 1 2 3 4; do
	http POST "$G/tweets" "{\"userId\":\"$A\",\"content\":\"t$i\"}" "$(auth "$TA")"
	IDS+=("$(jb .tweetId)")
done
SILENT_PORT=$(free_port)
start_silent silent "$SILENT_PORT"
announce "$DISCOVERY" tweet "$SILENT_PORT"
check "the gateway routes to the silent instance too" \
    wait_until 10 gateway_sees "$G" tweet "$SILENT_PORT"

late=0; timeouts=0; done200=0
for id in "${IDS[@]}"; do
	start=$(date +%s%N)
	http DELETE "$G/tweets/$id" "" "$(auth "$TA")"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "# DELETE $id: $HTTP_STATUS in $ms ms"
	case $HTTP_STATUS in
	200) done200=$((done200 + 1)); [ "$ms" -ge 900 ] && late=$((late + 1)) ;;
	504) timeouts=$((timeouts + 1)) ;;
	esac
done
check "at least one DELETE met the silent instance" test "$timeouts" -ge 1
expect_eq "no DELETE was done again after a timeout" "$late" 0
deletes=$(curl -s "$TWEETD/metrics" | grep '^chirp_requests_total' |
    grep 'method="DELETE"' | awk '{ s += $2 } END { print s + 0 }')
expect_eq "the real instance saw only the DELETEs answered 200" "$deletes" "$done200"
http GET "$G/tweets/userTimeline/$A"
expect_eq "the timed-out tweets are still there" "$(jb '.tweets | length')" $((4 - done200))
finish
