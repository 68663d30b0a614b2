#!/usr/bin/env bash
# The identity an upgrade check found belongs to that connection only: an
# upgrade that passes the token check and then fails the handshake leaves
# nothing behind (no leak: the gateway runs under ASan), and the next
# client's connection is its own user's, whichever order; the claims are
# dropped on every failure path.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob

# half_upgrade TOKEN: an upgrade with a good token but no Sec-WebSocket-Key,
# refused by the handshake after the token check; prints the status line.
half_upgrade() {
	/usr/bin/python3 - "$GATEWAY_PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    "Authorization: Bearer %s\r\n\r\n" % sys.argv[2]).encode())
data = b""
try:
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
except socket.timeout:
    pass
print(data.split(b"\r\n", 1)[0].decode(errors="replace") or "closed")
PY
}

for i in 1 2 3; do
	out=$(half_upgrade "$TA")
	check "alice's broken upgrade $i is not a WebSocket" \
	    sh -c "! echo '$out' | grep -q ' 101 '"
done
watch bob "$GATEWAY_WS/ws" --header "$(auth "$TB")" --timeout 30
check "bob, upgrading after alice's failed ones, is live" \
    wait_until 10 ready bob
A1=$(post "$G" "$ALICE" "$TA" "alice's")
B1=$(post "$G" "$BOB" "$TB" "bob's")
check "bob's connection is bob's: it gets his tweet" \
    wait_until 10 has bob "\"tweetId\":\"$B1\""
check "and not alice's" lacks bob "\"tweetId\":\"$A1\""
stop_ws bob

# and the other way round
for i in 1 2 3; do half_upgrade "$TB" >/dev/null; done
out=$(ws_client "$GATEWAY_WS/ws" --timeout 5)
expect_eq "no token after bob's failed upgrades: still 401" "$out" "status 401"
watch alice "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
check "alice is live" wait_until 10 ready alice
A2=$(post "$G" "$ALICE" "$TA" "alice again")
B2=$(post "$G" "$BOB" "$TB" "bob again")
check "alice's connection is alice's" \
    wait_until 10 has alice "\"tweetId\":\"$A2\""
check "and not bob's" lacks alice "\"tweetId\":\"$B2\""
stop_ws alice

finish
