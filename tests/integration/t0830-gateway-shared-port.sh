#!/usr/bin/env bash
# Two gateways on one port (reuse_port, SO_REUSEPORT): both take
# connections, a post reaches the WebSocket clients of both, each has its
# own ops_port for its /status and /metrics, and killing one leaves the
# other serving the port. The settings' errors end a gateway at start.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

OPS_A=$(free_port)
start_system --ops_port "$OPS_A"
G=$GATEWAY
OA=http://127.0.0.1:$OPS_A
OPS_B=$(free_port)
OB=http://127.0.0.1:$OPS_B
start_gateway gwb "$GATEWAY_PORT" --ops_port "$OPS_B"
check "gateway B started on the port gateway A holds" wait_until 15 sh -c \
    "curl -s --max-time 1 -o /dev/null -w '%{http_code}' $OB/status | grep -q 200"
check "each names the gateway on its ops_port" sh -c \
    "curl -s $OA/status | jq -e '.service == \"gateway\"' && curl -s $OB/status | jq -e '.service == \"gateway\"'"

accounts "$G" alice bob
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob through the shared port" 200

# 12 connections: the kernel spreads them by their source port, so both
# gateways get some (all on one: a chance of 1 in 2,048).
N=12
for i in $(seq 1 $N); do
	watch "a$i" "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
done
all_ready() { for i in $(seq 1 $N); do ready "a$i" || return 1; done; }
check "all $N live connections through the shared port are ready" wait_until 20 all_ready
na=$(curl -s "$OA/metrics" | sed -n 's/^chirp_gateway_connections{.*websocket"} //p')
nb=$(curl -s "$OB/metrics" | sed -n 's/^chirp_gateway_connections{.*websocket"} //p')
expect_eq "the two gateways hold them all between them" "$((na + nb))" "$N"
check "gateway A holds some ($na)" test "$na" -ge 1
check "gateway B holds some ($nb)" test "$nb" -ge 1

T1=$(post "$G" "$BOB" "$TB" "one post for every connection")
check "bob posts through the shared port" test -n "$T1"
all_got() { for i in $(seq 1 $N); do has "a$i" "\"tweetId\":\"$1\"" || return 1; done; }
check "the post reaches every client of both gateways" wait_until 15 all_got "$T1"

kill_proc gateway
check "gateway A is gone" down "$OA"
codes=""
for i in $(seq 1 10); do
	codes="$codes$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$G/status") "
done
expect_eq "gateway B alone answers every request on the port" "$codes" \
    "200 200 200 200 200 200 200 200 200 200 "
watch late "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
check "a new live connection gets through" wait_until 15 ready late
T2=$(post "$G" "$BOB" "$TB" "after gateway A")
check "a post after gateway A ended" test -n "$T2"
check "it reaches the new connection" wait_until 15 has late "\"tweetId\":\"$T2\""
stop_ws late
for i in $(seq 1 $N); do stop_ws "a$i"; done

# The ops_port serves the same routes, the live feed too.
watch c1 "ws://127.0.0.1:$OPS_B/ws" --header "$(auth "$TA")" --timeout 30
check "gateway B takes a connection on its ops_port" wait_until 10 ready c1
stop_ws c1

# The settings' errors.
gw() {
	"$CHIRP_BIN/chirp-gateway" --discovery_url "$DISCOVERY" \
	    --token_secret_file "$T/secret" "$@" >"$T/gw.out" 2>&1
}
gw --port "$GATEWAY_PORT" --reuse_port=maybe
check "reuse_port must be true or false" grep -q "'reuse_port' is not true or false" "$T/gw.out"
gw --port "$GATEWAY_PORT" --ops_port "$GATEWAY_PORT"
check "ops_port cannot be port" grep -q "must be a port of its own" "$T/gw.out"
gw --port "$GATEWAY_PORT" --ops_port 70000
check "ops_port is a port number" grep -q "ops_port" "$T/gw.out"
gw --port "$GATEWAY_PORT" --reuse_port=false
expect_eq "reuse_port=false: a shared port in use is refused" "$?" 1
check "and it says why" grep -q "cannot listen on 127.0.0.1:$GATEWAY_PORT: Address already in use" "$T/gw.out"
gw --port "$(free_port)" --ops_port "$OPS_B"
expect_eq "an ops_port in use is refused" "$?" 1
check "and it says which" grep -q "ops_port: cannot listen" "$T/gw.out"
P=$(free_port)
start_gateway gwc "$P" --reuse_port=false
gw --port "$P"
expect_eq "a port held without reuse_port is not shared" "$?" 1
check "and it says so" grep -q "held by a process that does not share it" "$T/gw.out"

finish
