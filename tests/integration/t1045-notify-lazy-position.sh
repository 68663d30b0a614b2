#!/usr/bin/env bash
# t1045: a tweet that notifies nobody costs chirp-notifyd no transaction:
# its position passes such events in memory and is stored with the next
# notification (or by the next poll), and a restart that replays from the
# stored position makes nothing twice.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

# a poll so rare that only a change stores the position in this script
NOTIFYD_FLAGS="--event_poll_ms 600000"
start_system
N=$NOTIFYD
accounts "$USERD" ann bob

stored() { sql "$NOTIFYDB" "SELECT seq FROM source_state WHERE owner = 'tweet'"; }
last() { sql "$TWEETDB" "SELECT coalesce(max(seq), 0) FROM event_log"; }
count() { sql "$NOTIFYDB" "SELECT count(*) FROM notifications WHERE recipient_id = $BOB"; }

P=$(post "$TWEETD" "$ANN" "$TA" "a first word")
check "ann posts" expr "$P" : "[1-9][0-9]*$"
# applied() / made N: the stored position is the log's end; bob has N.
applied() { [ "$(stored)" = "$(last)" ]; }
made() { [ "$(count)" = "$1" ]; }
check "the first event is applied as it comes (notifyd knew no position)" \
    wait_until 10 applied
BEFORE=$(stored)
for i in 1 2 3 4 5; do post "$TWEETD" "$ANN" "$TA" "plain $i" >/dev/null; done
expect_eq "five more events in tweetd's log" "$(last)" "$((BEFORE + 5))"
sleep 1
expect_eq "five tweets that notify nobody: the stored position has not moved" \
    "$(stored)" "$BEFORE"
M=$(post "$TWEETD" "$ANN" "$TA" "hello @bob")
check "ann mentions bob" expr "$M" : "[1-9][0-9]*$"
check "the mention is made" wait_until 10 made 1
expect_eq "the position stored with it is the log's end" "$(stored)" "$(last)"

# Events that make nothing after the last change, then a restart: the
# replay from the stored position makes nothing twice.
for i in 6 7 8; do post "$TWEETD" "$ANN" "$TA" "plain $i" >/dev/null; done
sleep 1
stop_proc notifyd
start_notifyd_d notifyd "$NOTIFYD_PORT"
M2=$(post "$TWEETD" "$ANN" "$TA" "again @bob")
check "a second mention after the restart" expr "$M2" : "[1-9][0-9]*$"
check "it is made" wait_until 10 made 2
expect_eq "the log is applied to its end" "$(stored)" "$(last)"
sleep 1
expect_eq "still two: nothing twice" "$(count)" "2"
finish
