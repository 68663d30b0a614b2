#!/usr/bin/env bash
# A since= replay is bounded: with replay_max 5 a since far in the past
# sends the 5 oldest newer entries, then {"type":"reset"} (there is a gap:
# reload over REST) and ready, and goes live; it does not page through the
# whole timeline. A replay under the cap is whole and has no reset.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system --replay_max 5
G=$GATEWAY
accounts "$G" alice
FIRST=$(post "$G" "$ALICE" "$TA" "first")
for i in $(seq 1 12); do post "$G" "$ALICE" "$TA" "n $i" >/dev/null; done

watch far "$GATEWAY_WS/ws?since=$FIRST" --header "$(auth "$TA")" --timeout 30
check "the capped replay ends with ready" \
    wait_until 10 ready far
expect_eq "it sends replay_max entries, not all 12" \
    "$(grep -c '"type":"tweet"' "$T/far.ws")" 5
expect_eq "then reset and ready" \
    "$(grep -v '"type":"tweet"' "$T/far.ws" | jq -c 'del(.cursor)' | paste -sd, -)" \
    '{"type":"reset"},{"type":"ready"}'
LIVE=$(post "$G" "$ALICE" "$TA" "live")
check "and goes live" wait_until 10 has far "\"tweetId\":\"$LIVE\""
stop_ws far

# under the cap: whole, no reset
http GET "$G/tweets/userTimeline/$ALICE?limit=4"
SINCE=$(jb '.tweets[-1].tweetId')
watch near "$GATEWAY_WS/ws?since=$SINCE" --header "$(auth "$TA")" --timeout 30
check "a short replay ends with ready" \
    wait_until 10 ready near
expect_eq "it sends the 3 newer entries" \
    "$(grep -c '"type":"tweet"' "$T/near.ws")" 3
check "and no reset" sh -c "! grep -qF reset '$T/near.ws'"
stop_ws near

finish
