#!/usr/bin/env bash
# The gateway's limits, each provoked: 429 with the rate headers, 503 when
# no instance is left or too much is in flight, 504 when an upstream does
# not answer; breaker state and failures in /metrics.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system --rate_limit 5 --rate_window 60
G=$GATEWAY
ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)

# --- 429: per user, else per address -----------------------------------
for i in 1 2 3; do http GET "$G/users/$ALICE" "" "$(auth "$TA")"; done
expect_status "within the limit" 200
expect_eq "X-RateLimit-Limit" "$(hdr X-RateLimit-Limit)" 5
expect_eq "X-RateLimit-Remaining counts down" "$(hdr X-RateLimit-Remaining)" 2
check "X-RateLimit-Reset is seconds" test "$(hdr X-RateLimit-Reset)" -ge 1
http GET "$G/users/$ALICE" "" "$(auth "$TA")"
http GET "$G/users/$ALICE" "" "$(auth "$TA")"
expect_status "the fifth request still passes" 200
http GET "$G/users/$ALICE" "" "$(auth "$TA")"
expect_status "over the limit" 429 rate_limited
check "429 says when to retry" test "$(hdr Retry-After)" -ge 1
expect_eq "429 has Remaining 0" "$(hdr X-RateLimit-Remaining)" 0
http GET "$G/users/$ALICE" "" "$(auth "$TB")"
expect_status "another user has their own budget" 200
http GET "$G/status"
expect_status "/status is not limited" 200

# --- a second system view: a discovery that lists a silent tweet service
D2_PORT=$(free_port); D2=http://127.0.0.1:$D2_PORT
start_discoveryd discovery2 "$D2_PORT"
SILENT=$(free_port)
start_silent silent "$SILENT"
renew() { while :; do announce "$D2" tweet "$SILENT"; announce "$D2" user "$USERD_PORT"; sleep 2; done; }
renew & RENEW=$!
G2_PORT=$(free_port); G2=http://127.0.0.1:$G2_PORT
DISCOVERY_SAVE=$DISCOVERY; DISCOVERY=$D2
start_proc gw2 "$CHIRP_BIN/chirp-gateway" --port "$G2_PORT" \
    --discovery_url "$D2" --user_bus_url "$USERDB" --tweet_bus_url "$TWEETDB" \
    --token_secret_file "$T/secret" --upstream_timeout_ms 400
DISCOVERY=$DISCOVERY_SAVE
wait_http "$G2/status"
check "gateway 2 sees the silent instance" wait_until 10 gateway_sees "$G2" tweet "$SILENT"
# The user instance is announced just after the tweet one: a poll between
# the two would list only the silent instance.
check "gateway 2 sees the user service" wait_until 10 gateway_sees "$G2" user "$USERD_PORT"

http GET "$G2/users/$ALICE"
expect_status "the real user service still answers through gateway 2" 200
http GET "$G2/tweets/1"
expect_status "an upstream that never answers: 504" 504 timeout
check "upstream failures are counted" sh -c "curl -s '$G2/metrics' | grep -q 'chirp_gateway_upstream_failures_total{.*instance=\"127.0.0.1:$SILENT\"'"
http GET "$G2/tweets/1"
http GET "$G2/tweets/1"
check "three timeouts open the breaker (gauge 1 = open)" breaker "$G2" "$SILENT" 1
http GET "$G2/tweets/1"
expect_status "breaker open, no healthy instance: 503" 503 unavailable
check "503 says when to retry" test "$(hdr Retry-After)" -ge 1
http GET "$G2/status"
expect_status "gateway status is degraded without a tweet service" 503
expect_eq "degraded status body" "$(jb .status)" degraded
kill "$RENEW" 2>/dev/null; wait "$RENEW" 2>/dev/null
stop_proc gw2

# --- 503 when too much is in flight -------------------------------------
start_proc gw3 "$CHIRP_BIN/chirp-gateway" --port "$(( G2_PORT ))" \
    --discovery_url "$D2" --user_bus_url "$USERDB" --tweet_bus_url "$TWEETDB" \
    --token_secret_file "$T/secret" --upstream_timeout_ms 3000 --max_in_flight 1
announce "$D2" tweet "$SILENT"
wait_http "$G2/status"
check "gateway 3 sees the silent instance" wait_until 10 gateway_sees "$G2" tweet "$SILENT"
curl -s -o /dev/null --max-time 10 "$G2/tweets/1" & HOLD=$!
sleep 0.5
http GET "$G2/tweets/2"
expect_status "over max_in_flight: 503" 503 unavailable
check "overload 503 says when to retry" test -n "$(hdr Retry-After)"
wait "$HOLD" 2>/dev/null

finish
