#!/usr/bin/env bash
# tests/compose/run.sh (make test-compose): docker-compose.yml brought up
# for real, with podman, from Debian's packages only, then torn down.
#
# Builds a Debian 12 base (mmdebstrap --variant=minbase, podman import),
# chirp's five images (Dockerfile) and the local PostgreSQL and Prometheus
# (deploy/local/Dockerfile); makes the secrets (deploy/secrets.sh); brings
# up docker-compose.yml with deploy/compose.local.yml; registers two users,
# follows, posts, reads a timeline and receives a live post through the
# published gateway with the chirp CLI; scales tweet from one replica to
# three; kills one tweet replica while requests flow and checks they keep
# succeeding; checks that Prometheus sees every replica of every process
# up; and tears everything down: containers, volumes, networks, and the
# images with the store they live in (KEEP=1 keeps the store, so that the
# next run reuses the base and the build cache).
#
# Podman's own configuration stays untouched: everything runs with a
# containers.conf and a storage.conf of this test's own (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF) under CHIRP_COMPOSE_STORE (/var/tmp/chirp-
# compose): the rlimits containers need here (nofile 20000, nproc 4096),
# runc (crun refuses this machine's hybrid cgroups), the CNI network
# backend with its dnsname plugin (dnsmasq), and an image store of its
# own. Not netavark: its aardvark-dns (1.4, Debian 12) stopped answering
# for tens of seconds at a time while containers were being started,
# and the services then could not resolve their databases' names. The
# script makes the two networks itself before podman-compose would:
# CNI's dnsname is off on an internal network, so "backend" is an
# ordinary one here (nothing on it is published either way, which this
# script checks), and each network has a DNS server of its own that knows
# only its own containers, so "frontend" has none, or Prometheus, on
# both, asks it for the services' names and gets nothing. Run as root (rootful podman; the secret files are
# given to uid 10001). Not part of make test: it takes minutes.
#
# podman-compose 1.0.3 differs from docker compose in three ways this
# script works around, each noted where it happens: it ignores
# depends_on's conditions (only the order is kept), so the steps are
# brought up in turn and waited for here; it has no --scale, so tweet's
# replicas come from CHIRP_TWEET_REPLICAS and a second
# "up" adds the new ones; and without systemd no health check runs by
# itself, so this script runs them (podman healthcheck run).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
STORE=${CHIRP_COMPOSE_STORE:-/var/tmp/chirp-compose}
PROJECT=${CHIRP_COMPOSE_PROJECT:-chirptest}
KEEP=${KEEP:-0}
START=$SECONDS

say() { printf '== [%3ds] %s\n' $((SECONDS - START)) "$*"; }
# ok, not_ok, check and wait_until (tests/lib-tap.sh), a try a second.
TAP_WAIT_STEP=1 TAP_WAIT_PER_S=1
# shellcheck source=../lib-tap.sh
. "$ROOT/tests/lib-tap.sh"
# fail_now MESSAGE: a step the rest depends on failed.
fail_now() {
	not_ok "$1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
	exit 1
}

if [ "$(id -u)" -ne 0 ]; then
	echo "test-compose: run as root (rootful podman; the secret files" \
	    "are given to uid 10001)" >&2
	exit 2
fi
./deploy/deps.sh compose

# --- podman, configured for this test only -------------------------------

mkdir -p "$STORE"
# logs, secrets and the CLI's logins; kept on a failure
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chirp-compose.XXXXXX")
TAP_TMP=$WORK	# check's output (tests/lib-tap.sh)
cat >"$STORE/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
# short DNS tries: a name asked of the host's resolver must not hold a
# lookup for long
dns_options = ["timeout:1", "attempts:3"]
[engine]
runtime = "runc"
[network]
network_backend = "cni"
EOF
cat >"$STORE/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$STORE/graph"
runroot = "$STORE/run"
EOF
export CONTAINERS_CONF=$STORE/containers.conf
export CONTAINERS_STORAGE_CONF=$STORE/storage.conf
# HEALTHCHECK is part of the docker image format, not of OCI's
export BUILDAH_FORMAT=docker

pc() {
	podman-compose -p "$PROJECT" -f docker-compose.yml \
	    -f deploy/compose.local.yml "$@"
}
cnt() { echo "${PROJECT}_$1"; }

# Everything this run made goes, whatever happens (KEEP=1: the store of
# images stays for the next run).
teardown() {
	local st=$?
	say "tearing down"
	if [ "$FAILED" -ne 0 ] || [ "$st" -ne 0 ]; then
		mkdir -p "$WORK/logs"
		for c in $(podman ps -a --format '{{.Names}}' \
		    --filter "label=io.podman.compose.project=$PROJECT"); do
			podman logs "$c" >"$WORK/logs/$c.log" 2>&1 || true
		done
	fi
	CHIRP_TWEET_REPLICAS=3 pc down -v -t 5 >"$WORK/down.log" 2>&1 || true
	for n in backend frontend; do
		podman network rm -f "${PROJECT}_$n" >/dev/null 2>&1 || true
	done
	for v in $(podman volume ls -q 2>/dev/null | grep "^${PROJECT}_"); do
		podman volume rm -f "$v" >/dev/null 2>&1 || true
	done
	if [ "$KEEP" = 1 ]; then
		say "KEEP=1: images kept in $STORE"
	else
		podman rmi -a -f >/dev/null 2>&1 || true
		podman system reset -f >/dev/null 2>&1 || true
		rm -rf "$STORE"
	fi
	if [ "$FAILED" -eq 0 ] && [ "$st" -eq 0 ]; then
		rm -rf "$WORK"
	else
		say "logs kept in $WORK"
	fi
	say "took $((SECONDS - START)) s: $PASSED passed, $FAILED failed"
	echo "test-compose: $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$st" -eq 0 ] && exit 0
	exit 1
}
trap teardown EXIT
trap 'exit 1' INT TERM

# --- images --------------------------------------------------------------

if ! podman image exists localhost/chirp-debian:bookworm; then
	say "Debian 12 base image (mmdebstrap --variant=minbase bookworm)"
	mmdebstrap --quiet --variant=minbase bookworm "$WORK/base.tar" \
	    >"$WORK/mmdebstrap.log" 2>&1 ||
		fail_now "mmdebstrap made the base" "$WORK/mmdebstrap.log"
	podman import -q "$WORK/base.tar" localhost/chirp-debian:bookworm \
	    >/dev/null
	rm -f "$WORK/base.tar"
fi
ok "a Debian 12 base image from Debian's packages"

# Built with podman build itself: podman-compose 1.0.3 passes no network
# option, and the build's apt-get needs the host's (netavark's build
# network resolves no name here).
build() {
	local file=$1 target=$2 tag=$3
	say "building $tag"
	podman build --network host --format docker -f "$file" \
	    --build-arg DEBIAN_IMAGE=localhost/chirp-debian:bookworm \
	    --target "$target" -t "$tag" . >>"$WORK/build.log" 2>&1 ||
		fail_now "image $tag builds" "$WORK/build.log"
}
for b in chirp-userd chirp-tweetd chirp-notifyd chirp-discoveryd \
    chirp-gateway; do
	build Dockerfile "$b" "localhost/$b:latest"
done
build deploy/local/Dockerfile postgres localhost/chirp-local-postgres:15
build deploy/local/Dockerfile prometheus \
    localhost/chirp-local-prometheus:latest
ok "chirp's five images and the local PostgreSQL and Prometheus build"
check "each chirp image runs as uid 10001" sh -c '
	for b in userd tweetd notifyd discoveryd gateway; do
		podman image inspect --format "{{.Config.User}}" \
		    localhost/chirp-$b:latest | grep -qx chirp || exit 1
	done'
check "each chirp image has a health check on /status" sh -c '
	for b in userd tweetd notifyd discoveryd gateway; do
		podman image inspect --format "{{.Config.Healthcheck.Test}}" \
		    localhost/chirp-$b:latest | grep -q chirp-health || exit 1
	done'

# the CLI runs on the host, against the published gateway
say "building the chirp CLI"
make -s -j"$(nproc)" build/bin/chirp >"$WORK/make.log" 2>&1 ||
	fail_now "the chirp CLI builds" "$WORK/make.log"
CHIRP=$ROOT/build/bin/chirp

# --- secrets and ports ---------------------------------------------------

./deploy/secrets.sh "$WORK/secrets" >/dev/null
export CHIRP_SECRETS=$WORK/secrets
free_port() {
	local p
	while :; do
		p=$(( (RANDOM % 10000) + 21000 ))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
	done
	echo "$p"
}
GW_PORT=$(free_port)
PROM_PORT=$(free_port)
while [ "$PROM_PORT" = "$GW_PORT" ]; do PROM_PORT=$(free_port); done
export CHIRP_GATEWAY_PUBLISH=127.0.0.1:$GW_PORT
export CHIRP_PROMETHEUS_PUBLISH=127.0.0.1:$PROM_PORT
GW=http://127.0.0.1:$GW_PORT
PROM=http://127.0.0.1:$PROM_PORT
export CHIRP_TWEET_REPLICAS=1

# --- up, in the order depends_on gives ------------------------------------

# up SERVICE...: start these (podman-compose runs each in turn; the ones
# already there are started again).
up() {
	pc up -d --no-build --no-deps "$@" >>"$WORK/up.log" 2>&1 ||
		fail_now "podman-compose up $*" "$WORK/up.log"
}
healthy() { podman healthcheck run "$1" >/dev/null 2>&1; }
# exited_ok CONTAINER: a one-shot that finished with status 0.
exited_ok() {
	[ "$(podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1")" = "exited 0" ]
}
# logs_of CONTAINER: its last lines, for a failure.
logs_of() { podman logs --tail 20 "$1" 2>&1 | sed 's/^/#   /'; }

podman network create --label "io.podman.compose.project=$PROJECT" \
    "${PROJECT}_backend" >/dev/null
podman network create --disable-dns \
    --label "io.podman.compose.project=$PROJECT" "${PROJECT}_frontend" \
    >/dev/null

say "databases"
up user-db tweet-db notify-db
for d in user tweet notify; do
	wait_until 120 healthy "$(cnt "$d-db_1")" || {
		logs_of "$(cnt "$d-db_1")"; fail_now "$d-db becomes healthy"; }
done
ok "the three databases are healthy"

say "setup: the bus role"
up user-db-setup tweet-db-setup notify-db-setup
for d in user tweet notify; do
	c=$(cnt "$d-db-setup_1")
	podman wait "$c" >/dev/null 2>&1 || true
	exited_ok "$c" || { logs_of "$c"; fail_now "$d-db-setup exits 0"; }
done
ok "each setup step made the bus role and exited 0"

say "migrate: --migrate on each database"
up user-db-migrate tweet-db-migrate notify-db-migrate
for d in user tweet notify; do
	c=$(cnt "$d-db-migrate_1")
	podman wait "$c" >/dev/null 2>&1 || true
	exited_ok "$c" || { logs_of "$c"; fail_now "$d-db-migrate exits 0"; }
done
ok "each migrate step applied its migrations and exited 0"

say "discovery, the services (tweet: one replica), the gateway, Prometheus"
up discovery user tweet notify gateway prometheus
wait_until 90 curl -sf -o /dev/null "$GW/status" || {
	logs_of "$(cnt gateway_1)"; fail_now "the gateway answers /status"; }
ok "the gateway answers on the published port"
check "the gateway's health check passes" wait_until 60 healthy "$(cnt gateway_1)"
check "a user replica's health check passes" wait_until 60 healthy "$(cnt user_3)"
check "the second migrate of the same databases is a no-op (the services applied nothing)" \
    sh -c "! podman logs $(cnt user_1) 2>&1 | grep -q 'migrate: applied'"

# settled: every dependency of the gateway up and a request through it to
# each service answered at once, three times in a row (the services may
# still be reconnecting after the names of the network settled)
answers() {
	local i code
	for i in 1 2 3; do
		curl -sf --max-time 3 "$GW/status" | jq -e \
		    '[.dependencies[]] | all' >/dev/null || return 1
		for path in /users/0 /tweets/userTimeline/0 /notifications; do
			code=$(curl -s -o /dev/null -w '%{http_code}' \
			    --max-time 2 "$GW$path") || return 1
			case $code in 2??|4??) ;; *) return 1 ;; esac
		done
		sleep 1
	done
}
check "the gateway serves /openapi.json, /docs and Swagger UI's script" sh -c "
	curl -sf '$GW/openapi.json' | jq -e '.openapi' >/dev/null &&
	curl -sf '$GW/docs' | grep -q swagger-ui-bundle.js &&
	curl -sf -o /dev/null '$GW/docs/swagger-ui-bundle.js'"
check "the system settles: every service answers through the gateway" \
    wait_until 120 answers

# Nothing but the gateway and Prometheus is on the host.
published=$(podman ps --filter "label=io.podman.compose.project=$PROJECT" \
    --format '{{.Names}} {{.Ports}}' | awk '$2 != "" { print $1 }' | sort | tr '\n' ' ')
expect_pub="$(cnt gateway_1) $(cnt prometheus_1) "
if [ "$published" = "$expect_pub" ]; then ok "only the gateway and Prometheus publish ports"
else not_ok "only the gateway and Prometheus publish ports" "published: $published"; fi
check "they are bound to 127.0.0.1 only" sh -c "
	podman ps --filter label=io.podman.compose.project=$PROJECT \
	    --format '{{.Ports}}' | grep -v '^$' | grep -v '^127\.0\.0\.1:' | grep -q . && exit 1
	exit 0"

# --- a user's path through the gateway ------------------------------------

say "two users: register, follow, post, timeline, live feed"
export HOME=$WORK/home
mkdir -p "$HOME"
as() {
	local who=$1; shift
	XDG_CONFIG_HOME=$WORK/cfg-$who "$CHIRP" --server "$GW" "$@"
}
for u in alice bob; do
	check "register $u" sh -c "printf 'password123\n' | XDG_CONFIG_HOME=$WORK/cfg-$u $CHIRP --server $GW register --password-stdin $u"
done
check "bob follows alice" as bob follow alice
XDG_CONFIG_HOME=$WORK/cfg-bob "$CHIRP" --server "$GW" --json watch \
    >"$WORK/watch.json" 2>"$WORK/watch.err" &
WATCH=$!
check "bob's live feed is ready" wait_until 30 grep -q '"type":"ready"' "$WORK/watch.json"
id=$(as alice post "hello from a container") || id=""
check "alice posts" test -n "$id"
check "the post reaches bob's live feed" wait_until 30 \
    grep -q "\"tweetId\":\"$id\"" "$WORK/watch.json"
check "bob's home timeline has it" wait_until 30 sh -c \
    "XDG_CONFIG_HOME=$WORK/cfg-bob $CHIRP --server $GW --json timeline | grep -q '$id'"
check "alice's own timeline has it" wait_until 30 sh -c \
    "XDG_CONFIG_HOME=$WORK/cfg-alice $CHIRP --server $GW --json timeline alice | grep -q '$id'"
check "alice has a notification of the follow" wait_until 30 sh -c \
    "XDG_CONFIG_HOME=$WORK/cfg-alice $CHIRP --server $GW --json notifications --keep-unread | grep -q follow"

# --- scale tweet to three --------------------------------------------------

say "scaling tweet to 3 (CHIRP_TWEET_REPLICAS=3, up again)"
CHIRP_TWEET_REPLICAS=3 up tweet
running() {
	[ "$(podman ps --filter "label=io.podman.compose.project=$PROJECT" \
	    --filter "label=com.docker.compose.service=$1" -q | wc -l)" -eq "$2" ]
}
check "three tweet replicas run" wait_until 30 running tweet 3
check "all three are healthy" wait_until 60 sh -c \
    "podman healthcheck run $(cnt tweet_2) && podman healthcheck run $(cnt tweet_3)"
check "the system settles again" wait_until 120 answers
# discovery lists every replica (GET /services, from inside the network)
check "discovery lists three tweet instances" wait_until 30 sh -c \
    "[ \"\$(podman exec $(cnt discovery_1) bash -c 'exec 3<>/dev/tcp/127.0.0.1/8040; printf \"GET /services HTTP/1.0\r\n\r\n\" >&3; cat <&3' | grep -o ':8010' | wc -l)\" -ge 3 ]"

# --- one replica killed under traffic -------------------------------------

say "killing one tweet replica while requests flow"
TA=$(jq -r .accessToken "$WORK/cfg-alice/chirp/token")
AID=$(jq -r .userId "$WORK/cfg-alice/chirp/token")
# traffic: a post and a read of alice's timeline, one pair after another,
# each request's status a line in $WORK/traffic
traffic() {
	local i=0
	while [ ! -e "$WORK/stop" ]; do
		i=$((i + 1))
		curl -s -o /dev/null -w '%{http_code} post\n' --max-time 10 \
		    -H "Authorization: Bearer $TA" \
		    -H 'Content-Type: application/json' \
		    --data-binary "{\"userId\":\"$AID\",\"content\":\"load $i\"}" \
		    "$GW/tweets" >>"$WORK/traffic" || echo "000 post" >>"$WORK/traffic"
		curl -s -o /dev/null -w '%{http_code} read\n' --max-time 10 \
		    -H "Authorization: Bearer $TA" \
		    "$GW/tweets/userTimeline/$AID" >>"$WORK/traffic" ||
			echo "000 read" >>"$WORK/traffic"
		# under the gateway's rate limit (1200 a minute a user)
		sleep 0.1
	done
}
: >"$WORK/traffic"
traffic &
TRAFFIC=$!
sleep 3
podman kill "$(cnt tweet_2)" >/dev/null
say "killed $(cnt tweet_2)"
sleep 15
touch "$WORK/stop"
wait "$TRAFFIC" 2>/dev/null || true
total=$(wc -l <"$WORK/traffic")
bad=$(grep -cv '^20[01] ' "$WORK/traffic" || true)
say "$total requests, $bad not answered 200/201: $(grep -v '^20[01] ' "$WORK/traffic" | sort | uniq -c | tr '\n' ' ')"
check "requests flowed during the kill" test "$total" -ge 20
# One request is in flight at a time: at most that one may fail, a post
# sent to the replica as it died (the gateway does not resend a write it
# cannot know was not done; it answers 502/504). Reads go to another
# replica; every request after the kill's one succeeds.
check "no read failed" test "$(grep -c -v '^200 read' "$WORK/traffic" | tr -d ' ')" = \
    "$(grep -c ' post$' "$WORK/traffic" | tr -d ' ')"
check "at most one request failed: $bad of $total" test "$bad" -le 1
first_bad=$(grep -n -v '^20[01] ' "$WORK/traffic" | head -n 1 | cut -d: -f1)
check "every request after it succeeded" test -z "$first_bad" -o \
    "$(tail -n +$((${first_bad:-0} + 1)) "$WORK/traffic" | grep -cv '^20[01] ' || true)" = 0
podman start "$(cnt tweet_2)" >/dev/null 2>&1 || true

# --- Prometheus ---------------------------------------------------------------

say "Prometheus: every target up"
# up_count JOB: how many of the job's targets are up
targets() { curl -sf "$PROM/api/v1/targets?state=active" >"$WORK/targets.json"; }
all_up() {
	targets || return 1
	jq -e '
	    [.data.activeTargets[] | {job: .labels.job, health}] as $t |
	    ($t | map(select(.health != "up")) | length) == 0 and
	    ([$t[] | select(.job == "user")] | length) == 3 and
	    ([$t[] | select(.job == "tweet")] | length) == 3 and
	    ([$t[] | select(.job == "notify")] | length) == 3 and
	    ([$t[] | select(.job == "gateway")] | length) == 1 and
	    ([$t[] | select(.job == "discovery")] | length) == 1' \
	    "$WORK/targets.json" >/dev/null
}
if wait_until 120 all_up; then
	ok "Prometheus scrapes 3 user, 3 tweet, 3 notify, the gateway and discovery, all up"
else
	not_ok "Prometheus scrapes every replica, all up" \
	    "$(jq -c '[.data.activeTargets[] | {job: .labels.job, instance: .labels.instance, health, lastError}]' "$WORK/targets.json" 2>/dev/null | head -c 1500)"
fi
check "the alert rules are loaded" sh -c \
    "curl -sf '$PROM/api/v1/rules' | jq -e '[.data.groups[].rules[]] | length > 0'"

kill "$WATCH" 2>/dev/null || true
wait "$WATCH" 2>/dev/null || true
[ "$FAILED" -eq 0 ]
