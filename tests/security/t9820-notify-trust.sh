#!/usr/bin/env bash
# t9820: chirp-notifyd's trust boundaries. Its internal routes take the
# gateway's service credential only (401 without one, 403 for another
# process); its own credential opens userd's and tweetd's event logs and
# nothing more; a forged event on the bus makes no notification; a
# revoked token reads nothing; hostile input gets a 4xx and changes
# nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
N=$NOTIFYD
accounts "$USERD" amy ben

# --- internal routes -----------------------------------------------------------
for path in "/internal/events?after=0" "/internal/feed?after=0&authors=$AMY"; do
	refuses "$path without a credential: 401" 401 unauthorized GET "$N$path"
	refuses "$path with a user's token: 401" 401 unauthorized GET "$N$path" "" "$(auth "$TA")"
	refuses "$path with a forged credential: 401" 401 unauthorized GET "$N$path" "" \
	    "X-Chirp-Service: v1.forged"
	refuses "$path with a credential for another audience: 401" 401 unauthorized \
	    GET "$N$path" "" "$(svc_hdr gateway tweetd)"
	for who in userd tweetd notifyd; do
		refuses "$path as $who: 403" 403 forbidden GET "$N$path" "" "$(svc_hdr "$who" notifyd)"
	done
	http GET "$N$path" "" "$(svc_hdr gateway notifyd)"
	expect_status "$path as the gateway: 200" 200
done
refuses "feed without authors: 400" 400 bad_request GET "$N/internal/feed?after=0" "" "$(svc_hdr gateway notifyd)"
refuses "feed with a bad author: 400" 400 bad_request GET "$N/internal/feed?after=0&authors=1,x" "" "$(svc_hdr gateway notifyd)"
refuses "feed with an empty author: 400" 400 bad_request GET "$N/internal/feed?after=0&authors=1,,2" "" "$(svc_hdr gateway notifyd)"
many=$(seq 1 101 | paste -sd, -)
refuses "feed with 101 authors: 400" 400 bad_request GET "$N/internal/feed?after=0&authors=$many" "" "$(svc_hdr gateway notifyd)"
refuses "events with after=-1: 400" 400 bad_request GET "$N/internal/events?after=-1" "" "$(svc_hdr gateway notifyd)"
refuses "events with limit 1001: 400" 400 bad_request GET "$N/internal/events?after=0&limit=1001" "" "$(svc_hdr gateway notifyd)"

# notifyd's credential at the other services
http GET "$USERD/internal/events?after=0" "" "$(svc_hdr notifyd userd)"
expect_status "notifyd reads userd's event log" 200
http GET "$TWEETD/internal/events?after=0" "" "$(svc_hdr notifyd tweetd)"
expect_status "notifyd reads tweetd's event log" 200
http GET "$USERD/internal/revocations" "" "$(svc_hdr notifyd userd)"
expect_status "notifyd reads userd's revocations" 200
refuses "notifyd may not read userd's follow edges" 403 forbidden GET "$USERD/internal/follows" "" "$(svc_hdr notifyd userd)"
refuses "notifyd may not take part in deletions" 403 forbidden POST "$TWEETD/internal/deletions" '{}' "$(svc_hdr notifyd tweetd)"
refuses "notifyd may not read a tweetd feed" 403 forbidden GET "$TWEETD/internal/feed/$AMY?after=0" "" "$(svc_hdr notifyd tweetd)"

# --- a forged follow on the bus ----------------------------------------------------
ROLE=chirp_bus_t9820
admin "DO \$\$ BEGIN CREATE ROLE $ROLE LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
notify() {
	echo "SELECT pg_notify(:'ch', :'p');" |
	    psql -X -q -d "${1%user=postgres}user=$ROLE" -v ch="$2" -v p="$3" >/dev/null
}
FOLLOW="{\"type\":\"follow\",\"userId\":\"$BEN\",\"targetId\":\"$AMY\",\"username\":\"ben\",\"seq\":1}"
notify "$USERDB" chirp_user_events "$FOLLOW"
notify "$USERDB" chirp_user_events \
    "$(CHIRP_SERVICE_SECRET=a-guess-at-the-secret-that-is-32-bytes "$CHIRP_TOOLS/svc-token" --seal chirp_user_events "$FOLLOW")"
check "notifyd rejected both" wait_until 10 \
    sh -c "[ \"\$(curl -s $N/metrics | awk '/^chirp_bus_events_rejected_total/ {print \$2}')\" = 2 ]"
sleep 1.2
http GET "$N/notifications" "" "$(auth "$TA")"
expect_eq "a forged follow makes no notification" "$(jb '.notifications | length')" 0
expect_eq "nor moves the position" "$(sql "$NOTIFYDB" "SELECT seq FROM source_state WHERE owner = 'user'")" \
    "$(sql "$USERDB" "SELECT coalesce(max(seq), 0) FROM event_log")"

# --- hostile input -------------------------------------------------------------------
follow "$USERD" "$BEN" "$TB" "$AMY"
check "a real follow is notified" wait_until 5 \
    sh -c "curl -s -H 'Authorization: Bearer $TA' $N/notifications | jq -e '.notifications | length == 1'"
before=$(sql "$NOTIFYDB" "SELECT count(*) FILTER (WHERE read) FROM notifications")
refuses "upTo past 64 bits: 400" 400 bad_request POST "$N/notifications/read" '{"upTo":"99999999999999999999"}' "$(auth "$TA")"
refuses "upTo 0: 400" 400 bad_request POST "$N/notifications/read" '{"upTo":"0"}' "$(auth "$TA")"
refuses "upTo with a NUL escape: 400" 400 bad_request POST "$N/notifications/read" '{"upTo":"1\u0000"}' "$(auth "$TA")"
refuses "upTo null: 400" 400 bad_request POST "$N/notifications/read" '{"upTo":null}' "$(auth "$TA")"
refuses "a JSON array: 400" 400 bad_request POST "$N/notifications/read" '["upTo"]' "$(auth "$TA")"
refuses "duplicate upTo members: 400" 400 "" POST "$N/notifications/read" '{"upTo":"1","upTo":"999"}' "$(auth "$TA")"
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
refuses "a body over 64 KiB: 413" 413 payload_too_large POST "$N/notifications/read" "{\"upTo\":\"$big\"}" "$(auth "$TA")"
refuses "before past 64 bits: 400" 400 bad_request GET "$N/notifications?before=99999999999999999999" "" "$(auth "$TA")"
refuses "limit with spaces: 400" 400 bad_request GET "$N/notifications?limit=%201" "" "$(auth "$TA")"
expect_eq "none of it marked anything read" \
    "$(sql "$NOTIFYDB" "SELECT count(*) FILTER (WHERE read) FROM notifications")" "$before"
# another user's read mark never touches amy's
http POST "$N/notifications/read" "{\"upTo\":\"999999999\"}" "$(auth "$TB")"
expect_status "ben marks his own" 200
http GET "$N/notifications" "" "$(auth "$TA")"
expect_eq "amy's stays unread" "$(jb .unread)" 1

# --- a revoked token --------------------------------------------------------------------
TA_OLD=$TA
http POST "$USERD/users/logout" "" "$(auth "$TA")"
expect_status "amy logs out" 200
check "her old token is refused by notifyd" wait_until 5 \
    sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $TA_OLD' $N/notifications)\" = 401 ]"
http GET "$N/status"
expect_status "notifyd is still up" 200
finish
