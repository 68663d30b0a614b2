#!/usr/bin/env bash
# chirp logout ends the token on the server before forgetting it; a
# server it cannot reach still gets the local login forgotten, with a
# warning.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
CFG=$T/cfg

cli() { XDG_CONFIG_HOME=$CFG "$CHIRP_BIN/chirp" --server "$G" "$@"; }

A=$(register "$G" alice)
printf 'password123\n' | cli login alice --password-stdin >/dev/null 2>&1
check "the CLI logged in" test -s "$CFG/chirp/token"
TOKEN=$(jq -r .accessToken "$CFG/chirp/token")
post "$G" "$A" "$TOKEN" "hi" >/dev/null
expect_status "the stored token works" 201

cli logout >"$T/out" 2>"$T/err"
expect_eq "logout exits 0" "$?" 0
check "logout removes the token file" test ! -e "$CFG/chirp/token"
check "no warning when the server answered" test ! -s "$T/err"
post "$G" "$A" "$TOKEN" "again" >/dev/null
expect_status "the token is dead on the server after chirp logout" 401 unauthorized

# a server that cannot be reached
printf 'password123\n' | cli login alice --password-stdin >/dev/null 2>&1
DEAD=http://127.0.0.1:$(free_port)
tmp=$(mktemp); jq --arg s "$DEAD" '.server = $s' "$CFG/chirp/token" >"$tmp"
cat "$tmp" >"$CFG/chirp/token"; rm -f "$tmp"
XDG_CONFIG_HOME=$CFG "$CHIRP_BIN/chirp" --server "$DEAD" logout >"$T/out" 2>"$T/err"
expect_eq "logout with the server away still exits 0" "$?" 0
check "it still forgets the token" test ! -e "$CFG/chirp/token"
check "and warns that the token may live on" grep -q "warning" "$T/err"

finish
