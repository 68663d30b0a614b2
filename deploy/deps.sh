#!/bin/sh
# deps.sh: install the Debian 12 packages chirp needs, when any is missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
# "deps.sh test" adds what only the tests need (headless Chromium for the
# /docs page, python3-h2 for the HTTP/2 attacks of tests/security/,
# promtool from prometheus for the alert rules and the dashboard,
# kubectl and python3-yaml for the Kubernetes manifests),
# "deps.sh bench" what the benchmarks need (wrk, gnuplot for the plots),
# "deps.sh nats" the NATS server of make run's CHIRP_BUS=nats (the tests
# run it too), "deps.sh compose" what make test-compose runs the compose
# file with: podman (with runc, and the CNI dnsname plugin for names on
# a network), podman-compose, mmdebstrap for the base image, and
# docker-compose for its config check.
set -eu

PKGS="build-essential pkg-config libpq-dev libwebsockets-dev \
libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libsodium-dev \
libncurses-dev libcmocka-dev libhttp-parser-dev libnats-dev postgresql curl \
jq tmux python3-flasgger"
[ "${1:-}" = test ] && PKGS="$PKGS chromium python3-h2 nats-server"
# promtool (tests/integration/t1140-t1141); only the tool is wanted
[ "${1:-}" = test ] && PKGS="$PKGS prometheus python3-yaml"
# kubectl kustomize renders deploy/k8s (t1160): Debian's kubectl (1.20)
# only where there is none, so that a newer one is never replaced
[ "${1:-}" = test ] && ! command -v kubectl >/dev/null &&
	PKGS="$PKGS kubernetes-client"
# make run with CHIRP_BUS=nats starts a local nats-server
[ "${1:-}" = nats ] && PKGS="$PKGS nats-server"
[ "${1:-}" = compose ] && PKGS="$PKGS podman podman-compose runc \
golang-github-containernetworking-plugin-dnsname dnsmasq-base mmdebstrap \
docker-compose"
[ "${1:-}" = bench ] && PKGS="$PKGS wrk nats-server gnuplot-nox"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: missing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
case " $missing " in
*" prometheus "*)
	# The package starts a Prometheus daemon on port 9090, which the
	# compose stack publishes: the tests want promtool only.
	if [ -d /run/systemd/system ]; then
		systemctl disable --now prometheus >/dev/null 2>&1 || true
	else
		invoke-rc.d prometheus stop >/dev/null 2>&1 || true
		update-rc.d prometheus disable >/dev/null 2>&1 || true
	fi
	;;
esac
echo "deps: installed:$missing"
