#!/usr/bin/env bash
# t9510: follow-list cursors cannot be forged, and no cursor, forged or
# extreme, gets anything but 200 (one the server gave) or 400
# bad_request, through the gateway and straight at chirp-userd. The old
# cursor's check was an unkeyed hash anyone could compute: a made-up
# cursor with an extreme time reached the database and came back 500.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }

A=$(register "$GATEWAY" alice)
for u in bob carol dave erin; do
	id=$(register "$GATEWAY" "$u")
	tok=$(login "$GATEWAY" "$u")
	follow "$GATEWAY" "$id" "$tok" "$A"
done

http GET "$GATEWAY/users/$A/followers?limit=2"
expect_status "a first page" 200
NEXT=$(jb .nextCursor)
http GET "$GATEWAY/users/$A/followers?limit=2&cursor=$NEXT"
expect_status "the server's own cursor still works" 200
expect_eq "and gives the next page" "$(jb '.followers | length')" 2

# Cursors made by hand: the old layout with its unkeyed check (what
# anyone could make before), a keyed-looking one with a made-up tag, and
# plain garbage.
forged=$(/usr/bin/python3 - <<'PY'
import base64, hashlib, os, struct
def v1(t, i):
    b = bytes([1]) + struct.pack(">qq", t, i)
    return b + hashlib.blake2b(b, digest_size=16).digest()[:4]
def v2(t, i):
    return bytes([2]) + struct.pack(">qq", t, i) + os.urandom(16)
def enc(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
M, m = 2**63 - 1, -2**63
for t, i in [(M, M), (m, m), (M, 1), (m, 1), (-1, -1), (0, 0), (1, m),
             (253402300800000000, 1), (1764000000123456, 42)]:
    print(enc(v1(t, i)))
    print(enc(v2(t, i)))
print("A" * 63)
print("A" * 200)
print("%00")
print("AQ%00AAAA")
print("%FF%FE")
print("-_-_-_-_")
print("AQID" + "%2B%2F")
print("")
PY
)
n=0
while IFS= read -r c; do
	n=$((n + 1))
	for base in "$GATEWAY" "$USERD"; do
		for list in followers followings; do
			http GET "$base/users/$A/$list?cursor=$c"
			if [ -z "$c" ]; then
				# an empty cursor: a 400, or the first page
				case $HTTP_STATUS in 200|400) ok "empty cursor $base $list: $HTTP_STATUS";;
				*) not_ok "empty cursor $base $list" "got $HTTP_STATUS";; esac
				continue
			fi
			if [ "$base" = "$GATEWAY" ] && [ "$HTTP_STATUS" = 000 ] &&
			    [ "${c#*%00}" != "$c" ]; then
				# libwebsockets closes on a NUL in the
				# query: a clean close is a refusal too
				ok "forged cursor $n ($base $list): closed"
				continue
			fi
			expect_status "forged cursor $n ($base $list) is a 400" \
			    400 bad_request
		done
	done
done <<<"$forged"

http GET "$GATEWAY/users/$A/followers?limit=2&cursor=$NEXT"
expect_status "the services still answer after all that" 200
finish
