#!/usr/bin/env bash
# t0900: PATCH /users/{userId} through the gateway: the display name and
# bio, each limit exactly (code points, not bytes), control characters,
# invalid UTF-8, unknown fields and types, 401/403/404, and the new user
# fields on every read of a user (read your writes through the gateway).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob
P=$G/users/$ALICE AA=$(auth "$TA")
patch() { http PATCH "$P" "$1" "$AA"; }

http GET "$P"
expect_status "a user is readable" 200
expect_eq "displayName and bio are empty until set, no tweets" \
    "$(jb '[.displayName,.bio,.tweetsCount]|@json')" '["","",0]'

patch '{"displayName":"Alice A.","bio":"hello\nworld"}'
expect_status "PATCH both fields" 200
expect_eq "the answer is the whole user" \
    "$(jb '[.userId,.username,.displayName,.bio,.followersCount,.followingsCount,.tweetsCount]|@json')" \
    "[\"$ALICE\",\"alice\",\"Alice A.\",\"hello\\nworld\",0,0,0]"
check "the answer has createdAt" test "$(jb .createdAt)" != null
http GET "$P"
expect_eq "the next GET through the gateway shows it" \
    "$(jb '[.displayName,.bio]|@json')" '["Alice A.","hello\nworld"]'
http GET "$G/users?username=ALICE"
expect_eq "the lookup by name shows it" "$(jb .displayName)" "Alice A."

patch '{"bio":"only the bio"}'
expect_status "PATCH one field" 200
expect_eq "a field left out is unchanged" "$(jb '[.displayName,.bio]|@json')" \
    '["Alice A.","only the bio"]'
patch '{"displayName":""}'
expect_eq "an empty name clears it" "$(jb '[.displayName,.bio]|@json')" \
    '["","only the bio"]'

rep() { printf "%.0s$1" $(seq "$2"); }
patch "{\"displayName\":\"$(rep a 50)\"}"
expect_status "a name of 50 characters" 200
patch "{\"displayName\":\"$(rep é 50)\"}"
expect_status "a name of 50 two-byte characters (100 bytes)" 200
expect_eq "stored as sent" "$(jb .displayName)" "$(rep é 50)"
patch "{\"displayName\":\"$(rep 😀 50)\"}"
expect_status "a name of 50 four-byte characters" 200
refuses "a name of 51 characters is 400" 400 bad_request PATCH "$P" \
    "{\"displayName\":\"$(rep a 51)\"}" "$AA"
refuses "a name of 51 multi-byte characters is 400" 400 bad_request PATCH "$P" \
    "{\"displayName\":\"$(rep é 51)\"}" "$AA"
patch "{\"bio\":\"$(rep b 160)\"}"
expect_status "a bio of 160 characters" 200
patch "{\"bio\":\"$(rep ж 159)\\n\"}"
expect_status "a bio of 160 characters, one a line feed" 200
refuses "a bio of 161 characters is 400" 400 bad_request PATCH "$P" \
    "{\"bio\":\"$(rep b 161)\"}" "$AA"
refuses "a bio of 161 multi-byte characters is 400" 400 bad_request PATCH "$P" \
    "{\"bio\":\"$(rep ж 161)\"}" "$AA"

refuses "a line feed in the name is 400" 400 bad_request PATCH "$P" '{"displayName":"a\nb"}' "$AA"
for c in '\u0000' '\t' '\r' '\u001b' '\u007f' '\u0085' '\u009f'; do
	refuses "control character $c in the name is 400" 400 bad_request PATCH "$P" \
	    "{\"displayName\":\"a${c}b\"}" "$AA"
	refuses "control character $c in the bio is 400" 400 bad_request PATCH "$P" \
	    "{\"bio\":\"a${c}b\"}" "$AA"
done
refuses "a lone surrogate is 400" 400 "" PATCH "$P" '{"displayName":"a\ud800b"}' "$AA"
refuses "invalid UTF-8 is 400" 400 "" PATCH "$P" \
    "{\"displayName\":\"a$(printf '\xff')b\"}" "$AA"
refuses "an unknown field is 400" 400 bad_request PATCH "$P" '{"displayName":"x","username":"eve"}' "$AA"
refuses "a number is 400" 400 bad_request PATCH "$P" '{"displayName":5}' "$AA"
refuses "null is 400" 400 bad_request PATCH "$P" '{"bio":null}' "$AA"
refuses "an empty object is 400" 400 bad_request PATCH "$P" '{}' "$AA"
refuses "an empty body is 400" 400 "" PATCH "$P" "" "$AA"
refuses "an array is 400" 400 bad_request PATCH "$P" '["x"]' "$AA"
refuses "bad JSON is 400" 400 invalid_json PATCH "$P" '{"bio":' "$AA"
http GET "$P"
expect_eq "nothing refused changed anything" "$(jb '[.displayName,.bio]|@json')" \
    "[\"$(rep 😀 50)\",\"$(rep ж 159)\\n\"]"

refuses "no token is 401" 401 unauthorized PATCH "$P" '{"bio":"x"}'
refuses "a bad token is 401" 401 unauthorized PATCH "$P" '{"bio":"x"}' "$(auth nonsense)"
refuses "another user's token is 403" 403 forbidden PATCH "$P" '{"bio":"x"}' "$(auth "$TB")"
refuses "401 before 400" 401 unauthorized PATCH "$P" '{"nope":1}'
refuses "403 before 400" 403 forbidden PATCH "$P" '{"nope":1}' "$(auth "$TB")"
refuses "a non-decimal id is not you: 403, as for DELETE" 403 forbidden PATCH "$G/users/x1" '{"bio":"x"}' "$AA"
http DELETE "$G/users/$BOB" "" "$(auth "$TB")"
refuses "a deleted account's token is 401" 401 unauthorized PATCH "$G/users/$BOB" '{"bio":"x"}' "$(auth "$TB")"
refuses "PATCH an unknown user is 403 (not you) before 404" 403 forbidden \
    PATCH "$G/users/999999" '{"bio":"x"}' "$AA"
refuses "an unknown path is 404" 404 not_found PATCH "$P/bio" '{"bio":"x"}' "$AA"
http PUT "$P" '{"bio":"x"}' "$AA"
expect_status "PUT is 405" 405 method_not_allowed
check "Allow names PATCH" sh -c "echo '$(hdr Allow)' | grep -q PATCH"

finish
