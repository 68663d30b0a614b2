#!/usr/bin/env bash
# Likes and unlikes are in the tweet service's event log (and its
# /internal/feed, authored by the liker) but are no frames of the live
# feed: they never reach a client, live or replayed, and a resume moves
# past them. 150 of them (more than a replay page) between two tweets:
# the resume replays the tweet after them and is ready, without a reset
# (a replay that stood still on a page of likes alone used to read it
# again and again up to replay_max, then reset). The like events are
# written to the tweet database's outbox as chirp-tweetd writes them, so
# the publisher logs and publishes them like any other.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" reader amy
follow "$G" "$READER" "$TR" "$AMY"
expect_status "the reader follows amy" 200
sleep 1

watch s1 "$GATEWAY_WS/ws" --header "$(auth "$TR")" --timeout 40
check "the reader is live" wait_until 10 ready s1
A1=$(post "$G" "$AMY" "$TA" "amy 1")
check "amy's tweet arrives live" wait_until 10 has s1 "\"tweetId\":\"$A1\""
c1=$(grep -F "\"tweetId\":\"$A1\"" "$T/s1.ws" | jq -r .cursor)

outbox_empty() { [ "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 10 outbox_empty
before=$(sql "$TWEETDB" "SELECT max(seq) FROM event_log")
http GET "$G/tweets/$A1"
tw=$(jq -c . "$T/body")
like=$(jq -cn --arg u "$AMY" --argjson t "$tw" '{type:"like",userId:$u,username:"amy",tweet:$t}')
unlike=$(jq -cn --arg u "$AMY" --arg t "$A1" '{type:"unlike",userId:$u,tweetId:$t}')
sql "$TWEETDB" "INSERT INTO outbox (channel, author, payload)
    SELECT 'chirp_tweet_events', $AMY, CASE WHEN i % 2 = 1 THEN '$like' ELSE '$unlike' END
    FROM generate_series(1, 150) i; SELECT pg_notify('chirp_tweet_events_wake', '')" >/dev/null
check "150 likes and unlikes are in the log" \
    wait_until 15 sql_is "$TWEETDB" "SELECT max(seq) FROM event_log" "$((before + 150))"
A2=$(post "$G" "$AMY" "$TA" "amy 2")
check "the next tweet arrives live" wait_until 10 has s1 "\"tweetId\":\"$A2\""
stop_ws s1
check "no like or unlike reached the client" sh -c "! grep -qE '\"type\":\"(un)?like\"' '$T/s1.ws'"
last=$(sql "$TWEETDB" "SELECT max(seq) FROM event_log")
expect_eq "the tweet after them has its own position" \
    "$(grep -F "\"tweetId\":\"$A2\"" "$T/s1.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')" "t$last"

# resume from before the likes
watch s2 "$GATEWAY_WS/ws?cursor=$c1" --header "$(auth "$TR")" --timeout 30
check "the resumed feed is ready" wait_until 15 ready s2
frames=$(jq -c 'if .type == "tweet" then "t" + .tweet.tweetId else .type end' "$T/s2.ws" | grep -v timeout | tr -d '"' | paste -sd, -)
expect_eq "the tweet after the likes, then ready (no reset)" "$frames" "t$A2,ready"
expect_eq "ready is past them all" \
    "$(grep '"type":"ready"' "$T/s2.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')" "t$last"
stop_ws s2

# a resume from the middle of the likes: the tweet after them, no like
mid=$((before + 75))
out=$(ws_client "$GATEWAY_WS/ws?cursor=t$mid" --header "$(auth "$TR")" --count 2 --timeout 10)
expect_eq "from the middle of the likes: the tweet, then ready" \
    "$(jq -r 'if .type == "tweet" then .tweet.tweetId else .type end' <<<"$out" | paste -sd, -)" "$A2,ready"

# the since= replay has none either (the home timeline holds no likes)
out=$(ws_client "$GATEWAY_WS/ws?since=$A1" --header "$(auth "$TR")" --count 2 --timeout 10)
expect_eq "since= replays the tweet, then ready" \
    "$(jq -r 'if .type == "tweet" then .tweet.tweetId else .type end' <<<"$out" | paste -sd, -)" "$A2,ready"

finish
