#!/usr/bin/env bash
# run.sh: the whole chirp system in the foreground (make run).
#
# Builds, starts a local PostgreSQL under .chirp/ on first use (data kept
# across runs), creates the databases and roles, and starts discovery, the
# user, tweet and notification services and the gateway with prefixed log
# lines. Ctrl-C stops everything. Set CHIRP_DATABASE_URL (every service) or
# CHIRP_USERD_DATABASE_URL, CHIRP_TWEETD_DATABASE_URL and
# CHIRP_NOTIFYD_DATABASE_URL to use an external PostgreSQL instead (it
# needs max_prepared_transactions > 0).
#
# CHIRP_GATEWAYS=N starts N gateways sharing port 8030 (SO_REUSEPORT,
# the gateway's reuse_port): the kernel spreads new connections over them,
# and each takes up to its fd limit of live connections. With N > 1 each
# also has a port of its own, 8130 + i for gateway i (0 to N-1, base
# CHIRP_GATEWAY_OPS_BASE), for its /status and /metrics.
#
# CHIRP_BUS=nats carries the events over NATS JetStream instead of
# PostgreSQL NOTIFY: a local nats-server with its store under .chirp/nats
# (port CHIRP_NATS_PORT, 4222), or the one at CHIRP_NATS_URL
# (nats://host:port) when set.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STATE=${CHIRP_STATE:-$ROOT/.chirp}
BIN=$ROOT/build/bin
PGPORT=${CHIRP_PGPORT:-5432}

make -s -j"$(nproc 2>/dev/null || echo 2)" all
mkdir -p "$STATE"

pids=""
stopping=0
stop_all() {
	[ "$stopping" -eq 1 ] && return
	stopping=1
	echo "chirp: stopping"
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
	# shellcheck disable=SC2086
	[ -n "$pids" ] && wait $pids 2>/dev/null
	if [ "${local_pg:-0}" -eq 1 ]; then
		"$ROOT/deploy/pg.sh" stop "$STATE/pg"
	fi
}
trap stop_all INT TERM EXIT

if [ -z "${CHIRP_DATABASE_URL:-}${CHIRP_USERD_DATABASE_URL:-}" ]; then
	local_pg=1
	echo "chirp: PostgreSQL in $STATE/pg"
	"$ROOT/deploy/pg.sh" start "$STATE/pg" "$PGPORT"
	"$ROOT/deploy/pg.sh" setup "$STATE/pg" "$PGPORT"
	url() { "$ROOT/deploy/pg.sh" url "$STATE/pg" "$PGPORT" "$1" "$2"; }
	export CHIRP_USERD_DATABASE_URL=${CHIRP_USERD_DATABASE_URL:-$(url chirp_user chirp_user_svc)}
	export CHIRP_TWEETD_DATABASE_URL=${CHIRP_TWEETD_DATABASE_URL:-$(url chirp_tweet chirp_tweet_svc)}
	export CHIRP_NOTIFYD_DATABASE_URL=${CHIRP_NOTIFYD_DATABASE_URL:-$(url chirp_notify chirp_notify_svc)}
	USER_BUS=$(url chirp_user chirp_bus)
	TWEET_BUS=$(url chirp_tweet chirp_bus)
	NOTIFY_BUS=$(url chirp_notify chirp_bus)
else
	USER_BUS=${CHIRP_USERD_DATABASE_URL:-$CHIRP_DATABASE_URL}
	TWEET_BUS=${CHIRP_TWEETD_DATABASE_URL:-$CHIRP_DATABASE_URL}
	NOTIFY_BUS=${CHIRP_NOTIFYD_DATABASE_URL:-$CHIRP_DATABASE_URL}
fi
# NATS: the services publish there (bus_url), the subscribers take the
# events from there and ask the barrier of their database (bus.h).
if [ "${CHIRP_BUS:-}" = nats ]; then
	if [ -z "${CHIRP_NATS_URL:-}" ]; then
		NATS_PORT=${CHIRP_NATS_PORT:-4222}
		CHIRP_NATS_URL=nats://127.0.0.1:$NATS_PORT
		local_nats=1
	fi
	export CHIRP_BUS_URL=$CHIRP_NATS_URL
	USER_BUS="$CHIRP_NATS_URL $USER_BUS"
	TWEET_BUS="$CHIRP_NATS_URL $TWEET_BUS"
	NOTIFY_BUS="$CHIRP_NATS_URL $NOTIFY_BUS"
fi
export CHIRP_TWEETD_USER_BUS_URL=${CHIRP_TWEETD_USER_BUS_URL:-$USER_BUS}
export CHIRP_GATEWAY_USER_BUS_URL=${CHIRP_GATEWAY_USER_BUS_URL:-$USER_BUS}
export CHIRP_GATEWAY_TWEET_BUS_URL=${CHIRP_GATEWAY_TWEET_BUS_URL:-$TWEET_BUS}
export CHIRP_GATEWAY_NOTIFY_BUS_URL=${CHIRP_GATEWAY_NOTIFY_BUS_URL:-$NOTIFY_BUS}
export CHIRP_USERD_TWEET_BUS_URL=${CHIRP_USERD_TWEET_BUS_URL:-$TWEET_BUS}
export CHIRP_NOTIFYD_USER_BUS_URL=${CHIRP_NOTIFYD_USER_BUS_URL:-$USER_BUS}
export CHIRP_NOTIFYD_TWEET_BUS_URL=${CHIRP_NOTIFYD_TWEET_BUS_URL:-$TWEET_BUS}
export CHIRP_TOKEN_SECRET_FILE=${CHIRP_TOKEN_SECRET_FILE:-$STATE/secret}
# The secret of service credentials and bus events, made once, mode 0600.
export CHIRP_SERVICE_SECRET_FILE=${CHIRP_SERVICE_SECRET_FILE:-$STATE/service_secret}
if [ -z "${CHIRP_SERVICE_SECRET:-}" ] && [ ! -e "$CHIRP_SERVICE_SECRET_FILE" ]; then
	(umask 077; od -An -tx1 -N48 /dev/urandom | tr -d ' \n' \
	    >"$CHIRP_SERVICE_SECRET_FILE")
fi
export CHIRP_DISCOVERY_URL=${CHIRP_DISCOVERY_URL:-http://127.0.0.1:8040}
export CHIRP_USERD_SQL_DIR=${CHIRP_USERD_SQL_DIR:-$ROOT/sql/user}
export CHIRP_TWEETD_SQL_DIR=${CHIRP_TWEETD_SQL_DIR:-$ROOT/sql/tweet}
export CHIRP_NOTIFYD_SQL_DIR=${CHIRP_NOTIFYD_SQL_DIR:-$ROOT/sql/notify}

GATEWAYS=${CHIRP_GATEWAYS:-1}
case $GATEWAYS in
''|*[!0-9]*|0) echo "chirp: CHIRP_GATEWAYS must be a number from 1" >&2; exit 2 ;;
esac
OPS_BASE=${CHIRP_GATEWAY_OPS_BASE:-8130}

# start NAME BINARY [FLAGS...]: run it with every line of its output
# prefixed.
start() {
	local name=$1 bin=$2
	shift 2
	if [ ! -x "$BIN/$bin" ]; then
		echo "chirp: $bin is not built yet; skipping it"
		return
	fi
	"$BIN/$bin" "$@" > >(sed -u "s/^/$name | /") 2>&1 &
	pids="$pids $!"
}

if [ "${local_nats:-0}" -eq 1 ]; then
	echo "chirp: NATS JetStream in $STATE/nats on port $NATS_PORT"
	nats-server -js -sd "$STATE/nats" -p "$NATS_PORT" -a 127.0.0.1 \
	    > >(sed -u "s/^/nats | /") 2>&1 &
	pids="$pids $!"
	sleep 0.3
fi
start discovery chirp-discoveryd
sleep 0.3
start user chirp-userd
sleep 0.5	# the first instance applies the shared migrations' lock first
start tweet chirp-tweetd
start notify chirp-notifyd
if [ "$GATEWAYS" -eq 1 ]; then
	start gateway chirp-gateway
	echo "chirp: gateway on http://localhost:8030 (Ctrl-C stops everything)"
else
	for i in $(seq 0 $((GATEWAYS - 1))); do
		start "gateway$i" chirp-gateway --reuse_port=true \
		    --ops_port $((OPS_BASE + i))
	done
	echo "chirp: $GATEWAYS gateways on http://localhost:8030, each" \
	    "alone on $OPS_BASE..$((OPS_BASE + GATEWAYS - 1)) (Ctrl-C stops everything)"
fi
# shellcheck disable=SC2086
wait -n $pids 2>/dev/null || true
echo "chirp: a process ended; stopping the others"
