#!/usr/bin/env bash
# t1100: chirp-tui's conversations in 80x24: counts under each tweet, a
# reply shows "replying to @user" (its parent loaded or looked up once),
# Enter opens the thread (ancestors, the tweet marked, replies indented by
# depth; a deleted ancestor is "[deleted]"; q back), r replies (the compose
# box says to whom, Esc cancels, Enter sends with replyTo) and the reply
# shows in the thread and live.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"
. "$(dirname "$0")/../lib-tui.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
start_system
accounts "$GATEWAY" alice bob carol dave
follow "$GATEWAY" "$ALICE" "$TA" "$BOB"
follow "$GATEWAY" "$ALICE" "$TA" "$CAROL"
ROOT=$(post "$GATEWAY" "$BOB" "$TB" "root of the conversation")
C1=$(reply "$GATEWAY" "$CAROL" "$TC" "$ROOT" "carol answers bob")
# (reply runs in a subshell: its status is read back from the id, decimal
# digits; an error's body gives null)
check "carol replies to bob" expr "$C1" : "[1-9][0-9]*$"
B2=$(reply "$GATEWAY" "$BOB" "$TB" "$C1" "bob answers carol")
# dave is not followed: his tweet is not loaded in alice's home
DAVE1=$(post "$GATEWAY" "$DAVE" "$TD" "dave says something")
reply "$GATEWAY" "$BOB" "$TB" "$DAVE1" "bob answers dave" >/dev/null

start_tmux
tui_login alice
wait_screen "the home timeline" "bob answers dave"
wait_screen "a reply to a tweet not loaded names its author, looked up" \
    "replying to @dave"
wait_screen "a reply to a loaded tweet names its author" "replying to @carol"
wait_screen "the counts under each tweet: the root has one reply" \
    "↩ 1  ♥ 0  ⟳ 0"
check "every tweet has its counts line" sh -c \
    "[ \$(tmux -L $SOCK capture-pane -p -t tui | grep -c '↩ [0-9]*  ♥ [0-9]*  ⟳ [0-9]*') -ge 3 ]"

# --- the thread ------------------------------------------------------------
keys g j
wait_screen "the second tweet is selected" "^> *@bob"
keys Enter
wait_screen "Enter opens the thread" "thread of @bob's tweet"
wait_screen "the first ancestor, not indented" "^  @bob "
wait_screen "the parent, indented one step" "^    @carol "
wait_screen "the tweet, two steps, selected" "^> .*@bob"
check "its text is marked by a bar" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -q '^    ┃ bob answers carol'"
wait_screen "the end of the thread" "end of the thread"

# --- reply from the thread -------------------------------------------------
keys r
wait_screen "r: the compose box says to whom" "Reply to @bob"
wait_screen "with the characters left" "280 characters left"
keys Escape
wait_screen "Esc cancels the reply" "cancelled"
http GET "$GATEWAY/tweets/$B2/thread"
expect_eq "nothing was sent" "$(jb '.replies | length')" 0
keys r "alice joins in"
wait_screen "the count follows the text" "266 characters left"
keys Enter
wait_screen "Enter sends the reply" "replied"
wait_screen "the reply shows in the thread, one step deeper" \
    "^        @alice "
wait_screen "and its text" "alice joins in"
http GET "$GATEWAY/tweets/$B2/thread"
expect_eq "the server has it as a reply to the selected tweet" \
    "$(jb '.replies[0] | [.content, .replyTo] | @json')" \
    "[\"alice joins in\",\"$B2\"]"
check "the tweet's reply count went up: three tweets with one reply" \
    wait_until 10 sh -c "[ \$(tmux -L $SOCK capture-pane -p -t tui |
    grep -c '↩ 1  ♥ 0  ⟳ 0') -ge 3 ]"

# a reply arriving live while the thread is open
reply "$GATEWAY" "$CAROL" "$TC" "$B2" "carol live in the thread" >/dev/null
wait_screen "a live reply to the tweet joins the thread" \
    "carol live in the thread"
check "nothing is drawn past 80 columns" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | wc -L) -le 80"

keys q
wait_screen "q goes back home" "chirp: home"
wait_screen "alice's reply is in the home timeline, naming bob" \
    "replying to @bob"

# --- a deleted ancestor ----------------------------------------------------
http DELETE "$GATEWAY/tweets/$C1" "" "$(auth "$TC")"
expect_status "carol deletes her reply" 200
wait_screen "home: a reply to a deleted tweet says so" \
    "replying to a deleted tweet"
http GET "$GATEWAY/tweets/$B2/thread"
expect_eq "the server: the root, then the deleted ancestor as null" \
    "$(jq -c '[.ancestors[] | if . == null then null else .tweetId end]' \
    "$T/body")" "[\"$ROOT\",null]"
tm resize-window -t tui -x 100 -y 30
wait_screen "a resize redraws" "live *$"
tm resize-window -t tui -x 80 -y 24
wait_screen "back at 80x24" "live *$"
# newest first: carol's live reply, alice's, bob's to dave, bob's to carol
keys g j j j
wait_screen "bob's answer to carol is selected" "^> *@bob"
check "the selected one is it" sh -c "tmux -L $SOCK capture-pane -p -t tui |
    awk '/^> /{ f = 1 } f' | sed -n 1,4p | grep -q 'bob answers carol'"
keys Enter
wait_screen "the thread with a deleted ancestor" "thread of @bob's tweet"
wait_screen "shows it as [deleted]" "\[deleted\]"
check "the root is still there" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -q 'root of the conversation'"
keys q q
wait_screen "q quits from home with status 0" "TUI-EXIT=0"
stop_tmux
finish
