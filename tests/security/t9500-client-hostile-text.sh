#!/usr/bin/env bash
# t9500: chirp and chirp-tui never write a server's raw strings to the
# terminal. A fake gateway (tests/tools/hostile-api.py) answers with
# usernames, ids, tweets and error messages holding a window-title
# escape, a screen clear, C1 controls and bidi overrides; the CLI's
# output and error paths and the TUI's screen (tmux, with attributes)
# must hold none of them, while still showing the text around them.
# --json stays what the server sent.
. "$(dirname "$0")/../lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
PY=/usr/bin/python3
TOOLS=$CHIRP_ROOT/tests/tools
FAKE_PORT=$(free_port)
FAKE=http://127.0.0.1:$FAKE_PORT
start_proc fake "$PY" "$TOOLS/hostile-api.py" "$FAKE_PORT"
wait_http "$FAKE/users/1"

# A token chirp can read its claims from (the fake server checks nothing).
b64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
token_for() {
	printf '%s.%s.%s' "$(b64 '{"alg":"HS256","typ":"JWT"}')" \
	    "$(b64 "{\"sub\":\"$1\",\"name\":\"alice\",\"exp\":4102444800}")" \
	    "$(b64 signature)"
}

# cli ARGS...: stdout in $T/out, stderr in $T/err, exit status in RC.
cli() {
	XDG_CONFIG_HOME=$T/cfg "$CHIRP_BIN/chirp" --server "$FAKE" "$@" \
	    >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}
# safe DESC FILE PATTERN [--sgr]: FILE shows PATTERN and nothing unsafe.
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
safe "user: a hostile username is shown made safe" "$T/out" pwned
safe "user: nothing unsafe on stderr either" "$T/err" ""
cli timeline evil
safe "timeline: hostile tweets are shown made safe" "$T/out" "pwned body 3"
safe "timeline: the escape shows as text, not an escape" "$T/out" "]0;pwned"
cli followers evil
safe "followers: hostile usernames are shown made safe" "$T/out" pwned
cli user refused
expect_eq "an error answer fails the command" "$RC" 1
safe "error path: a hostile error message is shown made safe" "$T/err" \
    "pwned message"
CHIRP_TOKEN=$(token_for 2) cli timeline
expect_eq "a 401 answer is an auth failure" "$RC" 3
safe "401 path: the hostile message is shown made safe" "$T/err" \
    "pwned message"
CHIRP_TOKEN=$(token_for 1) cli post "hello"
safe "500 path: the hostile message is shown made safe" "$T/err" \
    "pwned message"
CHIRP_TOKEN=$(token_for 1) cli whoami
safe "whoami: the hostile username is shown made safe" "$T/out" pwned

# --json is for programs: exactly what the server said.
cli --json user evil
curl -s "$FAKE/users?username=evil" >"$T/raw"
expect_eq "--json keeps the server's strings as they were" \
    "$(jq -S . <"$T/out")" "$(jq -S . <"$T/raw")"

# --- the real system: the services store control characters in tweets --
. "$CHIRP_ROOT/tests/lib-system.sh"
if [ -n "${CHIRP_PGDIR:-}" ] && start_system; then
	EVE=$(register "$GATEWAY" eve)
	EVE_TOKEN=$(login "$GATEWAY" eve)
	body=$(jq -cn --arg u "$EVE" --arg c "$(printf 'real \033]0;pwned\007 \033[2J \342\200\256evil \302\233')" \
	    '{userId:$u,content:$c}')
	http POST "$GATEWAY/tweets" "$body" "$(auth "$EVE_TOKEN")"
	expect_status "the real service takes a tweet with escapes" 201
	XDG_CONFIG_HOME=$T/cfg "$CHIRP_BIN/chirp" --server "$GATEWAY" \
	    timeline eve >"$T/out" 2>"$T/err" </dev/null
	safe "real system: chirp timeline shows it made safe" "$T/out" \
	    "real .]0;pwned"
fi

# --- the TUI -------------------------------------------------------------
if command -v tmux >/dev/null; then
	SOCK="chirp-$TEST_NAME-$$"
	tm() { tmux -L "$SOCK" "$@"; }
	trap 'tm kill-server 2>/dev/null; cleanup' EXIT
	mkdir -p "$T/cfg"
	tm -f /dev/null new-session -d -s tui -x 100 -y 30 \
	    -e XDG_CONFIG_HOME="$T/cfg" -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	    -e ASAN_OPTIONS="$ASAN_OPTIONS" -e UBSAN_OPTIONS="$UBSAN_OPTIONS" \
	    -e CHIRP_TOKEN="$(token_for 1)" "bash --norc --noprofile -i"
	tm set-option -t tui allow-rename on >/dev/null 2>&1
	tm send-keys -t tui "PS1='$ '; printf '\\033]2;clean\\007'; clear" Enter
	tm send-keys -t tui "$CHIRP_BIN/chirp-tui --server $FAKE" Enter
	for _ in $(seq 1 100); do
		tm capture-pane -p -t tui | grep -q "pwned body 2" && break
		sleep 0.2
	done
	tm capture-pane -p -e -t tui >"$T/screen"
	safe "tui: hostile tweets are drawn made safe (capture-pane -e)" \
	    "$T/screen" "pwned body 2" --sgr
	title=$(tm display-message -p -t tui '#{pane_title}')
	expect_eq "tui: the window title was not changed" "$title" clean
	tm send-keys -t tui q
	sleep 0.5
	tm kill-server 2>/dev/null
else
	ok "# skip: no tmux"
fi
finish
