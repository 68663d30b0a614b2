#!/usr/bin/env bash
# t0180: with discovery_url, chirp-userd registers itself with
# chirp-discoveryd and leaves the list on a clean stop.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

DPORT=$(free_port)
D=http://127.0.0.1:$DPORT
start_discoveryd discoveryd "$DPORT"

USERDB=$(test_db u)
PORT=$(free_port)
start_userd userd "$PORT" "$USERDB" --discovery_url "$D" \
    --advertise_host 127.0.0.1

check "userd is listed as a user service" wait_until 10 listed "$D" user "$PORT"
stop_proc userd
if listed "$D" user "$PORT"; then gone=no; else gone=yes; fi
expect_eq "a clean stop takes it off the list" "$gone" yes

finish
