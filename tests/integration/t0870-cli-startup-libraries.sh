#!/usr/bin/env bash
# t0870: what chirp loads (issue 11). Its commands over http:// map
# neither libcurl nor libwebsockets nor the TLS, Kerberos and LDAP
# libraries behind them; `chirp watch` loads libwebsockets when its feed
# starts and still follows the timeline live; an https:// server loads
# libcurl on demand and is reported as any server that cannot be reached.
# chirp-tui links neither library either.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
export HOME=$T/home XDG_CONFIG_HOME=$T/cfg
mkdir -p "$HOME"
accounts "$GATEWAY" alice bob
follow "$GATEWAY" "$ALICE" "$TA" "$BOB" >/dev/null
post "$GATEWAY" "$BOB" "$TB" "first, before the watch" >/dev/null

HEAVY='lib(curl|websockets|ssl|crypto|gnutls|krb5|gssapi|ldap|rtmp|ssh2)[.-]'

# libs NAME ARGS...: run chirp as alice with the dynamic loader's list of
# the libraries it initialised in $T/NAME.libs; stdout in $T/NAME.out,
# stderr in $T/NAME.err, status in RC.
libs() {
	local name=$1; shift
	rm -f "$T/$name.ld".*
	CHIRP_TOKEN=$TA LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/$name.ld \
	    "$CHIRP_BIN/chirp" --server "$GATEWAY" "$@" >"$T/$name.out" \
	    2>"$T/$name.err" </dev/null
	RC=$?
	cat "$T/$name.ld".* 2>/dev/null | sed -n 's/.*calling init: //p' \
	    >"$T/$name.libs"
}
# light NAME: none of the heavy libraries in $T/NAME.libs.
light() { ! grep -Eq "$HEAVY" "$T/$1.libs"; }

for f in "$CHIRP_BIN/chirp" "$CHIRP_BIN/chirp-tui"; do
	if readelf -d "$f" | grep NEEDED | grep -Eq "$HEAVY"; then
		not_ok "$(basename "$f") links no heavy library" \
		    "$(readelf -d "$f" | grep NEEDED)"
	else
		ok "$(basename "$f") links no heavy library"
	fi
done

libs help --help
expect_eq "chirp --help exits 0" "$RC" 0
check "chirp --help loads no heavy library" light help
check "... and the loader said what it loaded" grep -q 'libc\.so' "$T/help.libs"

libs timeline --json timeline
expect_eq "chirp --json timeline exits 0" "$RC" 0
expect_eq "... and shows the timeline" \
    "$(jq -r '.tweets[0].content' "$T/timeline.out")" "first, before the watch"
check "chirp --json timeline loads no heavy library" light timeline

libs whoami whoami
expect_eq "chirp whoami exits 0" "$RC" 0
check "chirp whoami loads no heavy library" light whoami

# the live feed: libwebsockets, loaded when the watch starts
rm -f "$T/watch.ld".*
CHIRP_TOKEN=$TA LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/watch.ld \
    "$CHIRP_BIN/chirp" --server "$GATEWAY" --json watch >"$T/watch.out" \
    2>"$T/watch.err" </dev/null &
W=$!
wait_until 15 grep -q watching "$T/watch.err" ||
    not_ok "watch goes live" "$(cat "$T/watch.err")"
post "$GATEWAY" "$BOB" "$TB" "second, while watched" >/dev/null
check "chirp watch shows a post made meanwhile" \
    wait_until 15 grep -q 'second, while watched' "$T/watch.out"
kill -INT "$W"; wait "$W"; RC=$?
expect_eq "chirp watch ends with 0 on Ctrl-C" "$RC" 0
check "chirp watch loaded libwebsockets" \
    sh -c "cat '$T'/watch.ld.* | grep -q 'calling init: .*libwebsockets'"
check "... but not libcurl" \
    sh -c "! cat '$T'/watch.ld.* | grep -q 'calling init: .*libcurl'"

# https://: libcurl, loaded on demand
DEAD=https://127.0.0.1:$(free_port)
rm -f "$T/tls.ld".*
CHIRP_TOKEN=$TA LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/tls.ld \
    "$CHIRP_BIN/chirp" --server "$DEAD" timeline >"$T/tls.out" \
    2>"$T/tls.err" </dev/null
RC=$?
expect_eq "an https:// server that cannot be reached exits 1" "$RC" 1
check "... saying so" grep -q "^chirp: cannot reach '$DEAD': connection refused" "$T/tls.err"
check "... after loading libcurl for it" \
    sh -c "cat '$T'/tls.ld.* | grep -q 'calling init: .*libcurl'"

finish
