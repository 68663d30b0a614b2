#!/usr/bin/env bash
# What happens while a client is away comes back on resume with its cursor:
# new tweets and deletes of the people it follows, in log order; the
# followings as they are at reconnect time (a follow made while away
# replays from the follow on, an unfollowed author gives nothing); then
# ready with the position reached, then live.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" reader amy bob cid
follow "$G" "$READER" "$TR" "$AMY"
follow "$G" "$READER" "$TR" "$BOB"
expect_status "the reader follows amy and bob" 200
sleep 1

C0=$(post "$G" "$CID" "$TC" "cid before the follow")
watch s1 "$GATEWAY_WS/ws" --header "$(auth "$TR")" --timeout 30
check "the reader is live" wait_until 10 ready s1
A1=$(post "$G" "$AMY" "$TA" "amy 1")
check "amy's tweet arrives live" wait_until 10 has s1 "\"tweetId\":\"$A1\""
sleep 0.5
stop_ws s1
check "cid's did not (not followed yet)" lacks s1 "\"tweetId\":\"$C0\""
cur=$(grep -o '"cursor":"[^"]*"' "$T/s1.ws" | tail -n 1 | cut -d'"' -f4)
expect_eq "the last cursor is amy's tweet's" "$cur" \
    "$(grep -F "\"tweetId\":\"$A1\"" "$T/s1.ws" | jq -r .cursor)"

# away
A2=$(post "$G" "$AMY" "$TA" "amy 2")
http DELETE "$G/tweets/$A1" "" "$(auth "$TA")"
expect_status "amy deletes the tweet the reader saw" 200
B1=$(post "$G" "$BOB" "$TB" "bob 1")
unfollow "$G" "$READER" "$TR" "$BOB"
expect_status "the reader unfollows bob" 200
B2=$(post "$G" "$BOB" "$TB" "bob 2")
follow "$G" "$READER" "$TR" "$CID"
expect_status "the reader follows cid" 200
sleep 0.5
C1=$(post "$G" "$CID" "$TC" "cid after the follow")
sleep 1

watch s2 "$GATEWAY_WS/ws?cursor=$cur" --header "$(auth "$TR")" --timeout 30
check "the resumed feed is ready" wait_until 10 ready s2
frames=$(jq -c 'if .type == "tweet" then "t" + .tweet.tweetId elif .type == "delete" then "d" + .tweetId else .type end' "$T/s2.ws" | grep -v timeout | tr -d '"' | paste -sd, -)
expect_eq "amy's new tweet, the delete, cid's tweet from the follow on, then ready" \
    "$frames" "t$A2,d$A1,t$C1,ready"
check "nothing of bob, unfollowed while away" \
    sh -c "! grep -qE '\"tweetId\":\"($B1|$B2)\"' '$T/s2.ws'"
check "nothing from before the cursor" lacks s2 "\"tweetId\":\"$C0\""
last=$(sql "$TWEETDB" "SELECT max(seq) FROM event_log")
expect_eq "ready carries the log's position" \
    "$(grep '"type":"ready"' "$T/s2.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')" "t$last"
C2=$(post "$G" "$CID" "$TC" "cid live")
B3=$(post "$G" "$BOB" "$TB" "bob live")
A3=$(post "$G" "$AMY" "$TA" "amy live")
check "then live" wait_until 10 has s2 "\"tweetId\":\"$A3\""
check "with cid's" has s2 "\"tweetId\":\"$C2\""
check "and not bob's" lacks s2 "\"tweetId\":\"$B3\""
stop_ws s2

# resuming from the ready position replays nothing
rc=$(grep '"type":"ready"' "$T/s2.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')
out=$(ws_client "$GATEWAY_WS/ws?cursor=$(grep -F "\"tweetId\":\"$A3\"" "$T/s2.ws" | jq -r .cursor)" \
    --header "$(auth "$TR")" --count 1 --timeout 10)
expect_eq "resuming at the newest position: ready at once" \
    "$(jq -r .type <<<"$out")" ready
check "ready's cursor is never below the one resumed from" \
    test "$(jq -r '.cursor | sub("-n[0-9]+$"; "")' <<<"$out" | tr -d t)" -ge "${rc#t}"

finish
