#!/usr/bin/env bash
# Every metric that a query of the Grafana dashboard or an alert rule
# reads is in a scrape of the running system: discovery, the three
# services and the gateway, after the traffic the panels show (register,
# follow, post, a timeline read, a live connection that receives a post,
# an upstream that refuses so a breaker opens). A dashboard that names a
# metric nobody exports fails the check. The bus lag gauges meet: a
# subscriber that applied everything is 0 behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

D=$CHIRP_ROOT/deploy
NAMES=$CHIRP_ROOT/tests/tools/promql-names.py
FILES=("$D/grafana/dashboards/chirp.json" "$D/prometheus/alerts.yml")
# Series Prometheus makes itself for every target.
SYNTHETIC="up"

start_system
G=$GATEWAY
accounts "$G" alice bob
follow "$G" "$BOB" "$TB" "$ALICE"
expect_status "bob follows alice" 200
watch bob "$GATEWAY_WS/ws" --header "$(auth "$TB")" --timeout 30
check "bob's live feed is ready" wait_until 10 ready bob
TW=$(post "$G" "$ALICE" "$TA" "hello metrics")
check "a post through the gateway" test -n "$TW"
check "bob receives it live" wait_until 10 has bob "\"tweetId\":\"$TW\""
http GET "$G/tweets/userTimeline/$ALICE"
expect_status "a timeline read" 200
http GET "$G/users/$ALICE/followers"
http GET "$G/users/$ALICE/followers"
http GET "$G/notifications" "" "$(auth "$TA")"

# A tweet instance that refuses connections: the gateway's calls to it
# fail and its breaker opens.
DEAD=$(free_port)
announce "$DISCOVERY" tweet "$DEAD"
check "the gateway routes to the dead instance too" \
    wait_until 15 gateway_sees "$G" tweet "$DEAD"
failed() {
	curl -s -o /dev/null "$G/tweets/userTimeline/$ALICE"
	curl -s "$G/metrics" | grep -q "^chirp_gateway_upstream_failures_total{.*127.0.0.1:$DEAD\""
}
check "a call to it fails and is counted" wait_until 15 failed

# The subscribers caught up: applied == the log's newest.
seq_of() { curl -s "$1/metrics" | sed -n "s/^$2{.*channel=\"$3\"} //p"; }
caught_up() {
	local log; log=$(seq_of "$TWEETD" chirp_bus_log_seq chirp_tweet_events)
	[ -n "$log" ] && [ "$log" -gt 0 ] &&
	    [ "$(seq_of "$G" chirp_bus_applied_seq chirp_tweet_events)" = "$log" ] &&
	    [ "$(seq_of "$USERD" chirp_bus_applied_seq chirp_tweet_events)" = "$log" ]
}
check "gateway and userd applied the tweet log's newest seq" wait_until 10 caught_up
user_caught_up() {
	local log; log=$(seq_of "$USERD" chirp_bus_log_seq chirp_user_events)
	[ -n "$log" ] && [ "$log" -gt 0 ] &&
	    [ "$(seq_of "$TWEETD" chirp_bus_applied_seq chirp_user_events)" = "$log" ]
}
check "tweetd applied the user log's newest seq" wait_until 10 user_caught_up

# One scrape of every process: the sample names (histograms give
# NAME_bucket, NAME_sum and NAME_count, as queries name them).
for u in "$DISCOVERY" "$USERD" "$TWEETD" "$NOTIFYD" "$G"; do
	curl -s --max-time 5 "$u/metrics"
done | grep -v '^#' | sed -E 's/[{ ].*//' | sort -u >"$T/scraped"
printf '%s\n' $SYNTHETIC >>"$T/scraped"
check "every process was scraped" test "$(grep -c '^chirp_requests_total$' "$T/scraped")" -ge 1

# missing FILE...: the names the files' queries read that no scrape has.
missing() {
	/usr/bin/python3 "$NAMES" "$@" >"$T/named" || return 1
	[ -s "$T/named" ] || { echo "(no names found)"; return 1; }
	sort -u "$T/named" | comm -23 - <(sort -u "$T/scraped")
}
gone=$(missing "${FILES[@]}")
expect_eq "every metric the dashboard and the alerts read is exported" "$gone" ""
check "the check covers the histograms, the breakers and the bus lag" \
    grep -qx -e chirp_request_duration_seconds_bucket "$T/named"
for n in chirp_gateway_breaker_state chirp_gateway_messages_sent_total \
    chirp_gateway_connections chirp_bus_applied_seq chirp_bus_log_seq \
    chirp_publisher_leader chirp_publish_lag_seconds_bucket; do
	check "the queries read $n" grep -qx "$n" "$T/named"
done

# The check can fail: a panel that names a metric nobody exports, and one
# that takes a histogram's name without its _bucket.
jq '.panels += [{"type":"timeseries","title":"x","targets":[
    {"expr":"sum(rate(chirp_no_such_metric_total[5m])) + histogram_quantile(0.5, rate(chirp_request_duration_seconds[5m]))"}]}]' \
    "${FILES[0]}" >"$T/bad.json"
expect_eq "a dashboard naming metrics nobody exports fails" \
    "$(missing "$T/bad.json" | paste -sd' ')" \
    "chirp_no_such_metric_total chirp_request_duration_seconds"

stop_ws bob
finish
