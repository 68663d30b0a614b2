#!/usr/bin/env bash
# t0540: chirp watch resumes the live feed exactly: after a lost
# connection it asks for cursor=<cursor of the last event received>, shows
# the tweets and deletes replayed from there once each, says so on a
# "reset" (--json: the event itself), and against a server that sends no
# cursor, a malformed one, or refuses one with 400, falls back to
# since=<newest tweet id>. The
# server is a fake (tests/tools/fake-feed.py) playing a scripted feed that
# drops the connection after a few events and checks each reconnect's
# query.
. "$(dirname "$0")/../lib.sh"

unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
PY=/usr/bin/python3

cat >"$T/scenario.json" <<'EOF'
{"token": "fake-token",
 "user": {"userId": "1", "username": "alice"},
 "tweets": {
   "1": {"userId": "2", "username": "bob", "content": "first from bob"},
   "2": {"userId": "2", "username": "bob", "content": "second, deleted while away"},
   "3": {"userId": "2", "username": "bob", "content": "third from bob"},
   "4": {"userId": "2", "username": "bob", "content": "fourth, posted while away"},
   "10": {"userId": "2", "username": "bob", "content": "tenth, after the reset"},
   "11": {"userId": "2", "username": "bob", "content": "eleventh, bad cursor"},
   "12": {"userId": "2", "username": "bob", "content": "twelfth, no cursors"},
   "13": {"userId": "2", "username": "bob", "content": "thirteenth, cursor refused"}},
 "connections": [
   {"expect": {},
    "frames": [{"type": "ready", "cursor": "t0"},
               {"type": "tweet", "id": "1", "cursor": "t1"},
               {"type": "tweet", "id": "2", "cursor": "t2"},
               {"type": "tweet", "id": "3", "cursor": "t3"}]},
   {"expect": {"cursor": "t3"},
    "frames": [{"type": "tweet", "id": "4", "cursor": "t4"},
               {"type": "delete", "tweetId": "2", "cursor": "t5"},
               {"type": "ready", "cursor": "t5"}]},
   {"expect": {"cursor": "t5"},
    "frames": [{"type": "reset"},
               {"type": "ready", "cursor": "t9"},
               {"type": "tweet", "id": "10", "cursor": "t10"}]},
   {"expect": {"cursor": "t10"},
    "frames": [{"type": "ready", "cursor": "t10"},
               {"type": "tweet", "id": "11", "cursor": "t11&since=1"}]},
   {"expect": {"since": "11"},
    "frames": [{"type": "ready"},
               {"type": "tweet", "id": "12"}]},
   {"expect": {"since": "12"},
    "frames": [{"type": "ready", "cursor": "t12"},
               {"type": "tweet", "id": "13", "cursor": "t13"}]},
   {"expect": {"since": "13"},
    "frames": [{"type": "ready"}], "hold": true}]}
EOF

# (the fake refuses a query it does not expect with 400, as the gateway
# does a malformed cursor)
# fake NAME: a fake gateway of its own for one watch, and a stored login
# for it in $T/cfg-NAME; sets URL_NAME.
fake() {
	local port
	port=$(free_port)
	start_proc "fake_$1" "$PY" "$CHIRP_ROOT/tests/tools/fake-feed.py" \
	    "$port" "$T/scenario.json" "$T/$1.log"
	eval "URL_$1=http://127.0.0.1:$port"
	wait_http "http://127.0.0.1:$port/status"
	mkdir -p "$T/cfg-$1/chirp"
	chmod 700 "$T/cfg-$1/chirp"
	jq -n --arg s "http://127.0.0.1:$port" '{server:$s,userId:"1",
	    username:"alice",accessToken:"fake-token",
	    expiresAt:"2099-01-01T00:00:00.000Z"}' >"$T/cfg-$1/chirp/token"
	chmod 600 "$T/cfg-$1/chirp/token"
}
fake json
fake plain

XDG_CONFIG_HOME=$T/cfg-json "$CHIRP_BIN/chirp" --server "$URL_json" --json \
    watch >"$T/watch.json" 2>"$T/watch-json.err" &
WJ=$!
XDG_CONFIG_HOME=$T/cfg-plain "$CHIRP_BIN/chirp" --server "$URL_plain" \
    watch >"$T/watch.txt" 2>"$T/watch.err" &
WP=$!

# seven steps, the last one held; 1 s between tries after a live
# connection, 2 s after the refused one
check "watch --json reaches the last step" wait_until 60 \
    grep -q '^ws 8 since=13$' "$T/json.log"
check "plain watch reaches the last step" wait_until 60 \
    grep -q '^ws 8 since=13$' "$T/plain.log"

for f in json plain; do
	expect_eq "$f: the first connection asks for nothing" \
	    "$(sed -n 1p "$T/$f.log")" "ws 1 "
	expect_eq "$f: the reconnect resumes from the last event's cursor" \
	    "$(sed -n 2p "$T/$f.log")" "ws 2 cursor=t3"
	expect_eq "$f: the cursor of a delete counts too" \
	    "$(sed -n 3p "$T/$f.log")" "ws 3 cursor=t5"
	expect_eq "$f: after a reset, the cursor of what followed" \
	    "$(sed -n 4p "$T/$f.log")" "ws 4 cursor=t10"
	expect_eq "$f: a malformed cursor is never sent back: since= instead" \
	    "$(sed -n 5p "$T/$f.log")" "ws 5 since=11"
	expect_eq "$f: no cursors from the server: since= as before" \
	    "$(sed -n 6p "$T/$f.log")" "ws 6 since=12"
	expect_eq "$f: a cursor the server refuses (400) is tried once" \
	    "$(grep REFUSED "$T/$f.log")" "ws 7 REFUSED cursor=t13"
	expect_eq "$f: then since= instead" \
	    "$(sed -n 8p "$T/$f.log")" "ws 8 since=13"
done

# --json: every event as received, once
count() { jq -r 'select(.type == "tweet") | .tweet.tweetId' "$T/watch.json" | grep -cx "$1"; }
dups=""
for id in 1 2 3 4 10 11 12 13; do
	[ "$(count "$id")" = 1 ] || dups="$dups $id"
done
expect_eq "--json: every tweet exactly once across the reconnects" "$dups" ""
check "--json: the replayed delete, as received" \
    grep -qx '{"type":"delete","tweetId":"2","cursor":"t5"}' "$T/watch.json"
check "--json: the reset, as received" grep -qx '{"type":"reset"}' "$T/watch.json"

# plain: one line each, the delete and the reset readable
for text in "bob: first from bob  (id 1)" "bob: fourth, posted while away  (id 4)" \
    "bob: tenth, after the reset  (id 10)" "bob: twelfth, no cursors  (id 12)"; do
	expect_eq "plain: '$text' once" "$(grep -cF -- "$text" "$T/watch.txt")" 1
done
expect_eq "plain: the delete made while away" \
    "$(grep -cx '(deleted 2)' "$T/watch.txt")" 1
check "plain: the reset says entries may be missing" \
    grep -q "may be missing" "$T/watch.txt"
check "plain: it came back live each time" grep -q "live again" "$T/watch.err"

for p in $WJ $WP; do
	kill -INT "$p"
	wait_until 20 sh -c "! kill -0 $p"
	wait "$p"; RC=$?
	expect_eq "Ctrl-C ends it with status 0" "$RC" 0
done

finish
