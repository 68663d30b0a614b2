#!/usr/bin/env bash
# t0800: the home timeline's feed (written at post time), through the
# gateway with two tweet services: read your writes after a follow, an
# unfollow, a post and a delete; the cap and paging past it; a popular
# author merged at read; concurrent follows and posts; account deletion;
# events replayed once; a dropped feed rebuilt; the bulk-load contract.
# Every answer is compared with the fan-out-on-read answer (the authors'
# timelines of whom userd says the reader follows).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

CAP=20
TWEETD_FLAGS="--feed_cap $CAP --feed_popular 3"
start_system
start_tweetd_d tweetd2 "$(free_port)"
G=$GATEWAY
accounts "$G" amy ben cat dan eve fay pop

home_ids() {
	http GET "$G/tweets/homeTimeline/$1?limit=$3${4:+&$4}" "" "$(auth "$2")"
	jb '[.tweets[].tweetId]|join(" ")'
}
# truth READER LIMIT [BEFORE]: the newest ids of the reader and whom the
# user database says the reader follows.
truth() {
	local f
	f=$(sql "$USERDB" "SELECT string_agg(followee_id::text, ',') FROM follows WHERE follower_id = $1")
	sql "$TWEETDB" "SELECT coalesce(string_agg(id::text, ' ' ORDER BY id DESC), '') FROM (SELECT id FROM tweets WHERE user_id IN ($1${f:+,$f}) ${3:+AND id < $3} ORDER BY id DESC LIMIT $2) x"
}
# pages READER TOKEN SIZE: every page down with before, joined.
pages() {
	local got="" page before=""
	while :; do
		page=$(home_ids "$1" "$2" "$3" "${before:+before=$before}")
		[ -z "$page" ] && break
		got="$got $page"; before=${page##* }
	done
	echo "${got# }"
}
rows_of() { sql "$TWEETDB" "SELECT count(*) FROM feed WHERE reader_id = $1 ${2:+AND author_id = $2}"; }

# --- read your writes -------------------------------------------------------
home_ids "$AMY" "$TA" 20 >/dev/null
expect_status "a first read builds amy's feed" 200
check "amy's feed is kept" test "$(sql "$TWEETDB" "SELECT horizon FROM feed_readers WHERE reader_id = $AMY")" = 0
for i in 1 2 3; do post "$G" "$CAT" "$TC" "cat $i" >/dev/null; done
follow "$G" "$AMY" "$TA" "$BEN"
B1=$(post "$G" "$BEN" "$TB" "ben 1")
expect_eq "a post shows at once in a follower's home" "$(home_ids "$AMY" "$TA" 5)" "$B1"
check "... from amy's feed rows" test "$(rows_of "$AMY" "$BEN")" = 1
follow "$G" "$AMY" "$TA" "$CAT"
expect_eq "a follow shows the followee's tweets at once" \
    "$(home_ids "$AMY" "$TA" 10)" "$(truth "$AMY" 10)"
http DELETE "$G/tweets/$B1" "" "$(auth "$TB")"
expect_status "ben deletes his tweet" 200
expect_eq "a deleted tweet vanishes at once" "$(home_ids "$AMY" "$TA" 10)" "$(truth "$AMY" 10)"
check "... and leaves the feed" test "$(rows_of "$AMY" "$BEN")" = 0
unfollow "$G" "$AMY" "$TA" "$CAT"
expect_eq "an unfollow removes the author at once" "$(home_ids "$AMY" "$TA" 10)" ""
check "... from the feed too" test "$(rows_of "$AMY" "$CAT")" = 0

# --- the cap, and paging past it ----------------------------------------------
follow "$G" "$AMY" "$TA" "$CAT"
for i in $(seq 1 45); do
	post "$G" "$CAT" "$TC" "cat more $i" >/dev/null
	[ $((i % 4)) = 0 ] && post "$G" "$BEN" "$TB" "ben more $i" >/dev/null
done
ALL=$(truth "$AMY" 1000)
expect_eq "pages of 7 down past the cap: every tweet once, in order" \
    "$(pages "$AMY" "$TA" 7)" "$ALL"
expect_eq "pages of 20 too" "$(pages "$AMY" "$TA" 20)" "$ALL"
OLD=$(echo "$ALL" | cut -d' ' -f40)
expect_eq "after= below the cap" "$(home_ids "$AMY" "$TA" 5 "after=$OLD")" \
    "$(echo "$ALL" | cut -d' ' -f35-39)"
check "the feed is trimmed near the cap" test "$(rows_of "$AMY")" -lt $((CAP + 40))

# --- a popular author (more than 3 followers) is merged at read --------------
for u in "$AMY:$TA" "$BEN:$TB" "$DAN:$TD" "$EVE:$TE"; do
	home_ids "${u%%:*}" "${u#*:}" 1 >/dev/null
	follow "$G" "${u%%:*}" "${u#*:}" "$POP"
done
P1=$(post "$G" "$POP" "$TP" "popular 1")
check "pop is popular" test "$(sql "$TWEETDB" "SELECT popular FROM feed_authors WHERE author_id = $POP")" = t
check "pop's tweet is not fanned out" test "$(sql "$TWEETDB" "SELECT count(*) FROM feed WHERE tweet_id = $P1 AND reader_id <> $POP")" = 0
for u in "$AMY:$TA" "$DAN:$TD"; do
	expect_eq "pop's tweet merged into ${u%%:*}'s home" \
	    "$(home_ids "${u%%:*}" "${u#*:}" 30)" "$(truth "${u%%:*}" 30)"
done
expect_eq "pages with a popular author merged" "$(pages "$AMY" "$TA" 9)" \
    "$(truth "$AMY" 1000)"

# --- concurrent follows, unfollows and posts ----------------------------------
READERS=("$AMY:$TA" "$BEN:$TB" "$DAN:$TD" "$EVE:$TE" "$FAY:$TF")
AUTHORS=("$CAT:$TC" "$BEN:$TB" "$FAY:$TF" "$DAN:$TD")
churn() {
	local r=$1 i a
	for i in $(seq 1 12); do
		a=${AUTHORS[$(((i + ${#r}) % 4))]}
		[ "${a%%:*}" = "${r%%:*}" ] && continue
		if [ $((i % 3)) = 0 ]; then
			curl -s -o /dev/null -X DELETE "$G/users/${r%%:*}/unfollow" -H "$(auth "${r#*:}")" \
			    -H 'Content-Type: application/json' -d "{\"unfollowUserId\":\"${a%%:*}\"}"
		else
			curl -s -o /dev/null -X POST "$G/users/${r%%:*}/follow" -H "$(auth "${r#*:}")" \
			    -H 'Content-Type: application/json' -d "{\"followUserId\":\"${a%%:*}\"}"
		fi
		curl -s -o /dev/null "$G/tweets/homeTimeline/${r%%:*}" -H "$(auth "${r#*:}")"
	done
}
poster() {
	local i
	for i in $(seq 1 15); do
		curl -s -o /dev/null -X POST "$G/tweets" -H "$(auth "${1#*:}")" \
		    -H 'Content-Type: application/json' \
		    -d "{\"userId\":\"${1%%:*}\",\"content\":\"race $i\"}"
	done
}
pids=""
for r in "${READERS[@]}"; do churn "$r" & pids="$pids $!"; done
for a in "${AUTHORS[@]}"; do poster "$a" & pids="$pids $!"; done
# shellcheck disable=SC2086
wait $pids
bad=""
for r in "${READERS[@]}"; do
	[ "$(home_ids "${r%%:*}" "${r#*:}" 100)" = "$(truth "${r%%:*}" 100)" ] || bad="$bad ${r%%:*}"
	[ "$(pages "${r%%:*}" "${r#*:}" 13)" = "$(truth "${r%%:*}" 1000)" ] || bad="$bad ${r%%:*}(pages)"
done
expect_eq "after the race every home equals the fan-out-on-read answer" "$bad" ""
expect_eq "the replica equals userd's graph" \
    "$(sql "$TWEETDB" "SELECT md5(string_agg(follower_id || '>' || followee_id, ',' ORDER BY 1)) FROM follows")" \
    "$(sql "$USERDB" "SELECT md5(string_agg(follower_id || '>' || followee_id, ',' ORDER BY 1)) FROM follows")"
COUNTS="SELECT coalesce(string_agg(a || ':' || n, ',' ORDER BY a), '') FROM"
expect_eq "follower counts equal userd's" \
    "$(sql "$TWEETDB" "$COUNTS (SELECT author_id a, followers n FROM feed_authors WHERE followers > 0) x")" \
    "$(sql "$USERDB" "$COUNTS (SELECT followee_id a, count(*) n FROM follows GROUP BY 1) x")"
expect_eq "two instances, one position: userd's newest seq" \
    "$(sql "$TWEETDB" "SELECT user_seq FROM replica_state")" \
    "$(sql "$USERDB" "SELECT max(seq) FROM event_log")"

# --- a post's fan-out and a follow's backfill, interleaved -------------------
# The window made wide on purpose, with two psql sessions that take table
# locks (no transaction id, so userd's publisher is not held back): one
# holds tweetd's replica position, so the follow's apply waits; one holds
# the outbox, so hal's post stops after its fan-out (which finds no
# follower yet) and before its commit. Then the position is let go first:
# the follow's backfill runs while the post is uncommitted, and must wait
# for it (the author's lock) rather than read hal's tweets without it.
accounts "$G" hal ivy
home_ids "$IVY" "$TI" 1 >/dev/null
psql -X -q -d "$TWEETDB" -c "BEGIN" -c "LOCK TABLE replica_state IN EXCLUSIVE MODE" \
    -c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null &
HOLD_POSITION=$!
psql -X -q -d "$TWEETDB" -c "BEGIN" -c "LOCK TABLE outbox IN EXCLUSIVE MODE" \
    -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null &
HOLD_OUTBOX=$!
locks() {
	sql "$TWEETDB" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '$1' AND $2"
}
held() { [ "$(locks replica_state "l.mode = 'ExclusiveLock' AND l.granted")" = 1 ] &&
    [ "$(locks outbox "l.mode = 'ExclusiveLock' AND l.granted")" = 1 ]; }
waiting() { [ "$(locks "$1" "NOT l.granted")" -ge 1 ]; }
check "psql holds the replica's position and the outbox" wait_until 2 held
follow "$G" "$IVY" "$TI" "$HAL"
check "the follow's apply waits for the position" wait_until 2 waiting replica_state
post "$G" "$HAL" "$TH" "posted while ivy follows" >"$T/race_post" &
POSTER=$!
check "hal's post waits for the outbox, uncommitted" wait_until 2 waiting outbox
wait "$HOLD_POSITION" "$HOLD_OUTBOX" "$POSTER"
expect_eq "a tweet whose fan-out raced a follow's backfill is in the new follower's home" \
    "$(home_ids "$IVY" "$TI" 5)" "$(cat "$T/race_post")"
check "... from ivy's feed rows" test "$(rows_of "$IVY" "$HAL")" = 1

# --- replayed events apply once -----------------------------------------------
# Both instances got every event; now make one catch up over the last ten
# again from userd's log (the position set back, as after a crash
# between the change and the position: which cannot happen, they commit
# together, but a replay must not count twice anyway).
BEFORE_COUNTS=$(sql "$TWEETDB" "$COUNTS (SELECT author_id a, followers n FROM feed_authors WHERE followers > 0) x")
sql "$TWEETDB" "UPDATE replica_state SET user_seq = user_seq - 10" >/dev/null
follow "$G" "$EVE" "$TE" "$AMY"
expect_eq "eve's follow is read at once after the replay" \
    "$(home_ids "$EVE" "$TE" 50)" "$(truth "$EVE" 50)"
expect_eq "no count doubled by the replay" \
    "$(sql "$TWEETDB" "$COUNTS (SELECT author_id a, followers n FROM feed_authors WHERE followers > 0 AND author_id <> $AMY) x")" \
    "$(sed "s/\(^\|,\)$AMY:[0-9]*//; s/^,//" <<<"$BEFORE_COUNTS")"

# --- account deletion -------------------------------------------------------------
http DELETE "$G/users/$BEN" "" "$(auth "$TB")"
expect_status "ben deletes his account" 200
check "no home shows ben" wait_until 10 sh -c "! curl -s '$G/tweets/homeTimeline/$AMY?limit=100' -H '$(auth "$TA")' | grep -q '\"userId\":\"$BEN\"'"
expect_eq "ben leaves the replica" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM follows WHERE $BEN IN (follower_id, followee_id)")/$(rows_of "$BEN")/$(sql "$TWEETDB" "SELECT count(*) FROM feed WHERE author_id = $BEN")" "0/0/0"

# --- a reader away: the feed is dropped, and rebuilt on the next read --------
sql "$TWEETDB" "UPDATE feed_readers SET seen_at = now() - interval '40 days' WHERE reader_id = $AMY" >/dev/null
stop_proc tweetd2
start_tweetd_d tweetd2 "$(free_port)"	# its first pass prunes
check "amy's feed is dropped" wait_until 10 test "$(rows_of "$AMY")" = 0
expect_eq "a dropped feed is rebuilt on the first read" \
    "$(pages "$AMY" "$TA" 11)" "$(truth "$AMY" 1000)"
check "... and kept again" test "$(rows_of "$AMY")" -gt 0

# --- the bulk-load contract ---------------------------------------------------
# Rows COPYed straight into both databases (no events), then the one call
# docs/HACKING.md names, then the services start.
stop_proc tweetd; stop_proc tweetd2
sql "$USERDB" "INSERT INTO follows (follower_id, followee_id) VALUES ($FAY, $CAT), ($DAN, $EVE) ON CONFLICT DO NOTHING" >/dev/null
sql "$TWEETDB" "INSERT INTO follows VALUES ($FAY, $CAT), ($DAN, $EVE) ON CONFLICT DO NOTHING;
    INSERT INTO tweets (user_id, username, content) SELECT $EVE, 'eve', 'bulk ' || i FROM generate_series(1, 30) i" >/dev/null
sql "$TWEETDB" "SELECT feed_bulk_loaded($(sql "$USERDB" "SELECT coalesce(max(seq), 0) FROM event_log"))" >/dev/null
start_tweetd_d tweetd "$TWEETD_PORT"
start_tweetd_d tweetd2 "$(free_port)"
wait_until 15 sh -c "curl -s --max-time 1 -o /dev/null -w '%{http_code}' $G/status | grep -q 200"
for r in "$DAN:$TD" "$FAY:$TF" "$AMY:$TA"; do
	expect_eq "after a bulk load ${r%%:*}'s home is right" \
	    "$(pages "${r%%:*}" "${r#*:}" 17)" "$(truth "${r%%:*}" 1000)"
done
post "$G" "$EVE" "$TE" "after the load" >/dev/null
expect_eq "and stays right after a post" "$(home_ids "$DAN" "$TD" 5)" "$(truth "$DAN" 5)"

finish
