#!/usr/bin/env bash
# t9701: tweetsCount trusts only chirp-tweetd's log. A forged tweet event
# on the bus (unsealed, sealed with a guessed secret, or even sealed right:
# the bus only says "look") counts nothing that is not in the log;
# chirp-tweetd's /internal/events takes chirp-userd's credential and no
# other process's it did not take before; the gateway does not route it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" amy
count() { http GET "$G/users/$AMY"; jb .tweetsCount; }
count_is() { [ "$(count)" = "$1" ]; }
position() { sql "$USERDB" "SELECT tweet_seq FROM tweet_replica"; }
log_top() { sql "$TWEETDB" "SELECT coalesce(max(seq), 0) FROM event_log"; }
caught_up() { [ "$(position)" = "$(log_top)" ]; }

ROLE=chirp_bus_t9701
admin "DO \$\$ BEGIN CREATE ROLE $ROLE LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
role_url() { echo "${1%user=postgres}user=$ROLE"; }
notify() {
	echo "SELECT pg_notify(:'ch', :'p');" |
	    psql -X -q -d "$(role_url "$1")" -v ch="$2" -v p="$3" >/dev/null
}
forge() { CHIRP_SERVICE_SECRET=a-guess-at-the-secret-that-is-32-bytes "$CHIRP_TOOLS/svc-token" --seal "$1" "$2"; }

post "$G" "$AMY" "$TA" "one" >/dev/null
check "a real post counts" wait_until 10 count_is 1
FAKE="{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"777000777\",\"userId\":\"$AMY\",\"username\":\"amy\",\"content\":\"forged\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"},\"seq\":999}"
notify "$TWEETDB" chirp_tweet_events "$FAKE"
notify "$TWEETDB" chirp_tweet_events "$(forge chirp_tweet_events "$FAKE")"
notify "$TWEETDB" chirp_tweet_events "$("$CHIRP_TOOLS/svc-token" --seal chirp_tweet_events "$FAKE")"
DEL="{\"type\":\"delete\",\"tweetId\":\"1\",\"userId\":\"$AMY\",\"seq\":1000}"
notify "$TWEETDB" chirp_tweet_events "$("$CHIRP_TOOLS/svc-token" --seal chirp_tweet_events "$DEL")"
sleep 1
expect_eq "no event on the bus counts unless it is in the log" "$(count)" 1
expect_eq "the position is still the log's" "$(position)" "$(log_top)"
post "$G" "$AMY" "$TA" "two" >/dev/null
check "the next real post counts" wait_until 10 count_is 2

# the route chirp-userd reads
E=$TWEETD/internal/events?after=0
http GET "$E"
expect_status "tweetd's log without a credential: 401" 401 unauthorized
http GET "$E" "" "$(auth "$TA")"
expect_status "tweetd's log with a user's token: 401" 401 unauthorized
http GET "$E" "" "$(svc_hdr userd tweetd)"
expect_status "tweetd's log for chirp-userd: 200" 200
http GET "$E" "" "$(svc_hdr discoveryd tweetd)"
expect_status "tweetd's log for another process: 403" 403 forbidden
http GET "$TWEETD/internal/feed/$AMY?after=0" "" "$(svc_hdr userd tweetd)"
expect_status "tweetd's per-user feed stays closed to chirp-userd: 403" 403 forbidden
http GET "$G/internal/events?after=0" "" "$(svc_hdr userd tweetd)"
check "the gateway does not route it" test "$HTTP_STATUS" = 404

# a user's PATCH cannot set a count
refuses "tweetsCount is not writable" 400 bad_request PATCH "$G/users/$AMY" \
    '{"tweetsCount":1000}' "$(auth "$TA")"
expect_eq "the count is still the log's" "$(count)" 2

finish
