#!/usr/bin/env bash
# t9110: bus events are acted on only when sealed with the service secret
# (svcauth.h). A NOTIFY sent by hand by anyone who may connect to a
# database (here a role that may only connect, as the bus role), unsealed
# or sealed with another key, changes neither the gateway's follow cache
# and feed index nor tweetd's followings cache, reaches no live client,
# and is counted in chirp_bus_events_rejected_total.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
A=$(register "$G" amy); TA=$(login "$G" amy)
B=$(register "$G" ben); TB=$(login "$G" ben)

# A role that may connect and nothing else, like the bus role of make run.
ROLE=chirp_bus_t9110
psql -X -q -h "$CHIRP_PGDIR/run" -p "$CHIRP_PGPORT" -U postgres -d postgres \
    -c "DO \$\$ BEGIN CREATE ROLE $ROLE LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
bus_url() { echo "${1%user=postgres}user=$ROLE"; }
# notify DB CHANNEL PAYLOAD: NOTIFY as the connect-only role.
notify() {
	echo "SELECT pg_notify(:'ch', :'p');" |
	    psql -X -q -d "$(bus_url "$1")" -v ch="$2" -v p="$3" >/dev/null
}
forge() { CHIRP_SERVICE_SECRET=a-guess-at-the-secret-that-is-32-bytes "$CHIRP_TOOLS/svc-token" --seal "$1" "$2"; }
rejected() { curl -s "$1/metrics" | awk '/^chirp_bus_events_rejected_total/ {print $2}'; }
misses() { curl -s "$TWEETD/metrics" | awk '/^chirp_followings_cache_total\{.*result="miss"/ {print $2}'; }

expect_eq "the gateway counts rejections from 0" "$(rejected "$G")" 0
expect_eq "tweetd counts rejections from 0" "$(rejected "$TWEETD")" 0

# The gateway clears its follow-list cache when its user log first learns
# its position: a list cached before that would miss once, for no event.
check "the gateway's user log has its position" \
    wait_until 10 grep -q 'user log: at seq' "$T/gateway.log"
# amy's follow list is cached at the gateway, her followings at tweetd
http GET "$G/users/$A/followings"
http GET "$G/users/$A/followings"
expect_eq "amy's follow list is a cache hit" "$(hdr X-Cache)" HIT
http GET "$TWEETD/tweets/homeTimeline/$A" "" "$(auth "$TA")"
http GET "$TWEETD/tweets/homeTimeline/$A" "" "$(auth "$TA")"
M0=$(misses)

watch amy "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
check "amy's feed is ready" wait_until 10 ready amy

# --- forged user events -----------------------------------------------------

FOLLOW="{\"type\":\"follow\",\"userId\":\"$A\",\"targetId\":\"$B\"}"
notify "$USERDB" chirp_user_events "$FOLLOW"
notify "$USERDB" chirp_user_events "$(forge chirp_user_events "$FOLLOW")"
# and one sealed right but for the other channel
notify "$USERDB" chirp_user_events "$("$CHIRP_TOOLS/svc-token" --seal chirp_tweet_events "$FOLLOW")"
check "the gateway rejected the three user events" wait_until 10 \
    sh -c "[ \"\$(curl -s $G/metrics | awk '/^chirp_bus_events_rejected_total/ {print \$2}')\" = 3 ]"
check "tweetd rejected them too" wait_until 10 \
    sh -c "[ \"\$(curl -s $TWEETD/metrics | awk '/^chirp_bus_events_rejected_total/ {print \$2}')\" = 3 ]"
http GET "$G/users/$A/followings"
expect_eq "the gateway's follow cache is untouched" "$(hdr X-Cache)" HIT
http GET "$TWEETD/tweets/homeTimeline/$A" "" "$(auth "$TA")"
expect_eq "tweetd's followings cache is untouched" "$(misses)" "$M0"
check "gateway log names the drop" grep -q "dropped an event on chirp_user_events" "$T/gateway.log"
check "no payload in the warning" sh -c "! grep 'dropped an event' '$T/gateway.log' | grep -q targetId"

# ben posts: amy never followed him, so the forged follow must not bring it
post "$G" "$B" "$TB" "ben only" >/dev/null
TBEN=$(jb .tweetId)
sleep 1
check "a forged follow does not feed amy ben's tweets" lacks amy "\"tweetId\":\"$TBEN\""

# --- forged tweet events ----------------------------------------------------

FAKE="{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"777000777\",\"userId\":\"$A\",\"username\":\"amy\",\"content\":\"forged\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"}}"
notify "$TWEETDB" chirp_tweet_events "$FAKE"
notify "$TWEETDB" chirp_tweet_events "$(forge chirp_tweet_events "$FAKE")"
check "the gateway rejected the tweet events" wait_until 10 \
    sh -c "[ \"\$(curl -s $G/metrics | awk '/^chirp_bus_events_rejected_total/ {print \$2}')\" = 5 ]"
# a real tweet after them arrives, so the forged ones were read first
post "$G" "$A" "$TA" "amy real" >/dev/null
TAMY=$(jb .tweetId)
check "amy's real tweet reaches her" wait_until 10 has amy "\"tweetId\":\"$TAMY\""
check "no forged tweet reached her" sh -c "! grep -qF 777000777 '$T/amy.ws'"

# The control: the same event sealed with the service secret is acted on,
# so the checks above would see a forged event that got through.
notify "$TWEETDB" chirp_tweet_events "$("$CHIRP_TOOLS/svc-token" --seal chirp_tweet_events "$FAKE")"
check "a sealed event is delivered" wait_until 10 has amy 777000777

# A forged account deletion would close her connections.
notify "$USERDB" chirp_user_events "{\"type\":\"user_deleted\",\"userId\":\"$A\"}"
check "the gateway rejected the forged deletion" wait_until 10 \
    sh -c "[ \"\$(curl -s $G/metrics | awk '/^chirp_bus_events_rejected_total/ {print \$2}')\" = 6 ]"
sleep 0.5
check "her connection was not closed by a forged deletion" kill -0 "$WS_amy"
http GET "$G/users/$A/followings"
expect_eq "nor the follow cache cleared" "$(hdr X-Cache)" HIT
stop_ws amy

finish
