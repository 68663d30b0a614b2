#!/usr/bin/env bash
# Every public route of docs/API.md through the gateway, with request ids,
# 404/405/413 and the early 401 decided at the gateway.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY

http GET "$G/status"
expect_status "gateway status is ok with both services up" 200
expect_eq "status names the gateway" "$(jb .service)" gateway

# users
http POST "$G/users/register" '{"username":"alice","password":"password123"}'
expect_status "register through the gateway" 201
ALICE=$(jb .userId)
check "the answer carries a request id" test -n "$(hdr X-Request-Id)"
http POST "$G/users/register" '{"username":"bob","password":"password123"}'
BOB=$(jb .userId)
http POST "$G/users/register" '{"username":"bob","password":"password123"}'
expect_status "duplicate username is the service's 409" 409 conflict

http POST "$G/users/login" '{"username":"alice","password":"password123"}'
expect_status "login through the gateway" 200
TA=$(jb .accessToken)
TB=$(login "$G" bob)

http GET "$G/users/$ALICE"
expect_status "get a user" 200
expect_eq "the user is alice" "$(jb .username)" alice
http GET "$G/users?username=BOB"
expect_status "look a user up by name" 200
expect_eq "lookup by name ignores case" "$(jb .userId)" "$BOB"

http POST "$G/users/$ALICE/follow" "{\"followUserId\":\"$BOB\"}"
expect_status "follow without a token is refused at the gateway" 401 unauthorized
http POST "$G/users/$ALICE/follow" "{\"followUserId\":\"$BOB\"}" "Authorization: Bearer nonsense"
expect_status "follow with a bad token is refused" 401 unauthorized
follow "$G" "$ALICE" "$TB" "$BOB"
expect_status "follow as someone else is the service's 403" 403 forbidden
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "follow" 200

http GET "$G/users/$ALICE/followings"
expect_status "followings" 200
expect_eq "alice follows bob" "$(jb '.followings | join(",")')" "$BOB"
http GET "$G/users/$BOB/followers"
expect_status "followers" 200
expect_eq "bob is followed by alice" "$(jb '.followers | join(",")')" "$ALICE"
http GET "$G/users/$BOB/followers?limit=0"
expect_status "a bad limit is the service's 400 (query passed on)" 400 bad_request

# tweets
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"hello from bob\"}" "$(auth "$TB")"
expect_status "post a tweet" 201
T1=$(jb .tweetId)
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"once\"}" "$(auth "$TB")" "Idempotency-Key: k-1"
expect_status "post with an idempotency key" 201
T2=$(jb .tweetId)
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"once\"}" "$(auth "$TB")" "Idempotency-Key: k-1"
expect_eq "the idempotency key reaches the service" "$(jb .tweetId)" "$T2"

http GET "$G/tweets/$T1"
expect_status "get a tweet" 200
expect_eq "the tweet's content" "$(jb .content)" "hello from bob"
http GET "$G/tweets/userTimeline/$BOB"
expect_status "user timeline" 200
expect_eq "bob's timeline" "$(jb '[.tweets[].tweetId] | join(",")')" "$T2,$T1"
http GET "$G/tweets/homeTimeline/$ALICE"
expect_status "home timeline without a token" 401 unauthorized
http GET "$G/tweets/homeTimeline/$ALICE?limit=1" "" "$(auth "$TA")"
expect_status "home timeline" 200
expect_eq "home timeline paged by limit" "$(jb '[.tweets[].tweetId] | join(",")')" "$T2"
http DELETE "$G/tweets/$T1" "" "$(auth "$TA")"
expect_status "delete someone else's tweet" 403 forbidden
http DELETE "$G/tweets/$T1" "" "$(auth "$TB")"
expect_status "delete a tweet" 200
http GET "$G/tweets/$T1"
expect_status "the deleted tweet is gone" 404 not_found

unfollow "$G" "$ALICE" "$TA" "$BOB"
expect_status "unfollow (a DELETE with a body)" 200
http GET "$G/users/$ALICE/followings"
expect_eq "the unfollow shows" "$(jb '.followings | length')" 0

# request ids
http GET "$G/users/$BOB" "" "X-Request-Id: my-request-42"
expect_eq "the client's request id comes back" "$(hdr X-Request-Id)" my-request-42
check "the service saw the same request id" grep -q my-request-42 "$T/userd.log"

# decided at the gateway
http GET "$G/nowhere"
expect_status "unknown path" 404 not_found
http PUT "$G/users/$BOB"
expect_status "wrong method" 405 method_not_allowed
expect_eq "405 says what is allowed" "$(hdr Allow)" "GET, DELETE, PATCH"
http GET "$G/users/register"
expect_status "GET on register is a wrong method, not a user id" 405 method_not_allowed
http DELETE "$G/nowhere" "" "Authorization: Bearer nonsense"
expect_status "unknown path is 404 before auth" 404 not_found
big=$(head -c 70000 /dev/zero | tr '\0' a)
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"$big\"}" "$(auth "$TB")"
expect_status "a body over 64 KiB" 413 payload_too_large
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"$big\"}"
expect_status "no token comes before the size" 401 unauthorized
http GET "$G/metrics"
expect_status "metrics" 200
check "metrics count requests by route" grep -q 'route="/users/{id}"' "$T/body"

c=$(curl -s --http2 -o /dev/null -w '%{http_code}' --max-time 5 "$G/users/$ALICE")
expect_eq "a client asking for h2c (curl --http2) is served in HTTP/1.1" "$c" 200

http DELETE "$G/users/$BOB" "" "$(auth "$TB")"
expect_status "delete an account" 200
http GET "$G/users/$BOB"
expect_status "the account is gone" 404 not_found

finish
