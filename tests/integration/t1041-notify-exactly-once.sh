#!/usr/bin/env bash
# t1041: every follow makes exactly one notification, whatever happens to
# chirp-notifyd: killed (-9) and restarted in the middle of a stream of
# follow events while a second instance runs, and its bus connections cut
# (pg_terminate_backend of every LISTEN on the user database). Counted in
# SQL and through the API.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
N2_PORT=$(free_port); N2=http://127.0.0.1:$N2_PORT
start_notifyd_d notifyd2 "$N2_PORT"
N=$NOTIFYD

accounts "$USERD" zed
TARGET=$ZED; TZ=$TZ
FOLLOWERS=40
ids=()
for i in $(seq 1 $FOLLOWERS); do
	ids+=("$(register "$USERD" "fan$i")")
done
toks=()
for i in $(seq 1 $FOLLOWERS); do
	toks+=("$(login "$USERD" "fan$i")")
done

# follows FROM TO: fans FROM..TO (1-based) follow zed.
follows() {
	local i
	for i in $(seq "$1" "$2"); do
		follow "$USERD" "${ids[$((i - 1))]}" "${toks[$((i - 1))]}" "$TARGET"
	done
}
total() { sql "$NOTIFYDB" "SELECT count(*) || '|' || count(DISTINCT actor_id) FROM notifications WHERE recipient_id = $TARGET AND type = 'follow'"; }
api_total() {
	curl -s -H "Authorization: Bearer $TZ" "$1/notifications?limit=100" |
	    jq -r '"\(.notifications|length)|\([.notifications[].actor.userId]|unique|length)|\(.unread)"'
}

# --- killed mid-stream --------------------------------------------------------
follows 1 10 &
FPID=$!
sleep 0.3
kill_proc notifyd
wait "$FPID"
follows 11 20
start_notifyd_d notifyd "$NOTIFYD_PORT"
check "after a kill -9 and a restart: 20 notifications, 20 actors" \
    wait_until 15 sql_is "$NOTIFYDB" "SELECT count(*) || '|' || count(DISTINCT actor_id) FROM notifications WHERE recipient_id = $TARGET" "20|20"

# both instances killed; events come while nobody listens
kill_proc notifyd; kill_proc notifyd2
follows 21 25
start_notifyd_d notifyd "$NOTIFYD_PORT"
check "with every instance down meanwhile: caught up from userd's log" \
    wait_until 15 sql_is "$NOTIFYDB" "SELECT count(*) FROM notifications WHERE recipient_id = $TARGET" 25
start_notifyd_d notifyd2 "$N2_PORT"

# --- the bus cut ------------------------------------------------------------
UDB=$(basename "${USERDB%%\?*}")
cut() { admin "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$UDB' AND application_name = 'chirp-bus'"; }
check "bus connections to cut" test "$(cut)" -ge 2
follows 26 30
cut >/dev/null
follows 31 35
cut >/dev/null
follows 36 40
check "after the bus was cut twice: 40 notifications, 40 actors" \
    wait_until 15 sql_is "$NOTIFYDB" "SELECT count(*) || '|' || count(DISTINCT actor_id) FROM notifications WHERE recipient_id = $TARGET" "40|40"
sleep 1.5	# a poll more: nothing more comes
expect_eq "SQL: still exactly 40, once each" "$(total)" "40|40"
expect_eq "API (instance 1): 40, 40 actors, 40 unread" "$(api_total "$N")" "40|40|40"
expect_eq "API (instance 2): the same" "$(api_total "$N2")" "40|40|40"
expect_eq "the user log is applied to its end" \
    "$(sql "$NOTIFYDB" "SELECT seq FROM source_state WHERE owner = 'user'")" \
    "$(sql "$USERDB" "SELECT max(seq) FROM event_log")"
http GET "$N/internal/feed?after=0&authors=$TARGET&limit=1000" "" "$(svc_hdr gateway notifyd)"
expect_eq "the notification log holds one event per notification" \
    "$(jb '[.events[].event.notification.notificationId] | "\(length)|\(unique|length)"')" "40|40"
finish
