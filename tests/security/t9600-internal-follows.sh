#!/usr/bin/env bash
# t9600: userd's GET /internal/follows (the follow graph for tweetd's
# replica) is for tweetd's service credential only, bounded by limit, and
# refuses bad cursors with 400; the gateway never routes it. tweetd's
# replica and feed tables are not reachable from outside.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
A=$(register "$GATEWAY" amy); TA=$(login "$GATEWAY" amy)
B=$(register "$GATEWAY" ben)
C=$(register "$GATEWAY" cat)
follow "$GATEWAY" "$A" "$TA" "$B"
follow "$GATEWAY" "$A" "$TA" "$C"

U="$USERD/internal/follows"
http GET "$U"
expect_status "no credential: 401" 401 unauthorized
http GET "$U" "" "$(auth "$TA")"
expect_status "a user's token: 401" 401 unauthorized
http GET "$U" "" "$(svc_hdr gateway userd)"
expect_status "the gateway's credential: 403" 403 forbidden
http GET "$U" "" "$(svc_hdr tweetd userd)"
expect_status "tweetd's credential: 200" 200
expect_eq "every edge, in key order" "$(jb '[.follows[]|join(">")]|join(",")')" "$A>$B,$A>$C"
http GET "$U?limit=1" "" "$(svc_hdr tweetd userd)"
expect_eq "limit=1: one edge" "$(jb '.follows|length')" 1
http GET "$U?afterFollower=$A&afterFollowee=$B" "" "$(svc_hdr tweetd userd)"
expect_eq "after an edge: the next" "$(jb '[.follows[]|join(">")]|join(",")')" "$A>$C"
for q in limit=0 limit=1001 limit=x afterFollower=-1 afterFollower=abc \
    "afterFollowee=1%27%3B" afterFollower=99999999999999999999; do
	http GET "$U?$q" "" "$(svc_hdr tweetd userd)"
	expect_status "?$q: 400" 400 bad_request
done
http GET "$GATEWAY/internal/follows" "" "$(svc_hdr tweetd userd)"
check "the gateway does not route it" test "$HTTP_STATUS" != 200

finish
