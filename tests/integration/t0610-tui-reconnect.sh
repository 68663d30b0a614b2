#!/usr/bin/env bash
# chirp-tui keeps going through a gateway restart and a suspend (Ctrl-Z,
# fg): it says so on the status line, reconnects by itself and fills the
# gap with what was posted meanwhile, once each. A login stored by an
# earlier run is used without a login screen; signals end it cleanly.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
start_system

ALICE=$(register "$GATEWAY" alice)
BOB=$(register "$GATEWAY" bob)
BOB_TOKEN=$(login "$GATEWAY" bob)
ALICE_TOKEN=$(login "$GATEWAY" alice)
follow "$GATEWAY" "$ALICE" "$ALICE_TOKEN" "$BOB"
post "$GATEWAY" "$BOB" "$BOB_TOKEN" "before anything" >/dev/null

# A stored login, as chirp login leaves it: no login screen.
mkdir -p "$T/cfg/chirp"
chmod 700 "$T/cfg/chirp"
jq -n --arg s "$GATEWAY" --arg u "$ALICE" --arg t "$ALICE_TOKEN" \
    '{server:$s,userId:$u,username:"alice",accessToken:$t,
      expiresAt:"2099-01-01T00:00:00.000Z"}' >"$T/cfg/chirp/token"
chmod 600 "$T/cfg/chirp/token"

start_tmux
keys "PS1='$ '; clear" Enter
keys "$CHIRP_BIN/chirp-tui --server $GATEWAY; echo TUI-EXIT=\$?" Enter
wait_screen "a stored login opens the home timeline" "before anything"
wait_screen "the feed is live" "live *$"

# --- a gateway restart ---------------------------------------------------
stop_proc gateway
wait_screen "a lost gateway shows as reconnecting" "reconnecting in [0-9]*s *$"
check "the program is still running" tui_pid
# posted while the gateway is away: straight to the tweet service
post "$TWEETD" "$BOB" "$BOB_TOKEN" "posted while the gateway was down" >/dev/null
expect_status "a tweet posted to the service itself" 201
start_gateway gateway "$GATEWAY_PORT"
wait_screen "the gateway back: live again" "live *$"
wait_screen "the gap is filled without a key press" \
    "posted while the gateway was down"
check "the gap's tweet is drawn once" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | grep -c 'posted while the gateway') -eq 1"
post "$GATEWAY" "$BOB" "$BOB_TOKEN" "live after the restart" >/dev/null
wait_screen "and live entries flow again" "live after the restart"

# --- a suspend -----------------------------------------------------------
keys C-z
wait_screen "Ctrl-Z gives the shell back" "Stopped"
# the connection is lost meanwhile, as when a laptop sleeps
stop_proc gateway
post "$TWEETD" "$BOB" "$BOB_TOKEN" "posted during the suspend" >/dev/null
expect_status "a tweet posted during the suspend" 201
start_gateway gateway "$GATEWAY_PORT"
keys "fg" Enter
wait_screen "fg redraws the timeline" "chirp: home"
wait_screen "and fills the suspend's gap" "posted during the suspend"
wait_screen "live once more" "live *$"
check "each tweet of the gap is drawn once" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | grep -c 'posted during the suspend') -eq 1"

# --- signals -------------------------------------------------------------
PID=$(tui_pid)
kill -TERM "$PID"
check "SIGTERM ends it" wait_until 20 sh -c "! kill -0 $PID 2>/dev/null"
# resumed with fg, its status is fg's
keys "echo FG-EXIT=\$?" Enter
wait_screen "cleanly, with status 0" "FG-EXIT=0"
keys "$CHIRP_BIN/chirp-tui --server $GATEWAY; echo TUI-EXIT2=\$?" Enter
wait_screen "started again" "live *$"
PID=$(tui_pid)
keys C-c
wait_screen "Ctrl-C ends it cleanly too" "TUI-EXIT2=0"
check "that process is gone too" sh -c "! kill -0 $PID 2>/dev/null"

# --- a refused login -----------------------------------------------------
jq -n --arg s "$GATEWAY" --arg u "$ALICE" \
    '{server:$s,userId:$u,username:"alice",accessToken:"expired.or.forged",
      expiresAt:"2099-01-01T00:00:00.000Z"}' >"$T/cfg/chirp/token"
keys clear Enter
keys "$CHIRP_BIN/chirp-tui --server $GATEWAY" Enter
wait_screen "a refused stored token brings the login screen" "Password:"
wait_screen "and says why" "log in again"
keys "password123" Enter
wait_screen "logging in again opens the timeline" "before anything"
check "and stores the new token" sh -c \
    "jq -e '.accessToken != \"expired.or.forged\"' '$T/cfg/chirp/token'"
keys q
keys clear Enter
keys "CHIRP_TOKEN=$BOB_TOKEN $CHIRP_BIN/chirp-tui --server $GATEWAY" Enter
wait_screen "CHIRP_TOKEN stands for the stored login" "@bob  "
keys q

# --- started while the gateway is away ------------------------------------
stop_proc gateway
keys clear Enter
keys "$CHIRP_BIN/chirp-tui --server $GATEWAY" Enter
wait_screen "no gateway: the error is on the status line" "cannot reach"
wait_screen "and the feed is reconnecting" "reconnecting in [0-9]*s *$"
start_gateway gateway "$GATEWAY_PORT"
wait_screen "the gateway up: the timeline loads by itself" "before anything"
keys q

stop_tmux
finish
