#!/usr/bin/env bash
# t0510: chirp watch as a user runs it: a post made elsewhere shows up,
# a delete too; after the gateway restarts it resumes by itself with
# nothing missed or repeated (one posted while it was down included);
# Ctrl-C ends it with status 0; a refused token ends it with 3.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
unset CHIRP_TOKEN CHIRP_SERVER
export HOME=$T/home
mkdir -p "$HOME"

# as WHO ARGS...: chirp as WHO against the gateway, output on stdout.
as() {
	local who=$1; shift
	XDG_CONFIG_HOME=$T/cfg-$who "$CHIRP_BIN/chirp" --server "$GATEWAY" "$@"
}
for u in alice bob; do
	printf 'password123\n' | as "$u" register --password-stdin "$u" \
	    >/dev/null || not_ok "register $u"
done
as bob follow alice >/dev/null
ALICE_TOKEN=$(jq -r .accessToken "$T/cfg-alice/chirp/token")

# count FILE ID: how many tweet events for ID the watch printed.
count() {
	jq -r 'select(.type == "tweet") | .tweet.tweetId' "$1" 2>/dev/null |
	    grep -cx "$2"
}
has_tweet() { [ "$(count "$1" "$2")" -ge 1 ]; }

# bob watches, --json and plain, in the background (chirp itself, not a
# subshell, so that the signals below reach it)
XDG_CONFIG_HOME=$T/cfg-bob "$CHIRP_BIN/chirp" --server "$GATEWAY" --json \
    watch >"$T/watch.json" 2>"$T/watch.err" &
WJ=$!
XDG_CONFIG_HOME=$T/cfg-bob "$CHIRP_BIN/chirp" --server "$GATEWAY" \
    watch >"$T/watch.txt" 2>"$T/watch-plain.err" &
WP=$!
check "watch --json says ready" wait_until 20 grep -q '"type":"ready"' "$T/watch.json"
check "plain watch is live" wait_until 20 grep -q "watching '$GATEWAY'" \
    "$T/watch-plain.err"

A1=$(as alice post "first from alice")
check "a followed user's post reaches watch --json" wait_until 20 has_tweet "$T/watch.json" "$A1"
check "watch --json prints each event as one JSON line" \
    jq -e -s 'length > 0 and all(.[]; type == "object" and has("type"))' \
    "$T/watch.json"
check "plain watch shows it on one line" \
    wait_until 20 grep -q "alice: first from alice  (id $A1)" "$T/watch.txt"

UTF='héllo wörld 日本 🎉'
A2=$(printf '%s\n' "$UTF" | as alice post -)
check "a UTF-8 post reaches watch" wait_until 20 has_tweet "$T/watch.json" "$A2"
expect_eq "its text arrives byte for byte" \
    "$(jq -r "select(.type == \"tweet\" and .tweet.tweetId == \"$A2\") | .tweet.content" "$T/watch.json")" \
    "$UTF"

as alice delete "$A1" >/dev/null
check "a delete reaches watch" wait_until 20 \
    grep -q "{\"type\":\"delete\",\"tweetId\":\"$A1\"[,}]" "$T/watch.json"

# the gateway goes away; a tweet is posted (straight to the tweet service)
# while it is down; the gateway comes back on the same port
stop_proc gateway
check "watch notices the lost feed" wait_until 20 grep -q "trying again" "$T/watch.err"
http POST "$TWEETD/tweets" "{\"userId\":\"$(jq -r .userId "$T/cfg-alice/chirp/token")\",\"content\":\"while the gateway was down\"}" "$(auth "$ALICE_TOKEN")"
A3=$(jb .tweetId)
expect_status "a tweet is posted while the gateway is down" 201
start_gateway gateway "$GATEWAY_PORT"
check "watch is live again by itself" wait_until 60 grep -q "live again" "$T/watch.err"
check "the tweet posted while it was down is replayed" \
    wait_until 20 has_tweet "$T/watch.json" "$A3"
A4=$(as alice post "after the restart")
check "live posts reach it after the restart" wait_until 20 has_tweet "$T/watch.json" "$A4"
check "plain watch resumed too" wait_until 20 grep -q "(id $A4)" "$T/watch.txt"

dups=""
for id in "$A1" "$A2" "$A3" "$A4"; do
	[ "$(count "$T/watch.json" "$id")" = 1 ] || dups="$dups $id"
done
expect_eq "every tweet arrived exactly once across the restart" "$dups" ""

# (wait_until, not wait: a bash that sees a child die of SIGINT stops too)
kill -INT "$WJ"
wait_until 20 sh -c "! kill -0 $WJ"
wait "$WJ"; RC=$?
expect_eq "Ctrl-C ends watch --json with status 0" "$RC" 0
kill -INT "$WP"
wait_until 20 sh -c "! kill -0 $WP"
wait "$WP"; RC=$?
expect_eq "Ctrl-C ends plain watch with status 0" "$RC" 0

# a token the server refuses: no endless retries, exit 3
CHIRP_TOKEN=${ALICE_TOKEN%?????}xxxxx timeout 30 "$CHIRP_BIN/chirp" \
    --server "$GATEWAY" watch >/dev/null 2>"$T/refused.err"
RC=$?
expect_eq "watch with a refused token exits 3" "$RC" 3
check "... saying the token was refused" grep -q "refused the token" "$T/refused.err"

finish
