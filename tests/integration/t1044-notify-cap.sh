#!/usr/bin/env bash
# t1044: a recipient keeps the newest notifications_per_user notifications;
# older ones are removed, each with its notification_delete event.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

NOTIFYD_FLAGS="--notifications_per_user 3"
start_system
N=$NOTIFYD
accounts "$USERD" kim
for i in 1 2 3 4 5; do
	id=$(register "$USERD" "fol$i"); tok=$(login "$USERD" "fol$i")
	follow "$USERD" "$id" "$tok" "$KIM"
done
check "the user log is applied" wait_until 10 sql_is "$NOTIFYDB" \
    "SELECT seq FROM source_state WHERE owner = 'user'" "$(sql "$USERDB" "SELECT max(seq) FROM event_log")"
http GET "$N/notifications" "" "$(auth "$TK")"
expect_eq "the newest three are kept" "$(jb '[.notifications[].actor.username] | join(",")')" "fol5,fol4,fol3"
expect_eq "unread counts what is kept" "$(jb .unread)" 3
http GET "$N/internal/feed?after=0&authors=$KIM" "" "$(svc_hdr gateway notifyd)"
expect_eq "five made, the oldest removed after each one past three, with an event each" \
    "$(jb '[.events[].event.type] | map(if . == "notification" then "+" else "-" end) | join("")')" "++++-+-"
finish
