#!/usr/bin/env bash
# A live connection ends when its access token expires: the gateway closes
# it with 1008 "token expired" (a cheap periodic walk, not a timer per
# connection), and a connection whose token is still good stays open.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
ALICE=$(register "$G" alice); TA=$(login "$G" alice)

# a token for alice that expires in 3 s, signed like the user service's
short=$(/usr/bin/python3 - "$T/secret" "$ALICE" <<'PY'
import base64, hashlib, hmac, json, sys, time
secret = open(sys.argv[1], "rb").read().strip()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
h = b64(b'{"alg":"HS256","typ":"JWT"}')
p = b64(json.dumps({"sub": sys.argv[2], "name": "alice", "iat": now,
    "exp": now + 3}, separators=(",", ":")).encode())
sig = hmac.new(secret, (h + "." + p).encode(), hashlib.sha256).digest()
print(h + "." + p + "." + b64(sig))
PY
)

watch short "$GATEWAY_WS/ws" --header "$(auth "$short")" --timeout 30
watch long "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
check "the short-lived token's connection is live" \
    wait_until 10 grep -qF '{"type":"ready"}' "$T/short.ws"
check "the long-lived one too" \
    wait_until 10 grep -qF '{"type":"ready"}' "$T/long.ws"
check "the connection is closed with 1008 once the token expired" \
    wait_until 15 grep -qx 'close 1008' "$T/short.ws"
check "the other connection of the same user stays open" \
    sh -c "! grep -q '^close' '$T/long.ws'"
http POST "$G/tweets" "{\"userId\":\"$ALICE\",\"content\":\"still here\"}" "$(auth "$TA")"
TW=$(jb .tweetId)
check "and still gets its entries" \
    wait_until 10 grep -qF "\"tweetId\":\"$TW\"" "$T/long.ws"
check "the expired one got nothing after its close" \
    sh -c "! grep -qF '\"tweetId\":\"$TW\"' '$T/short.ws'"
stop_ws short long

finish
