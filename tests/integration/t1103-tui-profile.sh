#!/usr/bin/env bash
# t1103: chirp-tui's profile editor (p) in 80x24: it opens on the stored
# display name and bio with the characters left of each, Tab moves between
# them, Enter saves through PATCH /users/{id}, Esc cancels, too long text
# is refused before it is sent, and a server that cannot save shows on the
# status line while the program and the form stay.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"
. "$(dirname "$0")/../lib-tui.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
start_system
accounts "$GATEWAY" alice
http PATCH "$GATEWAY/users/$ALICE" '{"bio":"was here before"}' "$(auth "$TA")"
expect_status "a bio set beforehand" 200

start_tmux
tui_login alice
keys p
wait_screen "p opens the profile editor" "chirp: your profile (@alice)"
wait_screen "the display name field with its characters left" \
    "Display name  (50 characters left)"
wait_screen "the stored bio is there to edit" "was here before"
wait_screen "with the bio's characters left" "Bio  (145 characters left)"
keys "Alice Ä. 世界"
wait_screen "the count follows the name in code points" \
    "Display name  (39 characters left)"
keys Tab C-u "likes threads"
wait_screen "Tab moves to the bio, ^U clears it" "Bio  (147 characters left)"
keys Enter
wait_screen "Enter saves" "profile saved"
wait_screen "and goes back home" "chirp: home"
http GET "$GATEWAY/users/$ALICE"
expect_eq "the server has both fields, byte for byte" \
    "$(jb '[.displayName,.bio]|@json')" '["Alice Ä. 世界","likes threads"]'

keys p
wait_screen "the editor opens on what was saved" "Alice Ä. 世界"
keys C-u "$(printf 'é%.0s' $(seq 1 51))"
wait_screen "51 characters: one too many" "(-1 characters left)"
keys Enter
wait_screen "too long is refused on the status line" \
    "the display name is too long"
check "the form stays open" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -q 'your profile'"
keys Escape
wait_screen "Esc cancels" "cancelled"
http GET "$GATEWAY/users/$ALICE"
expect_eq "nothing was saved by the refused or cancelled edits" \
    "$(jb .displayName)" "Alice Ä. 世界"

keys p
wait_screen "the editor again" "your profile"
stop_proc userd
keys Tab C-u "the service is down" Enter
wait_screen "a server that cannot save: the error on the status line" \
    "cannot save the profile"
check "the program is still running" tui_pid
check "and the form still open" sh -c \
    "tmux -L $SOCK capture-pane -p -t tui | grep -q 'your profile'"
keys Escape
wait_screen "Esc leaves it" "chirp: home"

# --- 80x24, nothing past the edges ---------------------------------------
check "nothing is drawn past 80 columns" sh -c \
    "test \$(tmux -L $SOCK capture-pane -p -t tui | wc -L) -le 80"
keys q
wait_screen "q quits with status 0" "TUI-EXIT=0"
stop_tmux
finish
