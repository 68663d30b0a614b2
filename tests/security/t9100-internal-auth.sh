#!/usr/bin/env bash
# t9100: internal routes (userd /internal/..., tweetd /internal/...,
# discovery's POST and DELETE /services) need a service credential of a
# process allowed that route (X-Chirp-Service, svcauth.h): none, a user's
# access token, another installation's, an expired one or one for another
# audience is 401; a valid one of a process not allowed is 403. The gateway
# never routes /internal/... from a client.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
A=$(register "$GATEWAY" amy); TA=$(login "$GATEWAY" amy)
B=$(register "$GATEWAY" ben)
follow "$GATEWAY" "$A" "$TA" "$B"
expect_status "amy follows ben" 200

# refused ROUTE_DESC METHOD URL BODY: every wrong credential, each 401.
refused() {
	local d=$1 m=$2 u=$3 b=$4 aud=$5 good=$6
	http "$m" "$u" "$b"
	expect_status "$d without a credential: 401" 401 unauthorized
	http "$m" "$u" "$b" "X-Chirp-Service: $TA"
	expect_status "$d with a user's access token as credential: 401" 401 unauthorized
	http "$m" "$u" "$b" "$(auth "$TA")"
	expect_status "$d with a user's bearer token: 401" 401 unauthorized
	http "$m" "$u" "$b" "X-Chirp-Service: garbage.garbage.garbage"
	expect_status "$d with garbage: 401" 401 unauthorized
	http "$m" "$u" "$b" "$(svc_hdr "$good" "$aud" 300)"
	expect_status "$d with an expired credential: 401" 401 unauthorized
	http "$m" "$u" "$b" "$(svc_hdr "$good" gateway)"
	expect_status "$d with a credential for another audience: 401" 401 unauthorized
	http "$m" "$u" "$b" "X-Chirp-Service: $(CHIRP_SERVICE_SECRET=another-installation-secret-of-32-bytes svc_token "$good" "$aud")"
	expect_status "$d with another secret's credential: 401" 401 unauthorized
}

# --- userd ---------------------------------------------------------------

refused "userd followings" GET "$USERD/internal/followings/$A" "" userd tweetd
http GET "$USERD/internal/followings/$A" "" "$(svc_hdr notifyd userd)"
expect_status "userd followings for notifyd: 403" 403 forbidden
http GET "$USERD/internal/followings/$A" "" "$(svc_hdr gateway userd)"
expect_status "userd followings for the gateway: 200" 200
expect_eq "... the list" "$(jb '.followings | join(",")')" "$B"
http GET "$USERD/internal/followings/$A" "" "$(svc_hdr tweetd userd)"
expect_status "userd followings for tweetd: 200" 200

GID="chirp_del_${A}_0123456789abcdef"
refused "userd deletion decision" GET "$USERD/internal/deletions/$GID" "" userd tweetd
http GET "$USERD/internal/deletions/$GID" "" "$(svc_hdr gateway userd)"
expect_status "a deletion decision for the gateway: 403" 403 forbidden
expect_eq "no decision was recorded by the refused calls" \
    "$(sql "$USERDB" "SELECT count(*) FROM deletion_log")" 0
http GET "$USERD/internal/deletions/$GID" "" "$(svc_hdr tweetd userd)"
expect_status "a deletion decision for tweetd: 200" 200

refused "userd revocations" GET "$USERD/internal/revocations" "" userd tweetd
http GET "$USERD/internal/revocations" "" "$(svc_hdr discoveryd userd)"
expect_status "userd revocations for discoveryd: 403" 403 forbidden
http GET "$USERD/internal/revocations" "" "$(svc_hdr gateway userd)"
expect_status "userd revocations for the gateway: 200" 200
http GET "$USERD/internal/revocations" "" "$(svc_hdr tweetd userd)"
expect_status "userd revocations for tweetd: 200" 200

# --- tweetd --------------------------------------------------------------

BODY="{\"gid\":\"chirp_del_${B}_0123456789abcdef\",\"userId\":\"$B\"}"
refused "tweetd prepare" POST "$TWEETD/internal/deletions" "$BODY" tweetd userd
http POST "$TWEETD/internal/deletions" "$BODY" "$(svc_hdr gateway tweetd)"
expect_status "tweetd prepare with the gateway's credential: 403" 403 forbidden
http POST "$TWEETD/internal/deletions" "$BODY" "$(svc_hdr tweetd tweetd)"
expect_status "tweetd prepare with its own credential: 403" 403 forbidden
expect_eq "nothing was prepared" "$(prepared)" 0
refused "tweetd commit" POST "$TWEETD/internal/deletions/chirp_del_${B}_0123456789abcdef/commit" "" tweetd userd
refused "tweetd abort" POST "$TWEETD/internal/deletions/chirp_del_${B}_0123456789abcdef/abort" "" tweetd userd
http POST "$TWEETD/internal/deletions/chirp_del_${B}_0123456789abcdef/abort" "" "$(svc_hdr userd tweetd)"
expect_status "tweetd abort with userd's credential: 200" 200
http GET "$TWEETD/internal/deletions" "" "$(svc_hdr userd tweetd)"
expect_status "a wrong method is 405 before any credential check" 405 method_not_allowed

# --- discovery -----------------------------------------------------------

INST='{"serviceType":"user","serviceHost":"10.9.9.9","servicePort":9999}'
refused "discovery register" POST "$DISCOVERY/services" "$INST" discovery userd
refused "discovery deregister" DELETE "$DISCOVERY/services" "$INST" discovery userd
http POST "$DISCOVERY/services" "$INST" "$(svc_hdr gateway discovery)"
expect_status "discovery register with the gateway's credential: 403" 403 forbidden
http GET "$DISCOVERY/services"
expect_status "discovery's list is public" 200
expect_eq "no refused instance was listed" "$(jb '[.userServices[] | select(.port == 9999)] | length')" 0
http POST "$DISCOVERY/services" "$INST" "$(svc_hdr userd discovery)"
expect_status "discovery register with userd's credential: 201" 201
http DELETE "$DISCOVERY/services" "$INST" "$(svc_hdr tweetd discovery)"
expect_status "discovery deregister with tweetd's credential: 200" 200

# --- the gateway never routes /internal/ ----------------------------------

for p in "/internal/followings/$A" "/internal/deletions/$GID" \
    "/internal/revocations" "/internal/deletions"; do
	http GET "$GATEWAY$p" "" "$(svc_hdr gateway userd)"
	expect_status "gateway GET $p: 404" 404 not_found
done
http POST "$GATEWAY/internal/deletions" "$BODY" "$(svc_hdr userd tweetd)"
expect_status "gateway POST /internal/deletions: 404" 404 not_found
code=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' \
    "$GATEWAY/users/../internal/followings/$A")
check "a dot-dot path does not reach /internal/ ($code)" \
    test "$code" != 200
code=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' \
    "$GATEWAY//internal/followings/$A")
check "a double-slash path does not reach /internal/ ($code)" \
    test "$code" != 200

# --- the services still work together -------------------------------------

T1=$(http POST "$GATEWAY/tweets" "{\"userId\":\"$B\",\"content\":\"hi\"}" "$(auth "$(login "$GATEWAY" ben)")"; jb .tweetId)
http GET "$GATEWAY/tweets/homeTimeline/$A" "" "$(auth "$TA")"
expect_status "a home timeline (tweetd asks userd for followings)" 200
expect_eq "... holds ben's tweet" "$(jb '.tweets[0].tweetId')" "$T1"

finish
