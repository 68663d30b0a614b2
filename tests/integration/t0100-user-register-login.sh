#!/usr/bin/env bash
# t0100: register, log in, look users up; a restart of chirp-userd loses
# nothing and keeps tokens valid.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB"

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'

http POST "$U/users/register" '{"username":"alice","password":"password123"}'
expect_status "register answers 201" 201
ALICE=$(jb .userId)
check "userId is a string of decimal digits" \
    jq -e '.userId | type == "string" and test("^[1-9][0-9]*$")' "$T/body"
expect_eq "register answers exactly userId and username" \
    "$(jq -c 'keys' "$T/body")" '["userId","username"]'
expect_eq "register returns the username" "$(jb .username)" alice

http POST "$U/users/register" '{"username":"ALICE","password":"password123"}'
expect_status "a name taken in another case is 409" 409 conflict
http POST "$U/users/register" '{"username":"alice","password":"other-password"}'
expect_status "the same name again is 409" 409 conflict

http POST "$U/users/register" '{"username":"Bob.Smith_1","password":"password123"}'
expect_status "a name with . _ digits and capitals registers" 201
BOB=$(jb .userId)
check "ids of different users differ" test "$ALICE" != "$BOB"

# login
http POST "$U/users/login" '{"username":"alice","password":"password123"}'
expect_status "login answers 200" 200
expect_eq "login answers userId, username, accessToken, expiresAt" \
    "$(jq -c 'keys' "$T/body")" '["accessToken","expiresAt","userId","username"]'
expect_eq "login gives the user's id" "$(jb .userId)" "$ALICE"
TOKEN=$(jb .accessToken)
EXP=$(jb .expiresAt)
check "expiresAt is RFC 3339 UTC with milliseconds" \
    grep -Eq "$RFC3339" <<<"$EXP"
days=$(( ($(date -d "$EXP" +%s) - $(date +%s)) / 86400 ))
check "the token lives 30 days by default" test "$days" -ge 29 -a "$days" -le 30

http POST "$U/users/login" '{"username":"BOB.smith_1","password":"password123"}'
expect_status "login ignores the case of the name" 200
expect_eq "login gives the stored spelling" "$(jb .username)" Bob.Smith_1
expect_eq "login by another case is the same user" "$(jb .userId)" "$BOB"

http POST "$U/users/login" '{"username":"alice","password":"wrong-password"}'
expect_status "a wrong password is 401" 401 unauthorized
WRONG=$(cat "$T/body")
http POST "$U/users/login" '{"username":"nobody","password":"password123"}'
expect_status "an unknown user is 401" 401 unauthorized
expect_eq "unknown user and wrong password get the same body" \
    "$(cat "$T/body")" "$WRONG"
http POST "$U/users/login" '{"username":"x","password":"p"}'
expect_status "a name that cannot exist is 401 as well" 401 unauthorized

# the user
http GET "$U/users/$ALICE"
expect_status "GET /users/{id} answers 200" 200
expect_eq "a user has docs/API.md's fields" \
    "$(jq -c 'keys' "$T/body")" \
    '["bio","createdAt","displayName","followersCount","followingsCount","tweetsCount","userId","username"]'
expect_eq "its id is the string" "$(jq -c .userId "$T/body")" "\"$ALICE\""
check "createdAt is RFC 3339 UTC with milliseconds" \
    grep -Eq "$RFC3339" <<<"$(jb .createdAt)"
expect_eq "counts are numbers, 0 for a new user" \
    "$(jq -c '[.followersCount, .followingsCount]' "$T/body")" '[0,0]'

http GET "$U/users/987654321"
expect_status "an unknown user id is 404" 404 not_found
http GET "$U/users/abc"
expect_status "a user id that is not a number is 400" 400 bad_request
http GET "$U/users/0"
expect_status "user id 0 is 400" 400 bad_request
http GET "$U/users/99999999999999999999"
expect_status "a user id past 64 bits is 400" 400 bad_request

# lookup by name
http GET "$U/users?username=bob.SMITH_1"
expect_status "lookup by name ignores case" 200
expect_eq "lookup returns the stored spelling" "$(jb .username)" Bob.Smith_1
expect_eq "lookup returns the user" "$(jb .userId)" "$BOB"
http GET "$U/users?username=nobody"
expect_status "lookup of an unknown name is 404" 404 not_found
http GET "$U/users"
expect_status "lookup without username is 400" 400 bad_request
http GET "$U/users?username=a%20b"
expect_status "lookup of an impossible name is 400" 400 bad_request

# request ids
http GET "$U/users/$ALICE" "" "X-Request-Id: t0100-request-42"
expect_eq "X-Request-Id is echoed" "$(hdr X-Request-Id)" t0100-request-42
http GET "$U/users/$ALICE"
check "an X-Request-Id is made when none is sent" test -n "$(hdr X-Request-Id)"
http POST "$U/users/login" '{"username":"alice","password":"bad"}' "X-Request-Id: t0100-err"
expect_eq "X-Request-Id is on errors too" "$(hdr X-Request-Id)" t0100-err

check "the log carries the request id" grep -q t0100-request-42 "$T/userd.log"
check "no password reaches the log" \
    sh -c "! grep -q password123 '$T/userd.log'"

# a restart loses nothing
follow "$U" "$ALICE" "$TOKEN" "$BOB"
expect_status "follow before the restart" 200
stop_proc userd
start_userd userd "$PORT" "$USERDB" --token_ttl 3600
http GET "$U/users/$ALICE"
expect_status "the user is there after a restart" 200
expect_eq "its follow is kept" "$(jb .followingsCount)" 1
http GET "$U/users/$BOB/followers"
expect_eq "the edge is kept" "$(jq -c .followers "$T/body")" "[\"$ALICE\"]"
follow "$U" "$ALICE" "$TOKEN" "$BOB"
expect_status "a token from before the restart still works" 200
http POST "$U/users/login" '{"username":"alice","password":"password123"}'
expect_status "login after a restart" 200
mins=$(( ($(date -d "$(jb .expiresAt)" +%s) - $(date +%s)) / 60 ))
check "token_ttl sets the lifetime" test "$mins" -ge 58 -a "$mins" -le 60
# an expired token
stop_proc userd
start_userd userd "$PORT" "$USERDB" --token_ttl 1
SHORT=$(login "$U" alice)
sleep 2.2
follow "$U" "$ALICE" "$SHORT" "$BOB"
expect_status "an expired token is 401" 401 unauthorized
follow "$U" "$ALICE" "$TOKEN" "$BOB"
expect_status "a token that has not expired still works" 200

http GET "$U/status"
expect_status "status is ok" 200
expect_eq "status names the service" "$(jq -c '[.status,.service]' "$T/body")" '["ok","user"]'

finish
