#!/usr/bin/env bash
# t0700: the event log of the tweet database. Two chirp-tweetd on one
# database and three writers posting at once: every tweet's event is in
# event_log exactly once, only one instance publishes, the NOTIFY stream
# carries each seq once in increasing order, each writer's tweets (posted
# one after the other) are numbered in the order they committed, and
# /internal/events pages the same log.
. "$(dirname "$0")/../lib.sh"

start_core
TWEETD2_PORT=$(free_port); TWEETD2=http://127.0.0.1:$TWEETD2_PORT
start_tweetd tweetd2 "$TWEETD2_PORT" "$TWEETDB" "$USERD" "$USERDB"

# A listener on the tweet channel (NOTIFY or NATS: tests/lib.sh's tap).
tap "$TWEETDB" chirp_tweet_events "$T/events"
sleep 0.5

N=15
for w in 1 2 3; do
	eval "U$w=\$(register \"\$USERD\" writer$w)"
	eval "TK$w=\$(login \"\$USERD\" writer$w)"
done
# writer W: N tweets, one after the other, alternating the instances.
writer() {
	local uid=$1 tok=$2 i url
	for i in $(seq 1 $N); do
		url=$TWEETD; [ $((i % 2)) -eq 0 ] && url=$TWEETD2
		curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 \
		    -H "Authorization: Bearer $tok" \
		    -H 'Content-Type: application/json' \
		    --data-binary "{\"userId\":\"$uid\",\"content\":\"w $i\"}" \
		    "$url/tweets"
	done >"$T/writer.$uid"
}
writer "$U1" "$TK1" & P1=$!
writer "$U2" "$TK2" & P2=$!
writer "$U3" "$TK3" & P3=$!
wait $P1 $P2 $P3
expect_eq "every post answered 201" \
    "$(cat "$T"/writer.* | sort | uniq -c | tr -s ' ')" " $((3 * N)) 201"

check "the outbox is emptied" \
    wait_until 30 sql_is "$TWEETDB" "SELECT count(*) FROM outbox" 0
expect_eq "one event per tweet in the log" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM event_log")" "$((3 * N))"
expect_eq "every tweet's event exactly once" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM tweets t WHERE (SELECT count(*)
        FROM event_log e WHERE (e.payload::json->'tweet'->>'tweetId')::bigint
        = t.id) = 1")" "$((3 * N))"
expect_eq "seqs are 1..n without a gap" \
    "$(sql "$TWEETDB" "SELECT min(seq) || ' ' || max(seq) FROM event_log")" \
    "1 $((3 * N))"
expect_eq "the author column is the tweet's author" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM event_log
        WHERE author = (payload::json->'tweet'->>'userId')::bigint")" \
    "$((3 * N))"
# One writer's tweets committed one after the other: their seqs follow
# their ids (the commit order).
expect_eq "each writer's tweets are numbered in commit order" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM (SELECT seq, row_number() OVER
        (PARTITION BY author ORDER BY seq) AS by_seq, row_number() OVER
        (PARTITION BY author ORDER BY
        (payload::json->'tweet'->>'tweetId')::bigint) AS by_id
        FROM event_log) x WHERE by_seq <> by_id")" 0
L1=$(curl -s "$TWEETD/metrics" | awk '/^chirp_publisher_leader/ {print $2}')
L2=$(curl -s "$TWEETD2/metrics" | awk '/^chirp_publisher_leader/ {print $2}')
expect_eq "exactly one instance publishes" "$L1 $L2" \
    "$( [ "$L1" = 1 ] && echo "1 0" || echo "0 1")"
check "... and one does" test "$L1$L2" = 10 -o "$L1$L2" = 01

# The NOTIFY stream: each seq once, increasing.
sleep 0.5
untap
grep -o '"seq":[0-9]*' "$T/events" | cut -d: -f2 >"$T/seqs"
expect_eq "every event notified once" "$(wc -l <"$T/seqs")" "$((3 * N))"
check "notified in seq order, none after a larger one" \
    bash -c "sort -n -c '$T/seqs'"
expect_eq "no seq doubled" "$(sort -u "$T/seqs" | wc -l)" "$((3 * N))"
check "a notification is sealed, its event carries the seq" \
    grep -q 'v1\.[0-9]*\.[^.]*\.{"type":"tweet",.*"seq":1}' "$T/events"

# /internal/events: the same log, paged.
http GET "$TWEETD2/internal/events?after=0&limit=1000" "" \
    "$(svc_hdr gateway tweetd)"
expect_status "GET /internal/events: 200" 200
expect_eq "... every event in seq order" \
    "$(jb 'if [.events[].seq] == ([.events[].seq] | sort)
        then .events | length else "unsorted" end')" \
    "$((3 * N))"
expect_eq "... first and last" "$(jb '"\(.first) \(.last)"')" "1 $((3 * N))"
expect_eq "... each event as published" \
    "$(jb '.events[0].event.type + " " + (.events[0].event.seq | tostring)')" \
    "tweet 1"
http GET "$TWEETD/internal/events?after=10&limit=5" "" \
    "$(svc_hdr gateway tweetd)"
expect_eq "a page after 10: 11..15" "$(jb '[.events[].seq] | join(",")')" \
    "11,12,13,14,15"
http GET "$TWEETD/internal/events?after=$((3 * N))" "" \
    "$(svc_hdr gateway tweetd)"
expect_eq "nothing after the last" "$(jb '.events | length')" 0

# The user database has its own log: the follow below is its seq 1.
follow "$USERD" "$U1" "$TK1" "$U2"
http GET "$USERD/internal/events?after=0" "" "$(svc_hdr tweetd userd)"
expect_status "userd's /internal/events for tweetd: 200" 200
expect_eq "... the follow, seq 1" \
    "$(jb '.events[0].seq | tostring') $(jb '.events[0].event.type')" "1 follow"

finish
