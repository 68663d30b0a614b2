#!/usr/bin/env bash
# chirp-discoveryd: instances register, renew, leave and expire; bad input
# gets a clear 400 and changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

PORT=$(free_port)
D=http://127.0.0.1:$PORT
TTL=600	# nothing expires here; expiry has its own daemon below
start_proc discoveryd "$CHIRP_BIN/chirp-discoveryd" --port "$PORT" --ttl "$TTL"
wait_http "$D/status"

inst() { printf '{"serviceType":"%s","serviceHost":"%s","servicePort":%s}' "$1" "$2" "$3"; }
users() { http GET "$D/services"; jb '[.userServices[] | "\(.host):\(.port)"] | join(",")'; }
tweets() { http GET "$D/services"; jb '[.tweetServices[] | "\(.host):\(.port)"] | join(",")'; }

http GET "$D/status"
expect_status "status answers" 200
expect_eq "status names the service" "$(jb .service)" discovery
expect_eq "status is ok" "$(jb .status)" ok

http GET "$D/services"
expect_status "empty list answers" 200
expect_eq "empty list has both arrays" "$(jb '[.userServices, .tweetServices] | map(length) | join(",")')" "0,0"

http POST "$D/services" "$(inst user 127.0.0.1 8000)" "$(svc_hdr userd discovery)"
expect_status "a new instance is registered" 201
expect_eq "registration says so" "$(jb .message)" registered
expect_eq "registration tells the ttl" "$(jb .ttl)" "$TTL"
http POST "$D/services" "$(inst user 127.0.0.1 8000)" "$(svc_hdr userd discovery)"
expect_status "a renewal is 200" 200
expect_eq "renewal says so" "$(jb .message)" renewed

http POST "$D/services" "$(inst userService 127.0.0.1 8001)" "$(svc_hdr userd discovery)"
expect_status "the userService spelling is accepted" 201
http POST "$D/services" "$(inst tweet localhost 8010)" "$(svc_hdr userd discovery)"
expect_status "a tweet instance is registered" 201
expect_eq "user instances are listed in order" "$(users)" "127.0.0.1:8000,127.0.0.1:8001"
expect_eq "tweet instances are listed apart" "$(tweets)" "localhost:8010"
expect_eq "ports are JSON numbers" "$(jb '.userServices[0].port | type')" number

# Bad input: 400 with the error body, and the registry is unchanged.
bad() {
	http POST "$D/services" "$2" "$(svc_hdr userd discovery)"
	expect_status "$1 is refused" 400 "${3:-bad_request}"
}
bad "an unknown service type" "$(inst gateway h 1)"
bad "a missing service type" '{"serviceHost":"h","servicePort":1}'
bad "port 0" "$(inst user h 0)"
bad "port 65536" "$(inst user h 65536)"
bad "a port as a string" "$(inst user h '"8000"')"
bad "a fractional port" "$(inst user h 80.5)"
bad "an empty host" "$(inst user '' 8000)"
bad "a host with a space" "$(inst user 'a b' 8000)"
bad "a host of 256 characters" "$(inst user "$(printf 'a%.0s' $(seq 256))" 8000)"
bad "a body that is not JSON" '{"serviceType":' invalid_json
bad "a JSON array" '[1,2]'
expect_eq "refused input changed nothing" "$(users)|$(tweets)" "127.0.0.1:8000,127.0.0.1:8001|localhost:8010"
http POST "$D/services" "$(inst user "$(printf 'a%.0s' $(seq 255))" 9)" "$(svc_hdr userd discovery)"
expect_status "a host of 255 characters is fine" 201

big=$(head -c 70000 /dev/zero | tr '\0' x)
http POST "$D/services" "{\"serviceType\":\"user\",\"serviceHost\":\"$big\",\"servicePort\":1}" "$(svc_hdr userd discovery)"
expect_status "a body over 64 KiB is refused" 413 payload_too_large

http DELETE "$D/services" "$(inst tweet localhost 9999)" "$(svc_hdr userd discovery)"
expect_status "deregistering an unknown instance is 404" 404 not_found
http DELETE "$D/services" "$(inst user 127.0.0.1 8001)" "$(svc_hdr userd discovery)"
expect_status "deregistering is 200" 200
expect_eq "deregistering says so" "$(jb .message)" deregistered
http GET "$D/services"
expect_eq "a deregistered instance is gone" "$(jb '[.userServices[].port] | map(tostring) | join(",")')" "8000,9"
http DELETE "$D/services" "$(inst user 127.0.0.1 8001)" "$(svc_hdr userd discovery)"
expect_status "deregistering twice is 404" 404 not_found
http DELETE "$D/services" "$(inst user 127.0.0.1 0)" "$(svc_hdr userd discovery)"
expect_status "a bad DELETE body is 400" 400 bad_request

http PUT "$D/services" "$(inst user h 1)"
expect_status "a wrong method is 405" 405 method_not_allowed
check "405 names the allowed methods" grep -qi '^Allow:.*POST' "$T/headers"
http GET "$D/nothing"
expect_status "an unknown path is 404" 404 not_found
http GET "$D/services" "" "X-Request-Id: disc-test-1"
expect_eq "the request id is echoed" "$(hdr X-Request-Id)" disc-test-1

http GET "$D/metrics"
expect_status "metrics answer" 200
check "metrics count the live user instances" grep -Eq '^chirp_discovery_instances\{.*type="user".*\} 2$' "$T/body"

# A real service registers itself (common/registrar.c) and leaves when it
# stops cleanly.
UP=$(free_port)
start_userd userd "$UP" "$(test_db u)" --discovery_url "$D"
check "a user service registers itself" wait_until 10 listed "$D" user "$UP"
stop_proc userd
check "a user service deregisters when it stops" eval '! listed "$D" user "$UP"'

# Configuration: checked, and refused with a reason when it makes no sense.
check "a sound configuration passes -n" "$CHIRP_BIN/chirp-discoveryd" -n --port "$PORT"
check "a ttl of 0 is refused" eval '! "$CHIRP_BIN/chirp-discoveryd" --port $(free_port) --ttl 0 2>"$T/cfg.err"'
check "the refusal says why" grep -q ttl "$T/cfg.err"

# A restart starts empty: the registry lives in memory only.
stop_proc discoveryd
start_proc discoveryd2 "$CHIRP_BIN/chirp-discoveryd" --port "$PORT" --ttl "$TTL"
wait_http "$D/status"
expect_eq "a restarted registry is empty" "$(users)|$(tweets)" "|"
stop_proc discoveryd2

# Expiry: an instance that stops renewing for longer than the ttl drops out.
start_proc discoveryd3 "$CHIRP_BIN/chirp-discoveryd" --port "$PORT" --ttl 1
wait_http "$D/status"
http POST "$D/services" "$(inst tweet localhost 8011)" "$(svc_hdr userd discovery)"
expect_status "a short-lived instance registers" 201
http POST "$D/services" "$(inst user localhost 8001)" "$(svc_hdr userd discovery)"
sleep 3
expect_eq "instances that stopped renewing dropped out" "$(users)|$(tweets)" "|"
http DELETE "$D/services" "$(inst tweet localhost 8011)" "$(svc_hdr userd discovery)"
expect_status "an expired instance cannot be deregistered" 404 not_found
http POST "$D/services" "$(inst tweet localhost 8011)" "$(svc_hdr userd discovery)"
expect_status "an expired instance registers anew" 201
expect_eq "registered anew" "$(jb .message)" registered

finish
