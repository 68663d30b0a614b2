#!/usr/bin/env bash
# t0180: with discovery_url, chirp-userd registers itself with
# chirp-discoveryd and leaves the list on a clean stop.
. "$(dirname "$0")/../lib.sh"

DPORT=$(free_port)
D=http://127.0.0.1:$DPORT
start_proc discoveryd "$CHIRP_BIN/chirp-discoveryd" --port "$DPORT"
wait_http "$D/status"

USERDB=$(test_db u)
PORT=$(free_port)
start_userd userd "$PORT" "$USERDB" --discovery_url "$D" \
    --advertise_host 127.0.0.1

listed() {
	http GET "$D/services"
	jq -e --argjson p "$PORT" \
	    '.userServices | any(.host == "127.0.0.1" and .port == $p)' \
	    "$T/body" >/dev/null
}
until_true() {
	local i
	for i in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	return 1
}
check "userd is listed as a user service" until_true listed
stop_proc userd
if listed; then gone=no; else gone=yes; fi
expect_eq "a clean stop takes it off the list" "$gone" yes

finish
