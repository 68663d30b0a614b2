#!/usr/bin/env bash
# The API documentation: docs/openapi.json describes every route of docs/API.md
# correctly, and the gateway serves it at /openapi.json and renders it for
# a person at /docs (checked in headless Chromium, with nothing fetched from
# outside).
. "$(dirname "$0")/../lib.sh"

SPEC=$CHIRP_ROOT/docs/openapi.json
PAGE=$CHIRP_ROOT/docs/docs.html
spec() { jq -r "$1" "$SPEC"; }

# --- the document ---------------------------------------------------------

check "openapi.json is JSON" jq -e . "$SPEC"
expect_eq "it is OpenAPI 3.0.3" "$(spec .openapi)" 3.0.3
expect_eq "its server is the gateway on 8030" "$(spec '.servers[0].url')" http://localhost:8030

# Every route of docs/API.md with exactly its methods (HEAD/OPTIONS aside).
routes='/users/register post
/users/login post
/users/logout post
/users get
/users/{userId} delete,get,patch
/users/{userId}/follow post
/users/{userId}/unfollow delete
/users/{userId}/followings get
/users/{userId}/followers get
/tweets post
/tweets/{tweetId} delete,get
/tweets/homeTimeline/{userId} get
/tweets/userTimeline/{userId} get
/tweets/{tweetId}/thread get
/tweets/{tweetId}/like delete,post
/tweets/{tweetId}/likes get
/tweets/{tweetId}/repost delete,post
/notifications get
/notifications/read post
/ws get
/status get
/metrics get
/openapi.json get
/docs get
/services delete,get,post'
while read -r path methods; do
	got=$(jq -r --arg p "$path" '.paths[$p] // {} | keys - ["parameters","servers","summary","description"] | sort | join(",")' "$SPEC")
	expect_eq "route $path has methods $methods" "$got" "$methods"
done <<<"$routes"
expect_eq "no route beyond docs/API.md's" "$(spec '.paths | length')" "$(wc -l <<<"$routes")"
expect_eq "discovery's /services is on port 8040" "$(spec '.paths["/services"].servers[0].url')" http://localhost:8040

# Every $ref points at something that exists.
nrefs=$(jq '[.. | objects | select(has("$ref"))] | length' "$SPEC")
check "the document uses shared components" test "${nrefs:-0}" -gt 50
dangling=$(jq -r '. as $doc | [.. | objects | select(has("$ref")) | ."$ref"]
	| unique | .[] | . as $r
	| select(($doc | getpath($r | ltrimstr("#/") | split("/"))) == null)' "$SPEC" 2>&1)
expect_eq "every \$ref resolves" "$dangling" ""
expect_eq "operationIds are unique" "$(jq '[.paths[][] | objects | .operationId // empty] | (length == (unique | length))' "$SPEC")" true
expect_eq "every operation has a success answer" \
	"$(jq '[.paths[][] | objects | select(has("responses")) | .responses | keys | map(select(test("^[123]"))) | length > 0] | all' "$SPEC")" true

# Errors: the body and its codes, and the statuses routes can give.
expect_eq "the error codes are docs/API.md's" "$(spec '.components.schemas.Error.properties.error.enum | sort | join(",")')" \
	"bad_request,conflict,forbidden,internal,invalid_json,method_not_allowed,not_found,payload_too_large,rate_limited,timeout,unauthorized,unavailable"
expect_eq "an error has error and message" "$(spec '.components.schemas.Error.required | sort | join(",")')" error,message
# status PATH METHOD: the error statuses the operation documents.
statuses() { jq -r --arg p "$1" --arg m "$2" '.paths[$p][$m].responses | keys | map(select(test("^[45]"))) | join(",")' "$SPEC"; }
# 404: a replyTo that names no tweet
expect_eq "POST /tweets errors" "$(statuses /tweets post)" 400,401,403,404,405,413,429,503,504
expect_eq "home timeline errors" "$(statuses '/tweets/homeTimeline/{userId}' get)" 400,401,403,404,405,429,503,504
expect_eq "PATCH /users/{userId} errors" "$(statuses "/users/{userId}" patch)" 400,401,403,404,405,413,429,503,504
expect_eq "register errors" "$(statuses /users/register post)" 400,405,409,413,429,503,504
expect_eq "/ws errors" "$(statuses /ws get)" 400,401,405,429,503,504
expect_eq "/ws upgrades with 101" "$(jq -r '.paths["/ws"].get.responses | has("101")' "$SPEC")" true
for h in Retry-After X-RateLimit-Limit X-RateLimit-Remaining X-RateLimit-Reset; do
	expect_eq "429 carries $h" "$(jq -r --arg h "$h" '.components.responses.RateLimited.headers | has($h)' "$SPEC")" true
done
expect_eq "503 carries Retry-After" "$(spec '.components.responses.Unavailable.headers | has("Retry-After")')" true
expect_eq "405 carries Allow" "$(spec '.components.responses.MethodNotAllowed.headers | has("Allow")')" true

# Parameters and shapes.
expect_eq "timeline limit is 1..100, default 20" "$(spec '.components.parameters.TimelineLimit.schema | "\(.minimum)..\(.maximum) \(.default)"')" "1..100 20"
expect_eq "follow-list limit is 1..1000, default 100" "$(spec '.components.parameters.FollowLimit.schema | "\(.minimum)..\(.maximum) \(.default)"')" "1..1000 100"
expect_eq "nextCursor may be null" "$(spec '.components.schemas.FollowersPage.properties.nextCursor.nullable')" true
expect_eq "follow lists say X-Cache" "$(spec '.paths["/users/{userId}/followers"].get.responses["200"].headers | has("X-Cache")')" true
expect_eq "POST /tweets takes an Idempotency-Key" "$(jq -r '[.paths["/tweets"].post.parameters[] | ."$ref" // .name] | any(test("Idempotency-Key"))' "$SPEC")" true
expect_eq "/ws takes cursor, since and access_token" "$(spec '[.paths["/ws"].get.parameters[] | select(.in == "query") | .name] | sort | join(",")')" access_token,cursor,since
expect_eq "the home timeline needs a bearer token" "$(spec '.paths["/tweets/homeTimeline/{userId}"].get.security[0] | has("bearerAuth")')" true
expect_eq "bearerAuth is an HTTP bearer scheme" "$(spec '.components.securitySchemes.bearerAuth | "\(.type) \(.scheme)"')" "http bearer"
expect_eq "a user has docs/API.md's fields" "$(spec '.components.schemas.User.required | sort | join(",")')" bio,createdAt,displayName,followersCount,followingsCount,tweetsCount,userId,username
expect_eq "a tweet has docs/API.md's fields" "$(spec '.components.schemas.Tweet.required | sort | join(",")')" content,conversationId,likeCount,mentions,replyCount,replyTo,repostCount,repostOf,timestamp,tweetId,userId,username
expect_eq "a notification has docs/API.md's fields" "$(spec '.components.schemas.Notification.required | sort | join(",")')" actor,createdAt,notificationId,read,tweet,type
expect_eq "feed events are tweet, delete, notification, notification_delete, ready and reset" "$(spec '.components.schemas.FeedEvent.discriminator.mapping | keys | join(",")')" delete,notification,notification_delete,ready,reset,tweet
expect_eq "ids are strings of digits" "$(spec '.components.schemas.Id | "\(.type) \(.pattern)"')" 'string ^[1-9][0-9]{0,18}$'

# A full validator, where the machine has one.
if python3 -c 'import openapi_spec_validator' 2>/dev/null; then
	check "openapi-spec-validator accepts it" python3 -c '
import sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
validate(read_from_filename(sys.argv[1])[0])' "$SPEC"
else
	echo "# openapi-spec-validator not installed: structural checks only"
fi

# --- the page -------------------------------------------------------------

check "docs.html loads Swagger UI from /docs" grep -q 'src="/docs/swagger-ui-bundle.js"' "$PAGE"
check "docs.html loads its style from /docs" grep -q 'href="/docs/swagger-ui.css"' "$PAGE"
check "docs.html renders /openapi.json" grep -q 'url: "/openapi.json"' "$PAGE"
check "docs.html fetches nothing from outside" eval '! grep -Eq "(src|href|url)[=:] *\"(https?:)?//" "$PAGE"'

# --- served by the gateway, rendered by a browser ----------------------------

if [ ! -f "$CHIRP_ROOT/tests/lib-system.sh" ] || [ ! -x "$CHIRP_BIN/chirp-gateway" ]; then
	not_ok "the gateway serves the docs" "no gateway yet (tests/lib-system.sh, chirp-gateway)"
	finish; exit
fi
. "$CHIRP_ROOT/tests/lib-system.sh"
start_system
G=$GATEWAY

http GET "$G/openapi.json"
expect_status "/openapi.json answers" 200
check "/openapi.json is JSON" jq -e . "$T/body"
expect_eq "/openapi.json is docs/openapi.json" "$(jq -S -c . "$T/body" | md5sum)" "$(jq -S -c . "$SPEC" | md5sum)"
check "/openapi.json says it is JSON" eval 'hdr Content-Type | grep -qi "^application/json"'
http GET "$G/docs"
expect_status "/docs answers" 200
check "/docs is HTML" eval 'hdr Content-Type | grep -qi "^text/html"'
cmp -s "$T/body" "$PAGE" && ok "/docs is docs/docs.html" || not_ok "/docs is docs/docs.html"
for f in swagger-ui-bundle.js swagger-ui.css; do
	http GET "$G/docs/$f"
	expect_status "/docs/$f answers" 200
	check "/docs/$f is not empty" test -s "$T/body"
done
http GET "$G/docs/../../etc/passwd"
check "/docs serves nothing outside its folder" eval '[ "$HTTP_STATUS" != 200 ] || ! grep -q "root:" "$T/body"'

BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
	not_ok "a browser renders /docs" "chromium is not installed (deploy/deps.sh installs it)"
	finish; exit
fi
browse() {
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$T/chromium.XXXXXX")" \
	    --virtual-time-budget=5000 --window-size=1280,1600 "$@" \
	    2>>"$T/chromium.log"
}
browse --dump-dom "$G/docs" >"$T/dom.html"
# Swagger UI breaks paths with zero-width spaces; drop them to read the text.
sed 's/\xe2\x80\x8b//g' "$T/dom.html" >"$T/dom.txt"
check "the page rendered operations" grep -q 'class="opblock-summary-path"' "$T/dom.txt"
while read -r path _; do
	check "the page shows $path" grep -qF "<span>$path</span>" "$T/dom.txt"
done <<<"$routes"
check "the page shows the feed events" grep -q FeedTweetEvent "$T/dom.txt"
check "the page shows the API's description" grep -q 'Decisions where the contract is silent' "$T/dom.txt"

browse --screenshot="$T/docs.png" "$G/docs" >/dev/null
check "a screenshot was taken" test -s "$T/docs.png"
check "the screenshot is a PNG" eval '[ "$(head -c 8 "$T/docs.png" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]'

finish
