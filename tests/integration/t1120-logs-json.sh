#!/usr/bin/env bash
# CHIRP_LOG_FORMAT=json: every line every process writes is one JSON object
# with time, level, process and message; a request's line has its request
# id, method, route pattern, status and duration, and the id a client sends
# is in the gateway's line and in the service's. The text format stays as
# it was; no token or password reaches a log, in either format.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

export CHIRP_LOG_FORMAT=json
start_system
G=$GATEWAY

# some of everything: writes, reads, refusals, the live feed
ALICE=$(register "$G" alice sesame-$$-alice)
BOB=$(register "$G" bob sesame-$$-bob)
TA=$(login "$G" alice sesame-$$-alice)
TB=$(login "$G" bob sesame-$$-bob)
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "follow" 200
watch alice "$GATEWAY_WS/ws?access_token=$TA" --timeout 30
check "the live feed (token in the query) is ready" wait_until 10 ready alice
post "$G" "$BOB" "$TB" "hello \"quoted\" \\ and a tab	here" >/dev/null
expect_status "post" 201
check "the post came live" wait_until 10 has alice '"type":"tweet"'
http GET "$G/tweets/homeTimeline/$ALICE" "" "$(auth "$TA")"
expect_status "home timeline" 200
http GET "$G/notifications" "" "$(auth "$TB")"
expect_status "notifications" 200
# a token in a query string of a plain request too
http GET "$G/users/$ALICE?access_token=$TA"
expect_status "a user, with a token in the query" 200
http POST "$G/users/login" '{"username":"alice","password":"wrong-pass-'$$'"}'
expect_status "a failed login" 401
http GET "$G/nowhere/$ALICE"
expect_status "no such route" 404
# a user name that would break a line, through the gateway to userd
http POST "$G/users/register" '{"username":"x\n{\"level\":\"fatal\"}","password":"password123"}'
expect_status "a hostile user name is refused" 400

# the request id, both ways
RID=t1120-rid-$$
http GET "$G/users/$BOB" "" "X-Request-Id: $RID"
expect_status "a read with a request id" 200
expect_eq "the id comes back" "$(hdr X-Request-Id)" "$RID"
stop_ws alice
for n in gateway userd tweetd notifyd discovery; do stop_proc "$n"; done

# every line of every log: one object with the fields (a request line:
# all of them), nothing else on stderr
cat >"$T/check.py" <<'PY'
import json, re, sys
ts = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
bad = 0
for path, proc in zip(sys.argv[1::2], sys.argv[2::2]):
	n = 0
	with open(path, 'rb') as f:
		for raw in f:
			n += 1
			try:
				o = json.loads(raw)
				assert isinstance(o, dict), 'not an object'
				assert ts.match(o['time']), 'time'
				assert o['level'] in ('debug', 'info', 'warn',
				    'fatal'), 'level'
				assert o['process'] == proc, 'process'
				assert isinstance(o['message'], str), 'message'
				if 'route' in o:
					assert isinstance(o['requestId'], str)
					assert isinstance(o['method'], str)
					assert isinstance(o['status'], int)
					assert isinstance(o['durationMs'],
					    (int, float))
			except Exception as e:
				bad += 1
				print('%s:%d: %r: %r' % (path, n, e, raw[:300]))
	if n == 0:
		bad += 1
		print('%s: empty' % path)
sys.exit(1 if bad else 0)
PY
check "every line of every process's log is a JSON object with the fields" \
    /usr/bin/python3 "$T/check.py" "$T/gateway.log" chirp-gateway \
    "$T/userd.log" chirp-userd "$T/tweetd.log" chirp-tweetd \
    "$T/notifyd.log" chirp-notifyd "$T/discovery.log" chirp-discoveryd

# jq -c 'select(...)': the request lines of a log with this id
line_of() { jq -c --arg r "$RID" 'select(.requestId == $r and .route != null)' "$T/$1.log"; }
gl=$(line_of gateway)
expect_eq "the gateway's line of the request: method, route pattern, status" \
    "$(jq -r '[.method, .route, .status, .level] | join(" ")' <<<"$gl")" \
    "GET /users/{id} 200 info"
check "... and its duration in ms" jq -e '.durationMs >= 0' <<<"$gl"
ul=$(line_of userd)
expect_eq "the service's line of the same request, the pattern not the path" \
    "$(jq -r '[.method, .route, .status] | join(" ")' <<<"$ul")" \
    "GET /users/{userId} 200"
check "no raw id in the route of any request line" sh -c \
    "! cat '$T'/*.log | jq -r 'select(.route != null) | .route' | grep -q '/$BOB'"
check "the hostile name stayed inside its JSON string" sh -c \
    "! grep -q '^{\"level\":\"fatal\"}' '$T'/*.log"

# secrets: no token (query or header), no password, in any log
for s in "$TA" "$TB" "sesame-$$-alice" "sesame-$$-bob" "wrong-pass-$$"; do
	check "no secret in the logs (${s:0:12}...)" sh -c \
	    "! grep -qF -- '$s' '$T'/*.log"
done
check "the token's signature part is in no log either" sh -c \
    "! grep -qF -- '${TA##*.}' '$T'/*.log"

# text, as before: a gateway and discovery with log_format text
unset CHIRP_LOG_FORMAT
DPORT=$(free_port)
start_discoveryd dtext "$DPORT" --log_format text
GWPORT=$(free_port)
start_userd utext "$(free_port)" "$USERDB"
start_proc gtext "$CHIRP_BIN/chirp-gateway" --port "$GWPORT" \
    --discovery_url "http://127.0.0.1:$DPORT" \
    --user_bus_url "$(bus_url "$USERDB")" \
    --tweet_bus_url "$(bus_url "$TWEETDB")" --token_secret_file "$T/secret"
wait_http "http://127.0.0.1:$GWPORT/status"
http GET "http://127.0.0.1:$DPORT/nope" "" "X-Request-Id: $RID-d"
expect_status "discovery in text answers" 404
http GET "http://127.0.0.1:$GWPORT/nowhere/$ALICE?access_token=$TA" "" \
    "X-Request-Id: $RID-g"
expect_status "the gateway in text answers" 404
stop_proc gtext; stop_proc dtext; stop_proc utext
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
check "a service's text request line: time process level [rid] method path status ms" \
    grep -Eq "^$TS chirp-discoveryd info \[$RID-d\] GET /nope 404 [0-9]+\.[0-9]ms\$" \
    "$T/dtext.log"
check "the gateway's text request line, the same shape, no query" \
    grep -Eq "^$TS chirp-gateway info \[$RID-g\] GET /nowhere/$ALICE 404 [0-9]+\.[0-9]ms\$" \
    "$T/gtext.log"
check "every text line starts with the time and the process" sh -c \
    "! grep -Ehv '^$TS chirp-(gateway|discoveryd|userd) (debug|info|warn|fatal) ' \
    '$T/dtext.log' '$T/gtext.log' '$T/utext.log' | grep -q ."
check "no token in the text logs" sh -c "! grep -qF -- '$TA' '$T'/*text.log"

# a format that is not one is refused at start, naming the setting
"$CHIRP_BIN/chirp-discoveryd" --port "$(free_port)" --log_format xml \
    >"$T/xml.out" 2>&1
expect_eq "log_format xml: exit 2" "$?" 2
check "... naming the setting" grep -q "log_format: 'xml' is not text or json" "$T/xml.out"

finish
