# tests/lib-system.sh: a whole chirp system for the gateway's tests,
# sourced after tests/lib.sh.
#
#   start_discoveryd NAME PORT [FLAGS...]
#   start_gateway NAME PORT [FLAGS...]   (needs DISCOVERY, USERDB, TWEETDB;
#       with NOTIFYDB set, it follows chirp-notifyd's events too)
#   start_system [GATEWAY FLAGS...]      discovery + chirp-userd +
#       chirp-tweetd + chirp-notifyd registered with it + one gateway.
#       Sets DISCOVERY, DISCOVERY_PORT, USERD, TWEETD, NOTIFYD, USERDB,
#       TWEETDB, NOTIFYDB, NOTIFYD_PORT, GATEWAY, GATEWAY_PORT,
#       GATEWAY_WS.
#   ws_client ARGS...                    the WebSocket test client
#   start_tmux                           a terminal for chirp-tui

ws_client() { "$CHIRP_TOOLS/ws-client" "$@"; }

# watch NAME ARGS...: a background ws-client writing to $T/NAME.ws;
# stop_ws NAME... ends them.
watch() {
	local name=$1; shift
	"$CHIRP_TOOLS/ws-client" "$@" >"$T/$name.ws" 2>&1 &
	eval "WS_$name=$!"
}
stop_ws() {
	local n pid
	for n in "$@"; do
		pid=$(eval "echo \${WS_$n:-}")
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		eval "WS_$n="
	done
}

# has NAME TEXT: the ws-client NAME received TEXT.
has() { grep -qF -- "$2" "$T/$1.ws"; }
# lacks NAME TEXT: it did not.
lacks() { ! has "$@"; }
# ready NAME: the ws-client NAME's feed is live.
ready() { has "$1" '{"type":"ready",'; }
# cursors NAME: the cursors NAME received, comma-separated.
cursors() { grep -o '"cursor":"[^"]*"' "$T/$1.ws" | cut -d'"' -f4 | paste -sd, -; }
# tweet_ids NAME: the ids of the tweets NAME received, comma-separated.
tweet_ids() { grep '"type":"tweet"' "$T/$1.ws" | jq -r .tweet.tweetId | paste -sd, -; }
# ws_conns URL N: the gateway at URL holds N live connections.
ws_conns() { curl -s "$1/metrics" | grep -Eq "^chirp_gateway_connections\\{.*websocket\"\\} $2\$"; }

# cut_bus DBURL: end the gateway's bus connection to that database; prints
# how many connections were ended.
cut_bus() {
	sql "$1" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	    WHERE application_name = 'chirp-gateway-bus' AND datname = current_database()"
}

start_discoveryd() {
	local name=$1 port=$2; shift 2
	start_proc "$name" "$CHIRP_BIN/chirp-discoveryd" --port "$port" \
	    --ttl 12 "$@"
	wait_http "http://127.0.0.1:$port/status"
}

# traffic URL USERID TOKEN N [TEXT]: N reads of the user's timeline and, with
# TEXT, N posts of "TEXT i"; prints how many failed (each on stderr).
traffic() {
	local i c fails=0
	for i in $(seq 1 "$4"); do
		c=$(curl -s -o "$T/r.out" -w '%{http_code}' "$1/tweets/userTimeline/$2")
		[ "$c" = 200 ] || { fails=$((fails + 1)); echo "read $i: $c $(cat "$T/r.out")" >&2; }
		[ $# -ge 5 ] || continue
		c=$(curl -s -o "$T/r.out" -w '%{http_code}' -H "$(auth "$3")" \
		    -H 'Content-Type: application/json' \
		    --data "{\"userId\":\"$2\",\"content\":\"$5 $i\"}" "$1/tweets")
		[ "$c" = 201 ] || { fails=$((fails + 1)); echo "post $i: $c $(cat "$T/r.out")" >&2; }
	done
	echo "$fails"
}

# listed DISCOVERY_URL TYPE PORT: discovery lists 127.0.0.1:PORT as TYPE.
listed() {
	curl -s --max-time 2 "$1/services" |
	    jq -e --argjson p "$3" \
	    ".${2}Services | any(.host == \"127.0.0.1\" and .port == \$p)" \
	    >/dev/null
}

# gateway_sees URL TYPE PORT: the gateway routes to that instance.
gateway_sees() {
	curl -s --max-time 2 "$1/metrics" |
	    grep -q "chirp_gateway_breaker_state{.*upstream=\"$2\",instance=\"127.0.0.1:$3\"}"
}
# breaker URL PORT STATE: the breaker of 127.0.0.1:PORT is 0 closed, 1 open.
breaker() { curl -s "$1/metrics" | grep -Eq "^chirp_gateway_breaker_state\\{.*instance=\"127.0.0.1:$2\"\\} $3\$"; }

start_gateway() {
	local name=$1 port=$2; shift 2
	start_proc "$name" "$CHIRP_BIN/chirp-gateway" --port "$port" \
	    --discovery_url "$DISCOVERY" --user_bus_url "$(bus_url "$USERDB")" \
	    --tweet_bus_url "$(bus_url "$TWEETDB")" \
	    ${NOTIFYDB:+--notify_bus_url "$(bus_url "$NOTIFYDB")"} \
	    --token_secret_file "$T/secret" \
	    --openapi_file "$CHIRP_ROOT/docs/openapi.json" \
	    --docs_file "$CHIRP_ROOT/docs/docs.html" "$@"
	wait_http "http://127.0.0.1:$port/status" || return 1
	# ready when both services are routable
	wait_until 15 sh -c "curl -s --max-time 1 -o /dev/null -w '%{http_code}' \
	    http://127.0.0.1:$port/status | grep -q 200"
}

# start_userd_d NAME PORT: one more user service, registered.
start_userd_d() {
	start_userd "$1" "$2" "$USERDB" --tweet_url "$TWEETD" \
	    --discovery_url "$DISCOVERY" --tweet_bus_url "$(bus_url "$TWEETDB")"
	wait_until 10 listed "$DISCOVERY" user "$2"
}
# start_tweetd_d NAME PORT: one more tweet service, registered.
# TWEETD_FLAGS (words) go to chirp-tweetd.
start_tweetd_d() {
	# shellcheck disable=SC2086
	start_tweetd "$1" "$2" "$TWEETDB" "$USERD" "$USERDB" \
	    --discovery_url "$DISCOVERY" ${TWEETD_FLAGS:-}
	wait_until 10 listed "$DISCOVERY" tweet "$2"
}

# start_notifyd_d NAME PORT: one more notification service, registered
# (on $NOTIFYDB). NOTIFYD_FLAGS (words) go to chirp-notifyd.
start_notifyd_d() {
	# shellcheck disable=SC2086
	start_notifyd "$1" "$2" "$NOTIFYDB" --discovery_url "$DISCOVERY" \
	    ${NOTIFYD_FLAGS:-}
	wait_until 10 listed "$DISCOVERY" notify "$2"
}

start_system() {
	DISCOVERY_PORT=$(free_port)
	DISCOVERY=http://127.0.0.1:$DISCOVERY_PORT
	start_discoveryd discovery "$DISCOVERY_PORT"
	USERDB=$(test_db u); TWEETDB=$(test_db t)
	USERD_PORT=$(free_port); TWEETD_PORT=$(free_port)
	USERD=http://127.0.0.1:$USERD_PORT; TWEETD=http://127.0.0.1:$TWEETD_PORT
	start_userd_d userd "$USERD_PORT"
	start_tweetd_d tweetd "$TWEETD_PORT"
	NOTIFYDB=$(test_db n); NOTIFYD_PORT=$(free_port)
	NOTIFYD=http://127.0.0.1:$NOTIFYD_PORT
	start_notifyd_d notifyd "$NOTIFYD_PORT"
	GATEWAY_PORT=$(free_port)
	GATEWAY=http://127.0.0.1:$GATEWAY_PORT
	GATEWAY_WS=ws://127.0.0.1:$GATEWAY_PORT
	start_gateway gateway "$GATEWAY_PORT" "$@"
}

# start_silent NAME PORT: a fake service that accepts connections and never
# answers (for timeouts).
start_silent() {
	start_proc "$1" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(128)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
' "$2"
	wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$2"
}

# announce DISCOVERY_URL TYPE PORT: register an instance by hand.
announce() {
	curl -s -o /dev/null --max-time 2 -H 'Content-Type: application/json' \
	    -H "$(svc_hdr userd discovery)" \
	    --data "{\"serviceType\":\"$2\",\"serviceHost\":\"127.0.0.1\",\"servicePort\":$3}" \
	    "$1/services"
}

# --- chirp-tui in a terminal ---------------------------------------------

# start_tmux: an 80x24 interactive shell in the tmux session "tui" on a
# server of our own ($SOCK), chirp-tui's settings under $T/cfg; stopped at
# the end.
start_tmux() {
	command -v tmux >/dev/null || { echo "tmux is missing"; exit 1; }
	SOCK="chirp-$TEST_NAME-$$"
	trap 'stop_tmux; cleanup' EXIT
	mkdir -p "$T/cfg"
	tm -f /dev/null new-session -d -s tui -x 80 -y 24 \
	    -e XDG_CONFIG_HOME="$T/cfg" -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	    -e ASAN_OPTIONS="$ASAN_OPTIONS" -e UBSAN_OPTIONS="$UBSAN_OPTIONS" \
	    "bash --norc --noprofile -i"
}
# tm ARGS...: a tmux command on our server.
tm() { tmux -L "$SOCK" "$@"; }
# stop_tmux: end our tmux server.
stop_tmux() { tm kill-server 2>/dev/null; }
# screen: what the terminal shows.
screen() { tm capture-pane -p -t tui; }
# keys KEYS...: type into the terminal.
keys() { tm send-keys -t tui "$@"; }
# tui_pid: the running chirp-tui's process id.
tui_pid() { pgrep -P "$(tm list-panes -t tui -F '#{pane_pid}')" -x chirp-tui; }
# wait_screen DESC GREP-PATTERN: the screen shows it (within 30 s).
wait_screen() {
	local i
	for i in $(seq 1 150); do
		screen | grep -q -- "$2" && { ok "$1"; return 0; }
		sleep 0.2
	done
	not_ok "$1" "pattern '$2' not on screen:" "$(screen)"
	return 1
}
# wait_gone DESC GREP-PATTERN: the screen no longer shows it (within 30 s).
wait_gone() {
	local i
	for i in $(seq 1 150); do
		screen | grep -q -- "$2" || { ok "$1"; return 0; }
		sleep 0.2
	done
	not_ok "$1" "pattern '$2' still on screen:" "$(screen)"
	return 1
}
