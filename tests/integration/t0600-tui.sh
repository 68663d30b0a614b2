#!/usr/bin/env bash
# chirp-tui in a real terminal (tmux) against the real system: the login
# screen, the timeline, live entries, compose, delete, follow, help,
# resizes and quitting with the terminal given back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
start_system

ALICE=$(register "$GATEWAY" alice)
BOB=$(register "$GATEWAY" bob)
CAROL=$(register "$GATEWAY" carol)
BOB_TOKEN=$(login "$GATEWAY" bob)
CAROL_TOKEN=$(login "$GATEWAY" carol)
ALICE_TOKEN=$(login "$GATEWAY" alice)
follow "$GATEWAY" "$ALICE" "$ALICE_TOKEN" "$BOB"
expect_status "alice follows bob" 200
post "$GATEWAY" "$BOB" "$BOB_TOKEN" "the very first tweet" >/dev/null
for i in $(seq 1 45); do
	post "$GATEWAY" "$BOB" "$BOB_TOKEN" "filler $i" >/dev/null
done
for i in $(seq 1 12); do
	post "$GATEWAY" "$BOB" "$BOB_TOKEN" "bob's tweet number $i, long enough to take a line or two of the screen when it is drawn" >/dev/null
done
post "$GATEWAY" "$BOB" "$BOB_TOKEN" "Café crème, 世界 and 😀 drawn whole" >/dev/null
post "$GATEWAY" "$CAROL" "$CAROL_TOKEN" "carol was here first" >/dev/null

start_tmux
keys "PS1='$ '; stty -g > $T/stty.before; clear" Enter
keys "$CHIRP_BIN/chirp-tui --server $GATEWAY; echo TUI-EXIT=\$?" Enter

# --- login ---------------------------------------------------------------
wait_screen "no token stored: the login screen" "Username:"
keys alice Enter
keys "wrong-password" Enter
wait_screen "a wrong password is refused on the status line" "cannot log in"
check "the program is still running after the error" tui_pid
keys C-u "password123" Enter
wait_screen "logged in: the home timeline" "chirp: home"
wait_screen "the newest tweet of a followed user is drawn" "drawn whole"
wait_screen "UTF-8 drawn whole (accents, CJK, emoji)" "Café crème, 世界 and 😀"
wait_screen "the status line shows the user" "@alice"
wait_screen "the status line shows the server" "$GATEWAY"
wait_screen "the feed goes live" "live *$"
check "the login is stored with mode 0600" \
    test "$(stat -c %a "$T/cfg/chirp/token")" = 600

# --- live ----------------------------------------------------------------
post "$GATEWAY" "$BOB" "$BOB_TOKEN" "live one: appears without a key" >/dev/null
wait_screen "a post by a followed user appears without a key press" \
    "live one: appears without a key"
keys j j j j j j
wait_gone "scrolled down, the top is out of view" "live one: appears"
post "$GATEWAY" "$BOB" "$BOB_TOKEN" "live two: while scrolled away" >/dev/null
wait_screen "scrolled away: an 'N new' marker" "1 new"
check "scrolled away: the position stays" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -q 'live two' && exit 1 || exit 0"
keys g
wait_screen "back at the top the new entry shows" "live two: while scrolled"
wait_gone "and the marker goes" "1 new"

# --- compose -------------------------------------------------------------
keys c
wait_screen "compose shows the characters left" "280 characters left"
keys "hello from the tui, ünïcode 世界"
wait_screen "the count follows the text in code points" \
    "250 characters left"
keys Enter
wait_screen "the new tweet shows at the top" "hello from the tui, ünïcode 世界"
http GET "$GATEWAY/tweets/userTimeline/$ALICE"
expect_eq "the tweet reached the server byte for byte" \
    "$(jb '.tweets[0].content')" "hello from the tui, ünïcode 世界"
MINE=$(jb '.tweets[0].tweetId')
keys c Enter
wait_screen "an empty tweet is refused with a message" "empty"
keys "   " Enter
wait_screen "a blank tweet is refused too" "empty"
keys C-u "$(printf 'é%.0s' $(seq 1 281))"
wait_screen "281 characters: one too many" "-1 characters left"
keys Enter
wait_screen "too long is refused with a message" "longer than 280"
keys BSpace
wait_screen "one fewer fits exactly" " 0 characters left"
keys Escape
wait_screen "Esc cancels the compose" "chirp: home"
http GET "$GATEWAY/tweets/userTimeline/$ALICE"
expect_eq "nothing was posted by the refused or cancelled ones" \
    "$(jb '.tweets | length')" 1

# --- delete --------------------------------------------------------------
keys g d
wait_screen "d asks to confirm" "(y/n)"
keys n
wait_screen "n keeps the tweet" "cancelled"
http GET "$GATEWAY/tweets/$MINE"
expect_status "the tweet is still there" 200
keys d
wait_screen "d asks again" "(y/n)"
keys y
wait_gone "y deletes: the tweet leaves the screen" "hello from the tui"
http GET "$GATEWAY/tweets/$MINE"
expect_status "and the server" 404
keys g d
wait_screen "another's tweet cannot be deleted" "only delete your own"

# --- help ----------------------------------------------------------------
keys '?'
wait_screen "? shows the keys" "compose a tweet"
wait_screen "the help names follow" "follow or unfollow"
wait_screen "the help names R for refresh" "R           refresh"
wait_screen "the help names a for the author's timeline" \
    "a           the selected author's timeline"
keys q
wait_screen "q goes back from the help" "chirp: home"

# --- find and follow -----------------------------------------------------
keys /
wait_screen "/ asks for a user" "find a user"
keys nobody_here Enter
wait_screen "an unknown user is a message" "no user 'nobody_here'"
keys C-u Escape
keys /
keys carol Enter
wait_screen "/ opens the user's timeline" "@carol: "
wait_screen "with the user's tweets" "carol was here first"
keys f
wait_screen "f follows the selected author" "following @carol"
http GET "$GATEWAY/users/$ALICE/followings"
check "the server has the follow" \
    sh -c "jq -e '.followings | index(\"$CAROL\")' <'$T/body' >/dev/null"
keys h
wait_screen "h goes home, where carol's tweets now show" \
    "carol was here first"
post "$GATEWAY" "$CAROL" "$CAROL_TOKEN" "carol live, now followed" >/dev/null
wait_screen "and carol's new tweets arrive live" "carol live, now followed"
keys g a
wait_screen "a opens the selected author's timeline" "@carol: "
keys h
wait_screen "h goes back home" "chirp: home"
keys g f
wait_screen "f on a followed author unfollows" "unfollowed @carol"
http GET "$GATEWAY/users/$ALICE/followings"
check "the server has the unfollow" \
    sh -c "jq -e '.followings | index(\"$CAROL\") | not' <'$T/body' >/dev/null"

# --- resizes -------------------------------------------------------------
tm resize-window -t tui -x 60 -y 20
wait_screen "at 60x20 the status line still shows" "live *$"
check "nothing is drawn past 60 columns" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | wc -L) -le 60"
check "the screen has 20 lines" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | wc -l) -eq 20"
tm resize-window -t tui -x 200 -y 60
wait_screen "at 200x60 the timeline fills the screen" "bob's tweet number 3,"
check "the status line is on the last of 60 lines" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | sed -n 60p | grep -q 'live *$'"
tm resize-window -t tui -x 80 -y 24
wait_screen "back at 80x24" "live *$"

# --- paging --------------------------------------------------------------
keys g
wait_screen "at the top" "live two: while scrolled away"
keys NPage
wait_gone "PgDn moves a screen down" "live two: while scrolled away"
keys PPage
wait_screen "PgUp moves back up" "live two: while scrolled away"
keys Down Down Down Down Down Down Down
wait_gone "the arrows move too" "live two: while scrolled away"
keys Up Up Up Up Up Up Up
wait_screen "and back" "live two: while scrolled away"

# --- older pages ---------------------------------------------------------
keys G
wait_screen "G goes to the oldest loaded tweet" "filler"
check "of the first page only" sh -c \
    "! tmux -L $SOCK capture-pane -p -t tui | grep -q 'the very first tweet'"
keys G
wait_screen "moving past the end loads older pages, to the first tweet" \
    "the very first tweet"
wait_screen "and says it is the end" "end of the timeline"
keys g
wait_screen "g goes back to the newest" "live two: while scrolled away"

# --- quit ----------------------------------------------------------------
PID=$(tui_pid)
keys q
wait_screen "q on the home timeline quits with status 0" "TUI-EXIT=0"
check "the process is gone" sh -c "! kill -0 $PID 2>/dev/null"
keys "stty -g > $T/stty.after" Enter
sleep 0.5
check "the terminal settings are restored" cmp "$T/stty.before" "$T/stty.after"
wait_gone "the full-screen view is gone" "chirp: home"

stop_tmux
finish
