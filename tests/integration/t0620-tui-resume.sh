#!/usr/bin/env bash
# t0620: chirp-tui resumes the live feed exactly (tmux, 80x24): after a
# lost connection it asks for cursor=<cursor of the last event received>;
# a tweet deleted while it was away leaves the screen when the replay
# brings the delete; on a "reset" it reloads the home timeline, says so,
# and keeps the selected tweet selected, or the nearest older one when
# that tweet is gone. The server is a fake (tests/tools/fake-feed.py) that
# plays a scripted feed, checks each reconnect's query and serves the REST
# reads the TUI makes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
PY=/usr/bin/python3

cat >"$T/scenario.json" <<EOF
{"token": "fake-token",
 "user": {"userId": "1", "username": "alice"},
 "tweets": {
   "1": {"userId": "2", "username": "bob", "content": "first of bob"},
   "2": {"userId": "2", "username": "bob", "content": "second of bob"},
   "3": {"userId": "2", "username": "bob", "content": "third of bob"},
   "4": {"userId": "2", "username": "bob", "content": "fourth, deleted while away"},
   "5": {"userId": "2", "username": "bob", "content": "fifth of bob"},
   "6": {"userId": "2", "username": "bob", "content": "sixth, replayed"},
   "7": {"userId": "2", "username": "bob", "content": "seventh, only over REST"},
   "8": {"userId": "2", "username": "bob", "content": "eighth, only over REST"}},
 "timeline": ["3", "2", "1"],
 "connections": [
   {"expect": {"since": "3"},
    "timeline": ["5", "4", "3", "2", "1"],
    "frames": [{"type": "ready", "cursor": "t3"},
               {"type": "tweet", "id": "4", "cursor": "t4"},
               {"type": "tweet", "id": "5", "cursor": "t5"}],
    "until": "$T/go1"},
   {"expect": {"cursor": "t5"},
    "timeline": ["6", "5", "3", "2", "1"],
    "frames": [{"type": "delete", "tweetId": "4", "cursor": "t6"},
               {"type": "tweet", "id": "6", "cursor": "t7"},
               {"type": "ready", "cursor": "t7"}],
    "until": "$T/go2"},
   {"expect": {"cursor": "t7"},
    "timeline": ["7", "6", "3", "2", "1"],
    "frames": [{"type": "reset"}, {"type": "ready", "cursor": "t20"}],
    "until": "$T/go3"},
   {"expect": {"cursor": "t20"},
    "timeline": ["8", "7", "6", "2", "1"],
    "frames": [{"type": "reset"}, {"type": "ready", "cursor": "t30"}],
    "hold": true}]}
EOF
PORT=$(free_port)
FAKE=http://127.0.0.1:$PORT
start_proc fake "$PY" "$CHIRP_ROOT/tests/tools/fake-feed.py" "$PORT" \
    "$T/scenario.json" "$T/fake.log"
wait_http "$FAKE/status"

# A stored login for the fake's token: no login screen.
mkdir -p "$T/cfg/chirp"
chmod 700 "$T/cfg/chirp"
jq -n --arg s "$FAKE" '{server:$s,userId:"1",username:"alice",
    accessToken:"fake-token",expiresAt:"2099-01-01T00:00:00.000Z"}' \
    >"$T/cfg/chirp/token"
chmod 600 "$T/cfg/chirp/token"

# selected TEXT: the selected entry (the row marked ">" and the one under
# it) shows TEXT.
selected() { screen | grep -A1 '^>' | grep -q -- "$1"; }
# wait_selected DESC TEXT: within 30 s.
wait_selected() {
	if wait_until 30 selected "$2"; then ok "$1"; else
		not_ok "$1" "'$2' is not selected:" "$(screen)"; fi
}
# conn N: the log line of the fake's Nth accepted connection.
conn() { grep "^ws $1 " "$T/fake.log"; }

start_tmux
keys "PS1='$ '; clear" Enter
keys "$CHIRP_BIN/chirp-tui --server $FAKE; echo TUI-EXIT=\$?" Enter
wait_screen "the home timeline loads over REST" "third of bob"
wait_screen "live entries come on the feed" "fifth of bob"
wait_screen "the feed is live" "live *$"
expect_eq "the first connection asks since= the newest tweet shown" \
    "$(conn 1)" "ws 1 since=3"

# --- a lost connection: the replay brings a delete -----------------------
touch "$T/go1"
wait_screen "the reconnect replays what was missed" "sixth, replayed"
wait_gone "a tweet deleted while away leaves the screen" "fourth, deleted"
expect_eq "the reconnect resumes from the last event's cursor" \
    "$(conn 2)" "ws 2 cursor=t5"
wait_screen "live again" "live *$"

# select "third": newest first, 6 5 3 2 1
keys g j j
wait_selected "the user selects a tweet" "third of bob"

# --- a reset: reload, the selected tweet still there ---------------------
touch "$T/go2"
wait_screen "a reset says the timeline was reloaded" "could not resume"
wait_gone "the reload drops a tweet deleted while away, not replayed" \
    "fifth of bob"
expect_eq "the reconnect asks from the cursor of the last event" \
    "$(conn 3)" "ws 3 cursor=t7"
wait_selected "the selected tweet stays selected" "third of bob"
wait_screen "live again after the reset" "live *$"

# --- a reset: the selected tweet is gone ---------------------------------
touch "$T/go3"
wait_gone "the selected tweet, deleted while away, is gone" "third of bob"
expect_eq "after a reset, the cursor of the ready that followed" \
    "$(conn 4)" "ws 4 cursor=t20"
wait_selected "the nearest older tweet is selected" "second of bob"
keys g
wait_screen "what came while away is loaded (over REST)" \
    "eighth, only over REST"
wait_screen "live" "live *$"
check "no connection was refused" sh -c "! grep -q REFUSED '$T/fake.log'"
check "the fake served the home timeline over REST" \
    grep -q "^GET /tweets/homeTimeline/1" "$T/fake.log"

PID=$(tui_pid)
keys q
wait_screen "q ends it cleanly" "TUI-EXIT=0"
check "the process is gone" sh -c "! kill -0 $PID 2>/dev/null"

stop_tmux
finish
