#!/usr/bin/env bash
# t1102: chirp-tui's notifications in 80x24: the unread count in the
# status line from the start and live, n opens the list newest first and
# marks it read, a notification arriving while the list is open goes to
# its top without a key, an undone action takes its line away, q goes
# back, and the count comes back live under another view.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"
. "$(dirname "$0")/../lib-tui.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
start_system
# the gateway follows notifyd's log for the live notifications
if ! declare -f start_gateway | grep -q notify_bus_url; then
	stop_proc gateway
	start_gateway gateway "$GATEWAY_PORT" \
	    --notify_bus_url "$(bus_url "$NOTIFYDB")"
fi
accounts "$GATEWAY" alice bob carol dave
notifs() { http GET "$GATEWAY/notifications" "" "$(auth "$TA")"; }
unread_is() { notifs; [ "$(jb .unread)" = "$1" ]; }

follow "$GATEWAY" "$BOB" "$TB" "$ALICE"
check "alice has one notification before the TUI starts" wait_until 10 \
    unread_is 1

start_tmux
tui_login alice
wait_screen "the status line shows the unread count at the start" \
    "1 unread  live *$"
follow "$GATEWAY" "$CAROL" "$TC" "$ALICE"
wait_screen "a live notification bumps it without a key" "2 unread  live *$"

keys n
wait_screen "n opens the notifications" "chirp: notifications"
wait_screen "newest first: carol's follow on top" "@carol followed you"
check "bob's follow under it" sh -c "tmux -L $SOCK capture-pane -p -t tui |
    awk '/@carol followed you/ { c = NR } /@bob followed you/ { b = NR }
    END { exit !(c && b && c < b) }'"
check "opening marks them read on the server" wait_until 10 unread_is 0
wait_gone "and the count leaves the status line" "unread  live"

follow "$GATEWAY" "$DAVE" "$TD" "$ALICE"
wait_screen "a notification arriving while the list is open shows at once" \
    "@dave followed you"
check "at the top of the list" sh -c "tmux -L $SOCK capture-pane -p -t tui |
    sed -n 2p | grep -q '@dave followed you'"
check "seen, it is marked read on the server" wait_until 10 unread_is 0
unfollow "$GATEWAY" "$CAROL" "$TC" "$ALICE"
wait_gone "an undone follow takes its line away" "@carol followed you"
check "the others stay" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -q '@bob followed you'"
check "nothing is drawn past 80 columns" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | wc -L) -le 80"

keys q
wait_screen "q goes back home" "chirp: home"
follow "$GATEWAY" "$CAROL" "$TC" "$ALICE"
wait_screen "under another view a new one counts in the status line" \
    "1 unread  live *$"
unfollow "$GATEWAY" "$CAROL" "$TC" "$ALICE"
wait_gone "and an undone one is taken off the count" "1 unread"

follow "$GATEWAY" "$CAROL" "$TC" "$ALICE"
wait_screen "counted again" "1 unread  live *$"
keys '?'
wait_screen "? opens the help" "chirp: keys"
keys NPage
wait_screen "the help names n" "n           notifications"
wait_screen "and p" "p           edit your profile"
keys q n
wait_screen "n again: the list" "chirp: notifications"
keys j Enter
wait_screen "Enter on a follow opens the follower's timeline" "@dave: "
keys q q
wait_screen "back home" "chirp: home"
keys q
wait_screen "q quits with status 0" "TUI-EXIT=0"
stop_tmux
finish
