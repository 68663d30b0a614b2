#!/usr/bin/env bash
# t0205: with discovery_url, chirp-tweetd registers itself with
# chirp-discoveryd as a tweet service and leaves the list on a clean stop.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

DPORT=$(free_port)
D=http://127.0.0.1:$DPORT
start_discoveryd discoveryd "$DPORT"

start_core
stop_proc tweetd
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB" \
    --discovery_url "$D" --advertise_host 127.0.0.1

check "tweetd is listed as a tweet service" wait_until 10 listed "$D" tweet "$TWEETD_PORT"
http GET "$D/services"
check "and not as a user service" jq -e --argjson p "$TWEETD_PORT" \
    '.userServices | all(.port != $p)' "$T/body"
stop_proc tweetd
if listed "$D" tweet "$TWEETD_PORT"; then gone=no; else gone=yes; fi
expect_eq "a clean stop takes it off the list" "$gone" yes

finish
