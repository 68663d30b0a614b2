#!/usr/bin/env bash
# Floods at the gateway: failed logins back off per address (429 with
# Retry-After), a token does not buy a login more tries, WebSocket
# upgrades count against the rate limit, and plain HTTP connections are
# capped per address, refused before a byte is read.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system --login_free_failures 3 --max_conns_per_addr 4
G=$GATEWAY
register "$G" alice >/dev/null
TA=$(login "$G" alice)

# failed logins: three free, then the address waits, doubling
for i in 1 2 3 4; do
	http POST "$G/users/login" '{"username":"alice","password":"wrong-pass"}'
done
expect_status "the first failures are the service's 401" 401 unauthorized
http POST "$G/users/login" '{"username":"alice","password":"wrong-pass"}'
expect_status "then failed logins from the address are throttled" 429 rate_limited
check "with a Retry-After" test -n "$(hdr Retry-After)"
http POST "$G/users/login" '{"username":"alice","password":"password123"}'
expect_status "the right password waits too (no guessing in the wait)" 429 rate_limited
sleep 2.1
http POST "$G/users/login" '{"username":"alice","password":"password123"}'
expect_status "after the wait a good login works" 200
http GET "$G/users?username=alice"
expect_status "other routes were never throttled" 200

# plain HTTP connections per address: 4 held, the 5th closed unread
/usr/bin/python3 - "$GATEWAY_PORT" >"$T/conns.out" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port), timeout=3)
try:
    s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
    print("fifth:", "closed" if s.recv(100) == b"" else "answered")
except OSError:
    print("fifth: closed")
for h in held:
    h.close()
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port), timeout=3)
s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
print("after:", s.recv(100).split(b" ")[1].decode())
PY
check "a fifth connection from one address is closed unread" grep -q "fifth: closed" "$T/conns.out"
check "once they close, the address is served again" grep -q "after: 200" "$T/conns.out"
http GET "$G/metrics"
check "the refusal is counted" grep -q '^chirp_gateway_connections_refused_total' "$T/body"
sleep 0.5
http GET "$G/metrics"
expect_eq "plain HTTP connections are released (only this one is open)" \
    "$(grep "^chirp_gateway_connections{.*kind=\"http\"" "$T/body" | awk '{print $2}')" 1

# a second gateway with a tight rate limit
G2_PORT=$(free_port); G2=http://127.0.0.1:$G2_PORT
start_gateway gw2 "$G2_PORT" --rate_limit 3
for u in u1 u2 u3 u4; do register "$G" "$u" >/dev/null; done
TOKS=()
for u in u1 u2 u3 u4; do TOKS+=("$(login "$G" "$u")"); done
codes=""
for t in "${TOKS[@]}"; do
	http POST "$G2/users/login" '{"username":"alice","password":"password123"}' "$(auth "$t")"
	codes="$codes $HTTP_STATUS"
done
expect_eq "a token does not lift the address's limit on login" "$codes" " 200 200 200 429"

G3_PORT=$(free_port); G3=http://127.0.0.1:$G3_PORT
start_gateway gw3 "$G3_PORT" --rate_limit 3
up() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
	    -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
	    -H 'Sec-WebSocket-Version: 13' \
	    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
	    "$G3/ws?access_token=$TA"
}
codes=""
for i in 1 2 3 4; do codes="$codes $(up)"; done
expect_eq "WebSocket upgrades count against the rate limit" "$codes" " 101 101 101 429"
finish
