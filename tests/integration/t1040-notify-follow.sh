#!/usr/bin/env bash
# t1040: chirp-notifyd's follow notifications, read marks and unread
# counts, paging and errors, through its own port (two instances on one
# database, registered with discovery), and its event log.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
N2_PORT=$(free_port); N2=http://127.0.0.1:$N2_PORT
start_notifyd_d notifyd2 "$N2_PORT"
N=$NOTIFYD

http GET "$N/status"
expect_status "status answers" 200
expect_eq "status names the service" "$(jb .service)" notify
http GET "$DISCOVERY/services"
expect_eq "discovery lists both instances as notifyServices" \
    "$(jb '[.notifyServices[].port] | sort | map(tostring) | join(",")')" \
    "$(printf '%s\n' "$NOTIFYD_PORT" "$N2_PORT" | sort -n | paste -sd, -)"

accounts "$USERD" ann bob cid
# notifs URL TOKEN [QUERY]: GET /notifications into $T/body.
notifs() { http GET "$1/notifications${3:+?$3}" "" "$(auth "$2")"; }
count_for() { notifs "$N" "$1"; jb '.notifications | length'; }

follow "$USERD" "$BOB" "$TB" "$ANN"
follow "$USERD" "$CID" "$TC" "$ANN"
check "ann gets two notifications within 5 s" wait_until 5 \
    sh -c "[ \"\$(curl -s -H 'Authorization: Bearer $TA' $N/notifications | jq '.notifications|length')\" = 2 ]"
notifs "$N" "$TA"
expect_status "GET /notifications answers 200" 200
expect_eq "newest first, type follow, actors named" \
    "$(jb '[.notifications[] | "\(.type):\(.actor.userId):\(.actor.username)"] | join(",")')" \
    "follow:$CID:cid,follow:$BOB:bob"
expect_eq "a follow has tweet null, read false" \
    "$(jb '[.notifications[] | "\(.tweet):\(.read)"] | join(",")')" "null:false,null:false"
expect_eq "unread counts both" "$(jb .unread)" 2
expect_eq "exactly API.md's members" \
    "$(jb '.notifications[0] | keys_unsorted | join(",")')" \
    "notificationId,type,createdAt,read,actor,tweet"
check "createdAt is RFC 3339 with milliseconds in UTC" \
    jq -e '.notifications[0].createdAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")' "$T/body"
check "notificationId is a decimal string" \
    jq -e '.notifications[0].notificationId | test("^[0-9]+$")' "$T/body"
NEW=$(jb '.notifications[0].notificationId'); OLD=$(jb '.notifications[1].notificationId')
notifs "$N2" "$TA"
expect_eq "the other instance answers the same" \
    "$(jb '[.notifications[].notificationId] | join(",")')" "$NEW,$OLD"
expect_eq "bob has none (nobody is notified of their own actions)" "$(count_for "$TB")" 0

# --- paging ---------------------------------------------------------------
notifs "$N" "$TA" "limit=1"
expect_eq "limit=1 gives the newest" "$(jb '[.notifications[].notificationId]|join(",")')" "$NEW"
expect_eq "unread is of all, not the page" "$(jb .unread)" 2
notifs "$N" "$TA" "before=$NEW"
expect_eq "before gives the older" "$(jb '[.notifications[].notificationId]|join(",")')" "$OLD"
notifs "$N" "$TA" "after=$OLD"
expect_eq "after gives the newer" "$(jb '[.notifications[].notificationId]|join(",")')" "$NEW"
notifs "$N" "$TA" "after=$NEW"
expect_eq "after the newest: none" "$(jb '.notifications|length')" 0

# --- read marks -------------------------------------------------------------
http POST "$N/notifications/read" "{\"upTo\":\"$OLD\"}" "$(auth "$TA")"
expect_status "read answers 200" 200
expect_eq "read answers the unread count" "$(jb -c .)" '{"unread":1}'
notifs "$N2" "$TA"
expect_eq "the older is read, the newer not" \
    "$(jb '[.notifications[].read]|map(tostring)|join(",")')" "false,true"
http POST "$N2/notifications/read" "{\"upTo\":\"$NEW\"}" "$(auth "$TA")"
expect_eq "read up to the newest: 0 unread" "$(jb .unread)" 0
http POST "$N/notifications/read" "{\"upTo\":\"$NEW\"}" "$(auth "$TA")"
expect_eq "reading again changes nothing" "$(jb .unread)" 0

# --- unfollow removes it ----------------------------------------------------
unfollow "$USERD" "$CID" "$TC" "$ANN"
check "unfollow removes cid's follow" wait_until 5 \
    sh -c "curl -s -H 'Authorization: Bearer $TA' $N/notifications | jq -e '[.notifications[].actor.username] == [\"bob\"]'"
follow "$USERD" "$CID" "$TC" "$ANN"
check "following again notifies again, unread" wait_until 5 \
    sh -c "curl -s -H 'Authorization: Bearer $TA' $N/notifications | jq -e '.unread == 1 and ([.notifications[].actor.username] == [\"cid\",\"bob\"])'"

# --- errors, in API.md's order ------------------------------------------------
refuses "no token: 401" 401 unauthorized GET "$N/notifications"
refuses "a bad token: 401" 401 unauthorized GET "$N/notifications?limit=0" "" "Authorization: Bearer x.y.z"
refuses "read without a token: 401 before the body" 401 unauthorized POST "$N/notifications/read" "nope"
refuses "limit 0: 400" 400 bad_request GET "$N/notifications?limit=0" "" "$(auth "$TA")"
refuses "limit 101: 400" 400 bad_request GET "$N/notifications?limit=101" "" "$(auth "$TA")"
refuses "limit x: 400" 400 bad_request GET "$N/notifications?limit=x" "" "$(auth "$TA")"
refuses "before not an id: 400" 400 bad_request GET "$N/notifications?before=-1" "" "$(auth "$TA")"
refuses "before and after: 400" 400 bad_request GET "$N/notifications?before=5&after=2" "" "$(auth "$TA")"
refuses "upTo a number: 400" 400 bad_request POST "$N/notifications/read" '{"upTo":5}' "$(auth "$TA")"
refuses "upTo not decimal: 400" 400 bad_request POST "$N/notifications/read" '{"upTo":"5x"}' "$(auth "$TA")"
refuses "upTo missing: 400" 400 bad_request POST "$N/notifications/read" '{}' "$(auth "$TA")"
refuses "a body that is not JSON: 400" 400 invalid_json POST "$N/notifications/read" '{' "$(auth "$TA")"
refuses "wrong method: 405" 405 method_not_allowed DELETE "$N/notifications" "" "$(auth "$TA")"
expect_eq "405 says Allow" "$(hdr Allow)" GET
refuses "GET on read: 405" 405 method_not_allowed GET "$N/notifications/read" "" "$(auth "$TA")"
refuses "unknown path: 404" 404 not_found GET "$N/notifications/x" "" "$(auth "$TA")"

# --- the event log of notifications --------------------------------------------
http GET "$N/internal/feed?after=0&authors=$ANN" "" "$(svc_hdr gateway notifyd)"
expect_status "the gateway reads ann's notification events" 200
expect_eq "follow, follow, delete (unfollow), follow" \
    "$(jb '[.events[].event.type] | join(",")')" \
    "notification,notification,notification_delete,notification"
expect_eq "each carries API.md's object" \
    "$(jb '.events[0].event.notification | keys_unsorted | join(",")')" \
    "notificationId,type,createdAt,read,actor,tweet"
expect_eq "the delete names the removed notification" \
    "$(jb '.events[2].event.notificationId')" "$NEW"
http GET "$N/internal/events?after=0&limit=2" "" "$(svc_hdr gateway notifyd)"
expect_eq "the whole log, limited" "$(jb '[.events[].seq]|map(tostring)|join(",")')" "1,2"

# notifyd's event log, in one place: exactly one notification per follow
expect_eq "SQL: ann holds exactly two notifications" \
    "$(sql "$NOTIFYDB" "SELECT count(*), count(DISTINCT actor_id) FROM notifications WHERE recipient_id = $ANN")" "2|2"
finish
