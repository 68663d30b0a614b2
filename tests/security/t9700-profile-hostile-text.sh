#!/usr/bin/env bash
# t9700: profile text never reaches a terminal raw. A fake gateway
# (tests/tools/hostile-api.py) answers a user whose displayName and bio
# hold a window-title escape, a screen clear, C1 controls and bidi
# overrides: chirp user and chirp profile show them made safe. The real
# service refuses control characters in both fields, keeps what it
# accepts byte for byte (quotes, backslashes, SQL, bidi characters), and
# a PATCH body past 64 KiB or a hostile JSON shape is refused, changing
# nothing.
. "$(dirname "$0")/../lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
PY=/usr/bin/python3
TOOLS=$CHIRP_ROOT/tests/tools
FAKE_PORT=$(free_port)
FAKE=http://127.0.0.1:$FAKE_PORT
start_proc fake "$PY" "$TOOLS/hostile-api.py" "$FAKE_PORT"
wait_http "$FAKE/users/1"

b64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
token_for() {
	printf '%s.%s.%s' "$(b64 '{"alg":"HS256","typ":"JWT"}')" \
	    "$(b64 "{\"sub\":\"$1\",\"name\":\"alice\",\"exp\":4102444800}")" \
	    "$(b64 signature)"
}
cli() {
	XDG_CONFIG_HOME=$T/cfg "$CHIRP_BIN/chirp" --server "$FAKE" "$@" \
	    >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}
safe() {
	local why
	if [ -n "$3" ] && ! grep -q -- "$3" "$2"; then
		not_ok "$1" "'$3' is not in the output:" "$(head -c 400 "$2")"
	elif ! why=$("$PY" "$TOOLS/terminal-safe.py" "$2" ${4:-}); then
		not_ok "$1" "$why"
	else
		ok "$1"
	fi
}

cli user evil
expect_eq "user exits 0" "$RC" 0
safe "user: a hostile display name is shown made safe" "$T/out" "pwned name"
safe "user: a hostile bio is shown made safe" "$T/out" "pwned bio"
check "user: the bio's own line feed is kept" grep -q "^bio two" "$T/out"
CHIRP_TOKEN=$(token_for 1) cli profile
expect_eq "profile exits 0" "$RC" 0
safe "profile: hostile profile text is shown made safe" "$T/out" "pwned bio"
cli --json user evil
curl -s "$FAKE/users?username=evil" >"$T/raw"
expect_eq "--json keeps the server's strings as they were" \
    "$(jq -S . <"$T/out")" "$(jq -S . <"$T/raw")"

# --- the real service -------------------------------------------------------
. "$CHIRP_ROOT/tests/lib-system.sh"
start_system
G=$GATEWAY
accounts "$G" eve
P=$G/users/$EVE AE=$(auth "$TE")
for s in $'\e]0;pwned\a' $'\e[2J' $'\xc2\x9b2J' $'a\rb' $'a\x7f'; do
	body=$(jq -cn --arg s "$s" '{displayName:$s}')
	refuses "a control character in the name is refused" 400 bad_request PATCH "$P" "$body" "$AE"
	body=$(jq -cn --arg s "$s" '{bio:$s}')
	refuses "a control character in the bio is refused" 400 bad_request PATCH "$P" "$body" "$AE"
done
kept=$'\'); DROP TABLE users; -- \\ " \u202eevil %s %n'
body=$(jq -cn --arg s "$kept" '{displayName:"x",bio:$s}')
http PATCH "$P" "$body" "$AE"
expect_status "quotes, backslashes, SQL and bidi characters are text" 200
http GET "$P"
expect_eq "stored and returned byte for byte" "$(jb .bio)" "$kept"
big=$(head -c 66560 /dev/zero | tr '\0' a)
refuses "a PATCH body over 64 KiB is 413" 413 payload_too_large PATCH "$P" "{\"bio\":\"$big\"}" "$AE"
deep=$(printf '[%.0s' $(seq 5000))
refuses "deeply nested JSON is refused" 400 "" PATCH "$P" "$deep" "$AE"
many=$(jq -cn '[range(3000)] | map({key: "k\(.)", value: 1}) | from_entries')
refuses "thousands of unknown members are refused" 400 bad_request PATCH "$P" "$many" "$AE"
refuses "a duplicate member is refused" 400 invalid_json PATCH "$P" \
    '{"bio":"a","bio":"'"$(printf 'b%.0s' $(seq 161))"'"}' "$AE"
http GET "$P"
expect_eq "nothing refused changed anything" "$(jb .bio)" "$kept"
check "userd is still up" curl -sf "$USERD/status"

finish
