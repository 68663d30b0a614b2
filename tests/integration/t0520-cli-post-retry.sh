#!/usr/bin/env bash
# t0520: a post whose answer is lost on the network is retried with the
# same Idempotency-Key, and the tweet exists once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
unset CHIRP_TOKEN CHIRP_SERVER
export XDG_CONFIG_HOME=$T/cfg

PROXY_PORT=$(free_port)
start_proc proxy python3 "$CHIRP_ROOT/tests/tools/drop-first-answer.py" \
    "$PROXY_PORT" "$GATEWAY_PORT" "$T/proxy.log"
wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PROXY_PORT"
PROXY=http://127.0.0.1:$PROXY_PORT

printf 'password123\n' | "$CHIRP_BIN/chirp" --server "$GATEWAY" register \
    retry_amy --password-stdin >/dev/null 2>&1
ID=$(jq -r .userId <"$XDG_CONFIG_HOME/chirp/token")
# The stored login belongs to the gateway's address; through the proxy
# the token is given as CHIRP_TOKEN.
TOKEN=$(jq -r .accessToken <"$XDG_CONFIG_HOME/chirp/token")

CHIRP_TOKEN=$TOKEN "$CHIRP_BIN/chirp" --server "$PROXY" post "said once, heard twice" \
    >"$T/out" 2>"$T/err"
expect_eq "the post succeeds after the lost answer" "$?" 0
NEW=$(cat "$T/out")

posts=$(grep -c '^POST /tweets ' "$T/proxy.log")
keys=$(grep '^POST /tweets ' "$T/proxy.log" | awk '{print $3}' | sort -u |
    wc -l)
expect_eq "the post went out twice" "$posts" 2
expect_eq "both times with the same Idempotency-Key" "$keys" 1
check "the key is not empty" grep -q '^POST /tweets [!-~]' "$T/proxy.log"

http GET "$GATEWAY/tweets/userTimeline/$ID"
expect_eq "the tweet exists once" \
    "$(jb '[.tweets[] | select(.content == "said once, heard twice")] | length')" 1
expect_eq "the id printed is that tweet's" "$(jb '.tweets[0].tweetId')" "$NEW"

finish
