#!/usr/bin/env bash
# t0530: chirp colours its plain output on a terminal only, and never
# with NO_COLOR set.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
export XDG_CONFIG_HOME=$T/cfg
printf 'password123\n' | "$CHIRP_BIN/chirp" --server "$GATEWAY" register \
    colour_cat --password-stdin >/dev/null 2>&1
"$CHIRP_BIN/chirp" --server "$GATEWAY" post "in colour" >/dev/null

ESC=$(printf '\033')
# on_tty CMD: run CMD on a pseudo-terminal, its output in $T/tty.
on_tty() { script -qec "$*" /dev/null >"$T/tty" 2>&1 </dev/null; }

on_tty "$CHIRP_BIN/chirp" --server "$GATEWAY" timeline
check "a terminal gets the text" grep -q "in colour" "$T/tty"
check "a terminal gets colour" grep -q "$ESC\[" "$T/tty"

on_tty env NO_COLOR=1 "$CHIRP_BIN/chirp" --server "$GATEWAY" timeline
check "NO_COLOR: the text" grep -q "in colour" "$T/tty"
check "NO_COLOR: no colour" bash -c "! grep -q '$ESC' '$T/tty'"

"$CHIRP_BIN/chirp" --server "$GATEWAY" timeline >"$T/pipe"
check "a pipe: the text" grep -q "in colour" "$T/pipe"
check "a pipe: no colour" bash -c "! grep -q '$ESC' '$T/pipe'"

finish
