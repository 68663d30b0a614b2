#!/usr/bin/env bash
# t1101: chirp-tui's likes and reposts in 80x24: l likes and unlikes by the
# tweet's own flag with the counts from the answer, t reposts (the repost
# enters the timeline with "reposted by @alice") and unreposts, a repost
# arriving live shows the original with who reposted it, and where the
# locale is not UTF-8 the counts are words.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"
. "$(dirname "$0")/../lib-tui.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
start_system
accounts "$GATEWAY" alice bob carol
follow "$GATEWAY" "$ALICE" "$TA" "$BOB"
follow "$GATEWAY" "$ALICE" "$TA" "$CAROL"
OLD=$(post "$GATEWAY" "$BOB" "$TB" "an older tweet of bob's")
LIKE=$(post "$GATEWAY" "$BOB" "$TB" "like me if you can")
flags() { http GET "$GATEWAY/tweets/$1" "" "$(auth "$TA")"; jb "$2"; }

start_tmux
tui_login alice
wait_screen "bob's tweet with its counts" "♥ 0"
keys g l
wait_screen "l likes the selected tweet" "liked"
wait_screen "the count comes from the answer, and says it is yours" \
    "↩ 0  ♥ 1  ⟳ 0  (you liked)"
expect_eq "the server has the like" \
    "$(flags "$LIKE" '[.likeCount, .liked] | @json')" '[1,true]'
keys l
wait_screen "l again unlikes (the tweet's liked flag)" "unliked"
wait_gone "the count and the mark go back" "(you liked)"
expect_eq "the server has no like" \
    "$(flags "$LIKE" '[.likeCount, .liked] | @json')" '[0,false]'

keys t
wait_screen "t reposts the selected tweet" "reposted"
wait_screen "the repost enters the timeline, with who reposted it" \
    "reposted by @alice"
wait_screen "the original's count and flag" "⟳ 1  (you reposted)"
expect_eq "the server has the repost" \
    "$(flags "$LIKE" '[.repostCount, .reposted] | @json')" '[1,true]'
check "the repost shows the original's text" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -c 'like me if you can' |
    grep -qx 2"
keys g t
wait_screen "t on the repost unreposts the original" "unreposted"
wait_gone "the repost leaves the timeline" "reposted by @alice"
expect_eq "the server has none" \
    "$(flags "$LIKE" '[.repostCount, .reposted] | @json')" '[0,false]'

http POST "$GATEWAY/tweets/$OLD/repost" "" "$(auth "$TC")"
expect_status "carol reposts bob's older tweet" 201
wait_screen "a live repost shows who reposted it" "reposted by @carol"
wait_screen "with the original's author and text" "an older tweet of bob's"
keys g l
wait_screen "l on a repost likes the original" "(you liked)"
expect_eq "the server: the original has the like" \
    "$(flags "$OLD" '[.likeCount, .liked] | @json')" '[1,true]'
check "nothing is drawn past 80 columns" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | wc -L) -le 80"
keys q
wait_screen "q quits with status 0" "TUI-EXIT=0"

# --- a locale that is not UTF-8: words, not symbols ---------------------------
keys "clear; LANG=C LC_ALL=C $CHIRP_BIN/chirp-tui --server $GATEWAY; echo TUI-EXIT=\$?" Enter
wait_screen "in the C locale the counts are words" \
    "replies 0  likes 1  reposts 1  (you liked)"
check "and no arrow is drawn" sh -c \
    "! tmux -L $SOCK capture-pane -p -t tui | grep -q '♥'"
keys q
wait_screen "q quits with status 0" "TUI-EXIT=0"
stop_tmux
finish
