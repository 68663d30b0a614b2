#!/usr/bin/env bash
# t0120: every refusal of the Users routes: bad JSON, types, missing
# fields, 413, invalid UTF-8, the username and password rules, and the
# order 401, 403, 400, 404; 404 and 405 of the router.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB"

R=$U/users/register
reg() { http POST "$R" "$1"; }

refuses "truncated JSON is 400 invalid_json" 400 invalid_json POST "$R" '{"username":"alice",'
refuses "text is 400 invalid_json" 400 invalid_json POST "$R" 'not json'
refuses "an empty body is 400" 400 "" POST "$R"
refuses "a JSON array is 400 bad_request" 400 bad_request POST "$R" '["alice","password123"]'
refuses "a missing password is 400" 400 bad_request POST "$R" '{"username":"alice"}'
refuses "a missing username is 400" 400 bad_request POST "$R" '{"password":"password123"}'
refuses "a number as username is 400" 400 bad_request POST "$R" '{"username":42,"password":"password123"}'
refuses "a number as password is 400" 400 bad_request POST "$R" '{"username":"alice","password":12345678}'
refuses "a null username is 400" 400 bad_request POST "$R" '{"username":null,"password":"password123"}'
refuses "invalid UTF-8 is 400" 400 invalid_json \
    POST "$R" "{\"username\":\"al$(printf '\xff')ce\",\"password\":\"password123\"}"
big=$(head -c 66560 /dev/zero | tr '\0' a)
refuses "a 65 KiB body is 413" 413 payload_too_large POST "$R" "{\"username\":\"alice\",\"password\":\"$big\"}"

for name in ab "$(printf 'a%.0s' $(seq 33))" "bad name" "bad-name" "émile" \
    "" "al\u0000ce" "a/b"; do
	refuses "username '$name' is 400" 400 bad_request POST "$R" "{\"username\":\"$name\",\"password\":\"password123\"}"
done
for name in abc "$(printf 'b%.0s' $(seq 32))" A.B_c9 ...; do
	reg "{\"username\":\"$name\",\"password\":\"password123\"}"
	expect_status "username '$name' registers" 201
done
refuses "a password of 7 bytes is 400" 400 bad_request POST "$R" '{"username":"shortpw","password":"1234567"}'
refuses "a password of 257 bytes is 400" 400 bad_request \
    POST "$R" "{\"username\":\"longpw\",\"password\":\"$(printf 'p%.0s' $(seq 257))\"}"
reg '{"username":"pw8","password":"12345678"}'
expect_status "a password of 8 bytes registers" 201
reg "{\"username\":\"pw256\",\"password\":\"$(printf 'p%.0s' $(seq 256))\"}"
expect_status "a password of 256 bytes registers" 201
http GET "$U/users?username=pw8"
expect_status "nothing refused was stored: the good ones are" 200
refuses "a refused registration stored nothing" 404 not_found GET "$U/users?username=shortpw"

refuses "login without password is 400" 400 bad_request POST "$U/users/login" '{"username":"alice"}'
refuses "login with bad JSON is 400" 400 invalid_json POST "$U/users/login" '{"username":"alice","password":"x"'

# the order of checks on "as userId" routes
A=$(register "$U" amy); B=$(register "$U" ben)
TA=$(login "$U" amy)
F=$U/users/$A/follow AA=$(auth "$TA")
refuses "follow without a token is 401" 401 unauthorized POST "$F" "{\"followUserId\":\"$B\"}"
refuses "follow with a bad token is 401" 401 unauthorized \
    POST "$F" "{\"followUserId\":\"$B\"}" "Authorization: Bearer nonsense"
refuses "a tampered token is 401" 401 unauthorized \
    POST "$F" "{\"followUserId\":\"$B\"}" "Authorization: Bearer ${TA%?}x"
refuses "a non-bearer Authorization is 401" 401 unauthorized \
    POST "$F" "{\"followUserId\":\"$B\"}" "Authorization: Basic Zm9vOmJhcg=="
refuses "401 comes before 400" 401 unauthorized POST "$F" 'bad json'
follow "$U" "$B" "$TA" "$A"
expect_status "a token for another user is 403" 403 forbidden
refuses "403 comes before 400" 403 forbidden POST "$U/users/$B/follow" 'bad json' "$AA"
refuses "403 comes before 404" 403 forbidden POST "$U/users/987654321/follow" '{"followUserId":"1"}' "$AA"
refuses "another path id, even not a number, is 403" 403 forbidden \
    POST "$U/users/abc/follow" '{"followUserId":"1"}' "$AA"
refuses "deleting another user's account is 403" 403 forbidden DELETE "$U/users/$B" "" "$AA"
http GET "$U/users/$B"
expect_status "and it is still there" 200
refuses "unfollow without a token is 401" 401 unauthorized DELETE "$U/users/$B/unfollow" "{\"unfollowUserId\":\"$A\"}"
unfollow "$U" "$B" "$TA" "$A"
expect_status "unfollow for another user is 403" 403 forbidden

for body in 'bad json' '{}' '{"followUserId":2}' '{"followUserId":"abc"}' \
    '{"followUserId":"-1"}' '{"followUserId":"0"}' '{"followUserId":"01"}' \
    '{"followUserId":" 1"}' '{"followUserId":["1"]}' '{"followUserId":null}' \
    '{"followUserId":"99999999999999999999"}'; do
	refuses "follow body $body is 400" 400 "" POST "$F" "$body" "$AA"
done
refuses "400 checks passed, an unknown target is 404" 404 not_found \
    POST "$F" '{"followUserId":"987654321"}' "$AA"
refuses "unfollow with a number id is 400" 400 bad_request \
    DELETE "$U/users/$A/unfollow" "{\"unfollowUserId\":$B}" "$AA"
refuses "unfollow needs unfollowUserId" 400 bad_request \
    DELETE "$U/users/$A/unfollow" "{\"followUserId\":\"$B\"}" "$AA"
http GET "$U/users/$A"
expect_eq "no refused follow made an edge" \
    "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[0,0]'

# the router
refuses "an unknown path is 404" 404 not_found GET "$U/nope"
refuses "an unknown sub-path is 404" 404 not_found GET "$U/users/$A/nope"
refuses "PUT on a user is 405" 405 method_not_allowed PUT "$U/users/$A" '{}'
check "405 says Allow: GET, DELETE" sh -c "echo '$(hdr Allow)' | grep -q GET && echo '$(hdr Allow)' | grep -q DELETE"
refuses "GET /users/register is 405" 405 method_not_allowed GET "$R"
expect_eq "it allows POST" "$(hdr Allow)" POST
refuses "GET on follow is 405" 405 method_not_allowed GET "$F"
expect_eq "follow allows POST" "$(hdr Allow)" POST
refuses "POST on unfollow is 405" 405 method_not_allowed POST "$U/users/$A/unfollow" '{}'
expect_eq "unfollow allows DELETE" "$(hdr Allow)" DELETE
refuses "DELETE on followers is 405" 405 method_not_allowed DELETE "$U/users/$A/followers"
refuses "a deletion query with a bad gid is 400" 400 bad_request \
    GET "$U/internal/deletions/garbage" "" "$(svc_hdr tweetd userd)"
check "every error body is JSON with error and message" \
    jq -e '.error and .message' "$T/body"

finish
