#!/usr/bin/env bash
# t0205: with discovery_url, chirp-tweetd registers itself with
# chirp-discoveryd as a tweet service and leaves the list on a clean stop.
. "$(dirname "$0")/../lib.sh"

DPORT=$(free_port)
D=http://127.0.0.1:$DPORT
start_proc discoveryd "$CHIRP_BIN/chirp-discoveryd" --port "$DPORT"
wait_http "$D/status"

start_core
stop_proc tweetd
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB" \
    --discovery_url "$D" --advertise_host 127.0.0.1

listed() {
	http GET "$D/services"
	jq -e --argjson p "$TWEETD_PORT" \
	    '.tweetServices | any(.host == "127.0.0.1" and .port == $p)' \
	    "$T/body" >/dev/null
}
until_true() {
	local i
	for i in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	return 1
}
check "tweetd is listed as a tweet service" until_true listed
http GET "$D/services"
check "and not as a user service" jq -e --argjson p "$TWEETD_PORT" \
    '.userServices | all(.port != $p)' "$T/body"
stop_proc tweetd
if listed; then gone=no; else gone=yes; fi
expect_eq "a clean stop takes it off the list" "$gone" yes

finish
