# tests/lib-system.sh: a whole chirp system for the gateway's tests,
# sourced after tests/lib.sh.
#
#   start_discoveryd NAME PORT [FLAGS...]
#   start_gateway NAME PORT [FLAGS...]   (needs DISCOVERY, USERDB, TWEETDB)
#   start_system [GATEWAY FLAGS...]      discovery + chirp-userd +
#       chirp-tweetd registered with it + one gateway. Sets DISCOVERY,
#       DISCOVERY_PORT, USERD, TWEETD, USERDB, TWEETDB, GATEWAY,
#       GATEWAY_PORT, GATEWAY_WS.
#   wait_until SECONDS CMD...            retry CMD every 0.1 s
#   ws_client ARGS...                    the WebSocket test client

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

# wait_until SECONDS CMD...: true as soon as CMD succeeds.
wait_until() {
	local limit=$1 i; shift
	for i in $(seq 1 $((limit * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

start_discoveryd() {
	local name=$1 port=$2; shift 2
	start_proc "$name" "$CHIRP_BIN/chirp-discoveryd" --port "$port" \
	    --ttl 12 "$@"
	wait_http "http://127.0.0.1:$port/status"
}

# listed TYPE PORT: discovery lists that instance.
listed() {
	curl -s --max-time 2 "$DISCOVERY/services" |
	    jq -e --argjson p "$2" ".${1}Services[] | select(.port == \$p)" \
	    >/dev/null
}

# gateway_sees URL TYPE PORT: the gateway routes to that instance.
gateway_sees() {
	curl -s --max-time 2 "$1/metrics" |
	    grep -q "chirp_gateway_breaker_state{.*upstream=\"$2\",instance=\"127.0.0.1:$3\"}"
}

start_gateway() {
	local name=$1 port=$2; shift 2
	start_proc "$name" "$CHIRP_BIN/chirp-gateway" --port "$port" \
	    --discovery_url "$DISCOVERY" --user_bus_url "$USERDB" \
	    --tweet_bus_url "$TWEETDB" --token_secret_file "$T/secret" \
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
	    --discovery_url "$DISCOVERY"
	wait_until 10 listed user "$2"
}
# start_tweetd_d NAME PORT: one more tweet service, registered.
start_tweetd_d() {
	start_tweetd "$1" "$2" "$TWEETDB" "$USERD" "$USERDB" \
	    --discovery_url "$DISCOVERY"
	wait_until 10 listed tweet "$2"
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
