#!/usr/bin/env bash
# t0120: every refusal of the Users routes: bad JSON, types, missing
# fields, 413, invalid UTF-8, the username and password rules, and the
# order 401, 403, 400, 404; 404 and 405 of the router.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB"

reg() { http POST "$U/users/register" "$1"; }

reg '{"username":"alice",'
expect_status "truncated JSON is 400 invalid_json" 400 invalid_json
reg 'not json'
expect_status "text is 400 invalid_json" 400 invalid_json
http POST "$U/users/register"
expect_status "an empty body is 400" 400
reg '["alice","password123"]'
expect_status "a JSON array is 400 bad_request" 400 bad_request
reg '{"username":"alice"}'
expect_status "a missing password is 400" 400 bad_request
reg '{"password":"password123"}'
expect_status "a missing username is 400" 400 bad_request
reg '{"username":42,"password":"password123"}'
expect_status "a number as username is 400" 400 bad_request
reg '{"username":"alice","password":12345678}'
expect_status "a number as password is 400" 400 bad_request
reg '{"username":null,"password":"password123"}'
expect_status "a null username is 400" 400 bad_request
reg "{\"username\":\"al$(printf '\xff')ce\",\"password\":\"password123\"}"
expect_status "invalid UTF-8 is 400" 400 invalid_json
big=$(head -c 66560 /dev/zero | tr '\0' a)
reg "{\"username\":\"alice\",\"password\":\"$big\"}"
expect_status "a 65 KiB body is 413" 413 payload_too_large

for name in ab "$(printf 'a%.0s' $(seq 33))" "bad name" "bad-name" "émile" \
    "" "al\u0000ce" "a/b"; do
	reg "{\"username\":\"$name\",\"password\":\"password123\"}"
	expect_status "username '$name' is 400" 400 bad_request
done
for name in abc "$(printf 'b%.0s' $(seq 32))" A.B_c9 ...; do
	reg "{\"username\":\"$name\",\"password\":\"password123\"}"
	expect_status "username '$name' registers" 201
done
reg '{"username":"shortpw","password":"1234567"}'
expect_status "a password of 7 bytes is 400" 400 bad_request
reg "{\"username\":\"longpw\",\"password\":\"$(printf 'p%.0s' $(seq 257))\"}"
expect_status "a password of 257 bytes is 400" 400 bad_request
reg '{"username":"pw8","password":"12345678"}'
expect_status "a password of 8 bytes registers" 201
reg "{\"username\":\"pw256\",\"password\":\"$(printf 'p%.0s' $(seq 256))\"}"
expect_status "a password of 256 bytes registers" 201
http GET "$U/users?username=pw8"
expect_status "nothing refused was stored: the good ones are" 200
http GET "$U/users?username=shortpw"
expect_status "a refused registration stored nothing" 404 not_found

http POST "$U/users/login" '{"username":"alice"}'
expect_status "login without password is 400" 400 bad_request
http POST "$U/users/login" '{"username":"alice","password":"x"'
expect_status "login with bad JSON is 400" 400 invalid_json

# the order of checks on "as userId" routes
A=$(register "$U" amy); B=$(register "$U" ben)
TA=$(login "$U" amy)
http POST "$U/users/$A/follow" "{\"followUserId\":\"$B\"}"
expect_status "follow without a token is 401" 401 unauthorized
http POST "$U/users/$A/follow" "{\"followUserId\":\"$B\"}" "Authorization: Bearer nonsense"
expect_status "follow with a bad token is 401" 401 unauthorized
http POST "$U/users/$A/follow" "{\"followUserId\":\"$B\"}" "Authorization: Bearer ${TA%?}x"
expect_status "a tampered token is 401" 401 unauthorized
http POST "$U/users/$A/follow" "{\"followUserId\":\"$B\"}" "Authorization: Basic Zm9vOmJhcg=="
expect_status "a non-bearer Authorization is 401" 401 unauthorized
http POST "$U/users/$A/follow" 'bad json'
expect_status "401 comes before 400" 401 unauthorized
follow "$U" "$B" "$TA" "$A"
expect_status "a token for another user is 403" 403 forbidden
http POST "$U/users/$B/follow" 'bad json' "$(auth "$TA")"
expect_status "403 comes before 400" 403 forbidden
http POST "$U/users/987654321/follow" '{"followUserId":"1"}' "$(auth "$TA")"
expect_status "403 comes before 404" 403 forbidden
http POST "$U/users/abc/follow" '{"followUserId":"1"}' "$(auth "$TA")"
expect_status "another path id, even not a number, is 403" 403 forbidden
http DELETE "$U/users/$B" "" "$(auth "$TA")"
expect_status "deleting another user's account is 403" 403 forbidden
http GET "$U/users/$B"
expect_status "and it is still there" 200
http DELETE "$U/users/$B/unfollow" "{\"unfollowUserId\":\"$A\"}"
expect_status "unfollow without a token is 401" 401 unauthorized
unfollow "$U" "$B" "$TA" "$A"
expect_status "unfollow for another user is 403" 403 forbidden

for body in 'bad json' '{}' '{"followUserId":2}' '{"followUserId":"abc"}' \
    '{"followUserId":"-1"}' '{"followUserId":"0"}' '{"followUserId":"01"}' \
    '{"followUserId":" 1"}' '{"followUserId":["1"]}' '{"followUserId":null}' \
    '{"followUserId":"99999999999999999999"}'; do
	http POST "$U/users/$A/follow" "$body" "$(auth "$TA")"
	expect_status "follow body $body is 400" 400
done
http POST "$U/users/$A/follow" '{"followUserId":"987654321"}' "$(auth "$TA")"
expect_status "400 checks passed, an unknown target is 404" 404 not_found
http DELETE "$U/users/$A/unfollow" "{\"unfollowUserId\":$B}" "$(auth "$TA")"
expect_status "unfollow with a number id is 400" 400 bad_request
http DELETE "$U/users/$A/unfollow" "{\"followUserId\":\"$B\"}" "$(auth "$TA")"
expect_status "unfollow needs unfollowUserId" 400 bad_request
http GET "$U/users/$A"
expect_eq "no refused follow made an edge" \
    "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[0,0]'

# the router
http GET "$U/nope"
expect_status "an unknown path is 404" 404 not_found
http GET "$U/users/$A/nope"
expect_status "an unknown sub-path is 404" 404 not_found
http PUT "$U/users/$A" '{}'
expect_status "PUT on a user is 405" 405 method_not_allowed
check "405 says Allow: GET, DELETE" sh -c "echo '$(hdr Allow)' | grep -q GET && echo '$(hdr Allow)' | grep -q DELETE"
http GET "$U/users/register"
expect_status "GET /users/register is 405" 405 method_not_allowed
expect_eq "it allows POST" "$(hdr Allow)" POST
http GET "$U/users/$A/follow"
expect_status "GET on follow is 405" 405 method_not_allowed
expect_eq "follow allows POST" "$(hdr Allow)" POST
http POST "$U/users/$A/unfollow" '{}'
expect_status "POST on unfollow is 405" 405 method_not_allowed
expect_eq "unfollow allows DELETE" "$(hdr Allow)" DELETE
http DELETE "$U/users/$A/followers"
expect_status "DELETE on followers is 405" 405 method_not_allowed
http GET "$U/internal/deletions/garbage" "" "$(svc_hdr tweetd userd)"
expect_status "a deletion query with a bad gid is 400" 400 bad_request
check "every error body is JSON with error and message" \
    jq -e '.error and .message' "$T/body"

finish
