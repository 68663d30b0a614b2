#!/usr/bin/env bash
# t0901: tweetsCount through the gateway, kept from chirp-tweetd's events
# with two chirp-tweetd instances: posts and deletes counted at once (bus),
# none lost while chirp-userd is down (caught up from the log at start),
# none doubled by a restart or by two chirp-userd instances applying the
# same log, and an account deletion in between changing nobody else.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

DISCOVERY_PORT=$(free_port)
DISCOVERY=http://127.0.0.1:$DISCOVERY_PORT
start_discoveryd discovery "$DISCOVERY_PORT"
USERDB=$(test_db u); TWEETDB=$(test_db t)
USERD_PORT=$(free_port); TWEETD_PORT=$(free_port); TWEETD2_PORT=$(free_port)
USERD=http://127.0.0.1:$USERD_PORT; TWEETD=http://127.0.0.1:$TWEETD_PORT
# userd_up NAME PORT [FLAGS...]: a user service that reads tweetd's log
# only at start and on bus events (a poll of 10 minutes), registered.
userd_up() {
	local name=$1 port=$2; shift 2
	start_userd "$name" "$port" "$USERDB" --tweet_url "$TWEETD" \
	    --discovery_url "$DISCOVERY" --tweet_count_poll_ms 600000 "$@"
	wait_until 10 listed "$DISCOVERY" user "$port"
}
userd_up userd "$USERD_PORT" --tweet_bus_url "$(bus_url "$TWEETDB")"
start_tweetd_d tweetd "$TWEETD_PORT"
start_tweetd_d tweetd2 "$TWEETD2_PORT"
GATEWAY_PORT=$(free_port)
G=http://127.0.0.1:$GATEWAY_PORT
start_gateway gateway "$GATEWAY_PORT"
check "the gateway routes to both tweet services" \
    wait_until 15 sh -c "curl -s $G/metrics | grep -q 'instance=\"127.0.0.1:$TWEETD2_PORT\"'"

accounts "$G" alice bob
count() { http GET "$G/users/$1"; jb .tweetsCount; }
count_is() { [ "$(count "$1")" = "$2" ]; }
# position: the last seq of tweetd's log applied in the user database
position() { sql "$USERDB" "SELECT tweet_seq FROM tweet_replica"; }
log_top() { sql "$TWEETDB" "SELECT coalesce(max(seq), 0) FROM event_log"; }
# routed: the gateway answers user reads again (after a restart)
routed() { wait_until 20 sh -c "curl -s -o /dev/null -w '%{http_code}' $G/users/$ALICE | grep -q 200"; }
caught_up() { [ "$(position)" = "$(log_top)" ]; }

for i in 1 2 3 4; do A[$i]=$(post "$G" "$ALICE" "$TA" "alice $i"); done
B1=$(post "$G" "$BOB" "$TB" "bob 1")
check "four posts through two tweet services count four" wait_until 10 count_is "$ALICE" 4
check "bob's own post counts for bob only" wait_until 10 count_is "$BOB" 1
http DELETE "$G/tweets/${A[1]}" "" "$(auth "$TA")"
expect_status "delete a tweet" 200
check "a delete counts down" wait_until 10 count_is "$ALICE" 3
http DELETE "$G/tweets/${A[1]}" "" "$(auth "$TA")"
check "a second delete of the same tweet changes nothing" wait_until 5 caught_up
expect_eq "still three" "$(count "$ALICE")" 3

# down: the events of these happen while no chirp-userd runs
stop_proc userd
wait_until 15 sh -c "! curl -s $DISCOVERY/services | grep -q ':$USERD_PORT'"
for i in $(seq 5 40); do A[$i]=$(post "$TWEETD" "$ALICE" "$TA" "alice $i"); done
http DELETE "http://127.0.0.1:$TWEETD2_PORT/tweets/${A[2]}" "" "$(auth "$TA")"
expect_status "a delete while chirp-userd is down" 200
# two instances come up at once, without the bus: only the catch-up at
# start counts what they missed, and the position's lock keeps it once
USERD2_PORT=$(free_port)
for n in userd:$USERD_PORT userd2:$USERD2_PORT; do
	start_proc "${n%:*}" "$CHIRP_BIN/chirp-userd" --port "${n#*:}" \
	    --database_url "$USERDB" --token_secret_file "$T/secret" \
	    --sql_dir "$CHIRP_ROOT/sql/user" --tweet_url "$TWEETD" \
	    --discovery_url "$DISCOVERY" --tweet_count_poll_ms 600000
done
wait_http "$USERD/status"; wait_http "http://127.0.0.1:$USERD2_PORT/status"
wait_until 10 listed "$DISCOVERY" user "$USERD_PORT"
check "both instances caught up with the log" wait_until 15 caught_up
check "the gateway routes to chirp-userd again" routed
expect_eq "nothing lost while down, nothing doubled by two instances" \
    "$(count "$ALICE")" 38
expect_eq "bob's count unchanged" "$(count "$BOB")" 1
check "the row's count agrees" test "$(sql "$USERDB" "SELECT tweets_count FROM users WHERE id = $ALICE")" = 38

# restart again: the position is kept, nothing is applied twice
stop_proc userd2
stop_proc userd
userd_up userd "$USERD_PORT" --tweet_bus_url "$(bus_url "$TWEETDB")"
check "the gateway routes to the restarted chirp-userd" routed
sleep 1
expect_eq "a restart applies nothing again" "$(count "$ALICE")" 38

# an account deletion deletes bob's tweets; nobody else's count moves
http DELETE "$G/users/$BOB" "" "$(auth "$TB")"
expect_status "bob deletes his account" 200
A[8]=$(post "$G" "$ALICE" "$TA" "alice 8")
check "the log after a deletion is applied" wait_until 10 caught_up
expect_eq "alice's count after bob's deletion and one more post" \
    "$(count "$ALICE")" 39
refuses "bob is gone" 404 not_found GET "$G/users/$BOB"
http GET "$G/tweets/userTimeline/$ALICE?limit=100"
expect_eq "the count is the number of alice's tweets" \
    "$(jb '.tweets|length')" 39

finish
