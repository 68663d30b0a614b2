#!/usr/bin/env bash
# t0790: over NATS JetStream, a publisher killed between the commit of a
# move and its send loses nothing, and one killed between its send and
# the record of it doubles nothing: the next instance sends on from the
# last seq recorded as sent (the published table), and JetStream drops
# the repeat by its message id. The wire is watched by a subscriber
# from the start (nats-tap): each seq once, in order.
CHIRP_TEST_BUS=nats
. "$(dirname "$0")/../lib.sh"

start_core
A=$(register "$USERD" ada); TA=$(login "$USERD" ada)
tap "$TWEETDB" chirp_tweet_events "$T/events"

leader() { curl -s "$1/metrics" | awk '/^chirp_publisher_leader/ {print $2}'; }
leads() { [ "$(leader "$1")" = 1 ]; }
logged() { sql "$TWEETDB" "SELECT count(*) FROM event_log"; }
published() { sql "$TWEETDB" "SELECT seq FROM published WHERE channel = 'chirp_tweet_events'"; }
# tweetd_n NAME [CRASH]: one more chirp-tweetd on the database, dying at
# the crash point CRASH (CHIRP_PUBLISHER_CRASH); sets URL_<NAME>.
tweetd_n() {
	local port; port=$(free_port)
	CHIRP_PUBLISHER_CRASH=${2:-} start_tweetd "$1" "$port" "$TWEETDB" \
	    "$USERD" "$USERDB"
	eval "URL_$1=http://127.0.0.1:$port"
}

post "$TWEETD" "$A" "$TA" "one" >/dev/null
check "sent and recorded as sent" wait_until 10 test "$(published)" = 1

# After the commit, before the send.
stop_proc tweetd
tweetd_n tc after_commit
check "the instance that will die publishes" wait_until 10 leads "$URL_tc"
tweetd_n t2
post "$URL_t2" "$A" "$TA" "two" >/dev/null
check "it dies after the commit" wait_until 10 down "$URL_tc"
check "... as the crash point says" grep -q "crash point after_commit" "$T/tc.log"
expect_eq "the move committed" "$(logged)" 2
check "another instance takes over" wait_until 10 leads "$URL_t2"
check "... and sends what was not sent" wait_until 10 test "$(published)" = 2

# After the send, before its record.
tweetd_n ts after_send
stop_proc t2
check "the instance that will die publishes" wait_until 10 leads "$URL_ts"
tweetd_n t3
post "$URL_t3" "$A" "$TA" "three" >/dev/null
check "it dies after the send" wait_until 10 down "$URL_ts"
check "... as the crash point says" grep -q "crash point after_send" "$T/ts.log"
expect_eq "the send was not recorded" "$(published)" 2
check "another instance takes over" wait_until 10 leads "$URL_t3"
check "... and sends it again" wait_until 10 test "$(published)" = 3
post "$URL_t3" "$A" "$TA" "four" >/dev/null
wait_until 10 test "$(published)" = 4

untap
grep -o '"seq":[0-9]*' "$T/events" | cut -d: -f2 >"$T/seqs"
expect_eq "every event on the wire once, in order" "$(tr '\n' ' ' <"$T/seqs")" \
    "1 2 3 4 "
check "each sealed" test "$(grep -c '^v1\.[0-9]*\.[^.]*\.{' "$T/events")" = 4

finish
