#!/bin/sh
# secrets.sh DIR: the secret files docker-compose.yml reads, made in DIR
# (./secrets by default) when missing; existing ones are kept.
#
#   token_secret, service_secret         48 random bytes, hex
#   bus_password                         the bus role chirp_bus
#   user_db_password, tweet_db_password, notify_db_password
#                                        each database's owner, chirp
#   user_pgpass, tweet_pgpass, notify_pgpass, gateway_pgpass
#                                        libpq password files: a process's
#                                        own database and the buses it
#                                        listens to
#   grafana_admin_password               Grafana's admin
#
# chirp reads a secret file only when it belongs to the user it runs as
# with mode 0600, and Compose mounts secret files as they are: each file is
# made 0600 and, as root, given to uid 10001, the user every container
# that reads secrets runs as (CHIRP_SECRETS_UID to change it). Without
# root it says what to run.
set -eu
dir=${1:-secrets}
uid=${CHIRP_SECRETS_UID:-10001}
umask 077
mkdir -p "$dir"

rand() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
# make NAME CONTENT-COMMAND...: NAME from the output of the command.
make_secret() {
	name=$1; shift
	[ -s "$dir/$name" ] && return 0
	"$@" >"$dir/$name.tmp"
	mv "$dir/$name.tmp" "$dir/$name"
	echo "secrets: made $dir/$name"
}
pgpass() {
	# pgpass OWNER-DB-HOST DB: the owner's line (when given) and the bus
	# role's line for every database
	if [ -n "$1" ]; then
		printf '%s:5432:%s:chirp:%s\n' "$1" "$2" \
		    "$(cat "$dir/${1%-db}_db_password")"
	fi
	printf '*:5432:*:chirp_bus:%s\n' "$(cat "$dir/bus_password")"
}

make_secret token_secret rand 48
make_secret service_secret rand 48
make_secret bus_password rand 24
make_secret user_db_password rand 24
make_secret tweet_db_password rand 24
make_secret notify_db_password rand 24
make_secret grafana_admin_password rand 16
make_secret user_pgpass pgpass user-db chirp_user
make_secret tweet_pgpass pgpass tweet-db chirp_tweet
make_secret notify_pgpass pgpass notify-db chirp_notify
make_secret gateway_pgpass pgpass "" ""

chmod 600 "$dir"/*
if [ "$(id -u)" -eq 0 ]; then
	chown "$uid:$uid" "$dir"/*
elif [ "$(stat -c %u "$dir/token_secret")" != "$uid" ]; then
	echo "secrets: now run: sudo chown $uid:$uid $dir/*" >&2
	echo "secrets: (the containers run as uid $uid and read them)" >&2
fi
