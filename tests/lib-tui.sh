# lib-tui.sh: chirp-tui logged in and running in tmux (after lib.sh,
# lib-system.sh and start_system), for the conversation tests.

# tui_login NAME [TUI-ENV...]: store NAME's login with the CLI (password
# password123) in chirp-tui's settings, start chirp-tui in the tmux
# session at 80x24 (TUI-ENV words, like LC_ALL=C, go before it) and wait
# for the live feed.
tui_login() {
	local name=$1; shift
	XDG_CONFIG_HOME="$T/cfg" "$CHIRP_BIN/chirp" --server "$GATEWAY" \
	    login "$name" --password-stdin <<<password123 >/dev/null ||
	    { not_ok "log in $name with the CLI"; return 1; }
	keys "PS1='$ '; clear" Enter
	keys "$* $CHIRP_BIN/chirp-tui --server $GATEWAY; echo TUI-EXIT=\$?" Enter
	wait_screen "chirp-tui runs as @$name, live" "live *$"
}
# reply URL USERID TOKEN PARENT TEXT: a reply; prints its id. Run in
# $(...), its HTTP_STATUS stays in that subshell: check the id (decimal
# digits; an error's body gives null).
reply() {
	http POST "$1/tweets" "$(jq -cn --arg u "$2" --arg c "$5" --arg r "$4" \
	    '{userId:$u,content:$c,replyTo:$r}')" "$(auth "$3")"
	jb .tweetId
}
# row PATTERN: the first screen line that matches (grep -m1).
row() { screen | grep -m1 -- "$1"; }
