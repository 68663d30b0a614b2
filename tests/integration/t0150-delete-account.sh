#!/usr/bin/env bash
# t0150: DELETE /users/{userId} removes the account, its edges both ways
# and its tweets, in both databases; announces user_deleted; refuses the
# token afterwards; changes nothing when chirp-tweetd cannot be reached.
. "$(dirname "$0")/../lib.sh"

start_core

bus_listen "$USERDB" chirp_user_events

A=$(register "$USERD" alice); B=$(register "$USERD" bob); C=$(register "$USERD" carol)
TA=$(login "$USERD" alice); TB=$(login "$USERD" bob); TC=$(login "$USERD" carol)
follow "$USERD" "$A" "$TA" "$B"; follow "$USERD" "$C" "$TC" "$A"; follow "$USERD" "$B" "$TB" "$C"
for i in 1 2 3; do post "$TWEETD" "$A" "$TA" "alice says $i" >/dev/null; done
expect_status "alice can post" 201
BT=$(post "$TWEETD" "$B" "$TB" "bob says hi")
expect_eq "alice has 3 tweets before" "$(tweets_of "$A")" 3
bus_mark setup >/dev/null

# tweetd down: 503 and nothing changed
stop_proc tweetd
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
expect_status "deletion with tweetd down is 503" 503 unavailable
http GET "$USERD/users/$A"
expect_status "the account is intact after a 503" 200
expect_eq "its edges are intact" "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[1,1]'
expect_eq "its tweets are intact" "$(tweets_of "$A")" 3
expect_eq "no event for a failed deletion" "$(bus_mark failed)" ""
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB"

http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
expect_status "DELETE /users/{id} answers 200" 200
check "it answers a message" jq -e '.message | type == "string"' "$T/body"
expect_eq "user_deleted is announced" "$(bus_mark deleted)" \
    "{\"type\":\"user_deleted\",\"userId\":\"$A\"}"

http GET "$USERD/users/$A"
expect_status "the user is gone" 404 not_found
http GET "$USERD/users?username=alice"
expect_status "the name finds nobody" 404 not_found
http POST "$USERD/users/login" '{"username":"alice","password":"password123"}'
expect_status "login is refused" 401 unauthorized
follow "$USERD" "$A" "$TA" "$B"
expect_status "the old token is refused (401)" 401 unauthorized
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
expect_status "a second deletion with the old token is 401" 401 unauthorized
post "$TWEETD" "$A" "$TA" "from beyond" >/dev/null
check "tweetd refuses the deleted account's post" test "$HTTP_STATUS" != 201

expect_eq "no edge of alice is left" \
    "$(sql "$USERDB" "SELECT count(*) FROM follows WHERE follower_id = $A OR followee_id = $A")" 0
http GET "$USERD/users/$B"
expect_eq "bob lost a follower, kept his following" \
    "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[0,1]'
http GET "$USERD/users/$C"
expect_eq "carol lost a following, kept her follower" \
    "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[1,0]'
http GET "$USERD/users/$C/followings"
expect_eq "carol's followings no longer list alice" "$(jq -c .followings "$T/body")" '[]'
http GET "$USERD/internal/followings/$A" "" "$(svc_hdr tweetd userd)"
expect_status "internal followings of the deleted user is 404" 404 not_found

expect_eq "alice's tweets are gone from the tweet database" "$(tweets_of "$A")" 0
expect_eq "bob's tweet is kept" "$(tweets_of "$B")" 1
http GET "$TWEETD/tweets/$BT"
expect_status "bob's tweet still answers" 200
expect_eq "no prepared transaction is left" "$(prepared)" 0
expect_eq "the decision is logged commit and done" \
    "$(sql "$USERDB" "SELECT decision || ' ' || done FROM deletion_log WHERE user_id = $A AND decision = 'commit'")" \
    "commit true"

# the decision endpoint
GID=$(sql "$USERDB" "SELECT gid FROM deletion_log WHERE user_id = $A AND decision = 'commit'")
http GET "$USERD/internal/deletions/$GID" "" "$(svc_hdr tweetd userd)"
expect_status "the decision of a deletion answers 200" 200
expect_eq "it is commit" "$(jb .decision)" commit
http GET "$USERD/internal/deletions/chirp_del_${B}_0123456789abcdef" "" "$(svc_hdr tweetd userd)"
expect_eq "an unknown gid is abort" "$(jb .decision)" abort
http GET "$USERD/internal/deletions/chirp_del_${B}_0123456789abcdef" "" "$(svc_hdr tweetd userd)"
expect_eq "and stays abort" "$(jb .decision)" abort

# the name is free again; an account without tweets or edges deletes too
NEW=$(register "$USERD" alice)
check "the name can be registered again, as a new user" test -n "$NEW" -a "$NEW" != "$A"
TN=$(login "$USERD" alice)
http DELETE "$USERD/users/$NEW" "" "$(auth "$TN")"
expect_status "an account with no tweets deletes" 200
http DELETE "$USERD/users/$B" "" "$(auth "$TA")"
expect_status "a deleted user's token cannot delete others (401)" 401 unauthorized
http GET "$USERD/users/$B"
expect_status "bob is untouched" 200

http GET "$USERD/metrics"
check "metrics count the deletions by result" \
    grep -Eq '^chirp_user_deletions_total\{.*result="ok"\} 2$' "$T/body"
check "metrics count the refused deletion" \
    grep -Eq '^chirp_user_deletions_total\{.*result="unavailable"\} 1$' "$T/body"

echo '\q' >&"${LSN[1]}"
finish
