#!/usr/bin/env bash
# The live feed (GET /ws) through the gateway: auth and since checked
# before the upgrade, delivery to the author and followers only, deletes,
# a follow taking effect on an open connection, replay with since= (oldest
# first, then ready, no loss and no duplicate).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
W=$GATEWAY_WS

ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)
CAROL=$(register "$G" carol); TC=$(login "$G" carol)
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob" 200

# refused before the upgrade
out=$(ws_client "$W/ws" --timeout 5)
expect_eq "no token: 401 before the upgrade" "$out" "status 401"
out=$(ws_client "$W/ws?access_token=nonsense" --timeout 5)
expect_eq "bad token: 401 before the upgrade" "$out" "status 401"
out=$(ws_client "$W/ws?since=abc" --header "$(auth "$TA")" --timeout 5)
expect_eq "since not a decimal id: 400 before the upgrade" "$out" "status 400"
out=$(ws_client "$W/ws?since=-1&access_token=$TA" --timeout 5)
expect_eq "a negative since: 400" "$out" "status 400"

watch alice "$W/ws" --header "$(auth "$TA")" --timeout 60
watch bob "$W/ws?access_token=$TB" --timeout 60
watch carol "$W/ws" --header "$(auth "$TC")" --timeout 60
check "alice's feed is ready (header auth)" wait_until 10 ready alice
check "bob's feed is ready (query token)" wait_until 10 ready bob
check "carol's feed is ready" wait_until 10 ready carol

T1=$(post "$G" "$BOB" "$TB" "bob one")
check "a follower gets the new tweet" wait_until 10 has alice "\"tweetId\":\"$T1\""
check "the author gets their own tweet" wait_until 10 has bob "\"tweetId\":\"$T1\""
C1=$(post "$G" "$CAROL" "$TC" "carol one")
check "carol gets her own tweet" wait_until 10 has carol "\"tweetId\":\"$C1\""
check "carol, who does not follow bob, did not get his" sh -c "! grep -qF '\"tweetId\":\"$T1\"' '$T/carol.ws'"
check "alice does not get carol's tweet" sh -c "! grep -qF '\"tweetId\":\"$C1\"' '$T/alice.ws'"
check "the frame is a whole tweet" sh -c "grep -F '\"tweetId\":\"$T1\"' '$T/alice.ws' | jq -e '.type == \"tweet\" and .tweet.content == \"bob one\" and .tweet.username == \"bob\"'"

# a follow on an open connection takes effect from then on
follow "$G" "$CAROL" "$TC" "$BOB"
expect_status "carol follows bob" 200
sleep 0.5
T2=$(post "$G" "$BOB" "$TB" "bob two")
check "carol gets bob's tweets after the follow" wait_until 10 has carol "\"tweetId\":\"$T2\""
check "the follow replays nothing older" sh -c "! grep -qF '\"tweetId\":\"$T1\"' '$T/carol.ws'"

# deletes
http DELETE "$G/tweets/$T2" "" "$(auth "$TB")"
expect_status "bob deletes a tweet" 200
check "the follower gets the delete" wait_until 10 has alice "{\"type\":\"delete\",\"tweetId\":\"$T2\","
check "the author gets the delete" wait_until 10 has bob "{\"type\":\"delete\",\"tweetId\":\"$T2\","

# unfollow on an open connection
unfollow "$G" "$CAROL" "$TC" "$BOB"
sleep 0.5
T3=$(post "$G" "$BOB" "$TB" "bob three")
C2=$(post "$G" "$CAROL" "$TC" "carol two")
check "carol gets her own after unfollowing" wait_until 10 has carol "\"tweetId\":\"$C2\""
check "after the unfollow carol gets no more of bob's" sh -c "! grep -qF '\"tweetId\":\"$T3\"' '$T/carol.ws'"
check "alice still gets bob's" wait_until 10 has alice "\"tweetId\":\"$T3\""

stop_ws alice bob carol

# replay with since: everything newer than T1 in alice's home timeline,
# oldest first, then ready, then live, nothing twice
for i in 1 2 3 4 5; do post "$G" "$BOB" "$TB" "more $i" >/dev/null; done
http GET "$G/tweets/homeTimeline/$ALICE?after=$T1&limit=100" "" "$(auth "$TA")"
want=$(jb '[.tweets[].tweetId] | reverse | join(",")')
watch replay "$W/ws?since=$T1" --header "$(auth "$TA")" --timeout 60
check "the replay ends with ready" wait_until 10 ready replay
expect_eq "the replay is every newer entry, oldest first" "$(tweet_ids replay)" "$want"
check "ready comes after the replayed entries" sh -c "tail -n 1 '$T/replay.ws' | grep -qF '{\"type\":\"ready\",'"
T4=$(post "$G" "$BOB" "$TB" "live after replay")
check "live entries follow the replay" wait_until 10 has replay "\"tweetId\":\"$T4\""
expect_eq "nothing doubled" "$(tweet_ids replay)" "$want,$T4"
stop_ws replay

# replay spanning several pages (over 100 entries)
for i in $(seq 1 110); do
	curl -s -o /dev/null -H "$(auth "$TB")" -H 'Content-Type: application/json' \
	    --data "{\"userId\":\"$BOB\",\"content\":\"page $i\"}" "$G/tweets"
done
http GET "$G/tweets/userTimeline/$BOB?limit=100" 
first=$(jb '.tweets[-1].tweetId')
watch pages "$W/ws?since=$T1" --header "$(auth "$TA")" --timeout 60
check "a long replay ends with ready" wait_until 20 ready pages
n=$(grep -c '"type":"tweet"' "$T/pages.ws")
expect_eq "a long replay sends every entry once" "$n" "$(tweet_ids pages | tr , '\n' | sort -u | wc -l)"
check "a long replay is in id order" sh -c "grep '\"type\":\"tweet\"' '$T/pages.ws' | jq -r .tweet.tweetId | sort -n -c"
# T3, five "more", the live one and 110 pages (T2 was deleted)
expect_eq "a long replay has all 117 newer entries" "$n" 117
stop_ws pages

# a deleted account's connections are closed
watch carol2 "$W/ws" --header "$(auth "$TC")" --timeout 30
check "carol connected again" wait_until 10 ready carol2
http DELETE "$G/users/$CAROL" "" "$(auth "$TC")"
expect_status "carol deletes her account" 200
check "her connection is closed" wait_until 10 has carol2 "close "

finish
