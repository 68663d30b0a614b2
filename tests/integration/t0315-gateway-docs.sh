#!/usr/bin/env bash
# The gateway's own documents and operations routes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY

http GET "$G/openapi.json"
expect_status "the OpenAPI document" 200
expect_eq "it is OpenAPI 3" "$(jb '.openapi | startswith("3")')" true
check "it is JSON" grep -qi '^content-type: application/json' "$T/headers"
http GET "$G/docs"
expect_status "the docs page" 200
check "it is HTML" grep -qi '^content-type: text/html' "$T/headers"
UI=/usr/lib/python3/dist-packages/flasgger/ui3/static
if [ -f "$UI/swagger-ui-bundle.js" ]; then
	http GET "$G/docs/swagger-ui-bundle.js"
	expect_status "swagger-ui's script" 200
	check "served byte for byte" cmp -s "$T/body" "$UI/swagger-ui-bundle.js"
	http GET "$G/docs/swagger-ui.css"
	expect_status "swagger-ui's style sheet" 200
fi
http POST "$G/openapi.json" '{}'
expect_status "documents take only GET" 405 method_not_allowed
expect_eq "405 allows GET" "$(hdr Allow)" GET
http GET "$G/ws"
expect_status "/ws without an upgrade" 400 bad_request

G2_PORT=$(free_port)
start_proc gw2 "$CHIRP_BIN/chirp-gateway" --port "$G2_PORT" \
    --discovery_url "$DISCOVERY" --token_secret_file "$T/secret" \
    --openapi_file "$T/missing.json" --max_connections 1
wait_http "http://127.0.0.1:$G2_PORT/status"
http GET "http://127.0.0.1:$G2_PORT/openapi.json"
expect_status "a missing document is a clean 404" 404 not_found

ALICE=$(register "$G" alice); TA=$(login "$G" alice)
watch first "ws://127.0.0.1:$G2_PORT/ws" --header "$(auth "$TA")" --timeout 30
check "one live connection fits" wait_until 10 ready first
out=$(ws_client "ws://127.0.0.1:$G2_PORT/ws" --header "$(auth "$TA")" --timeout 5)
expect_eq "over max_connections: 503 before the upgrade" "$out" "status 503"
stop_ws first

http GET "$G/metrics"
expect_status "metrics" 200
check "request counts by route and status" grep -q '^chirp_requests_total{.*route="/openapi.json"' "$T/body"
check "live connections" grep -q '^chirp_gateway_connections' "$T/body"
check "breaker state per instance" grep -q '^chirp_gateway_breaker_state{.*instance=' "$T/body"

finish
