#!/usr/bin/env bash
# The Kubernetes manifests (deploy/k8s, deploy/k8s/postgres) render with
# kubectl kustomize, and what they render fits the binaries: every image
# is one of the five, every port, probe and CHIRP_ variable is one that
# the binary's --help knows, every Service, autoscaler, budget and network
# policy finds its pods (tests/tools/k8s-check.py). Then the checker is
# shown to catch a wrong port, an unknown variable, a wrong probe and a
# wrong image.
. "$(dirname "$0")/../lib.sh"

CHECK="/usr/bin/python3 $CHIRP_ROOT/tests/tools/k8s-check.py $CHIRP_BIN"

if ! command -v kubectl >/dev/null; then
	not_ok "kubectl is installed" "deploy/deps.sh test installs kubernetes-client"
	finish; exit
fi

# A copy, with the secret files the README says to make (never committed).
cp -r "$CHIRP_ROOT/deploy/k8s" "$T/k8s"
(umask 077
 od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$T/k8s/secrets/service_secret"
 od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$T/k8s/secrets/token_secret"
 od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$T/k8s/postgres/secrets/bus_password")

check "deploy/k8s renders" sh -c "kubectl kustomize '$T/k8s' >'$T/app.yaml'"
check "deploy/k8s/postgres renders" \
    sh -c "kubectl kustomize '$T/k8s/postgres' >'$T/pg.yaml'"
check "no secret file is in the repository" sh -c \
    "! git -C '$CHIRP_ROOT' ls-files --error-unmatch deploy/k8s/secrets/service_secret deploy/k8s/secrets/token_secret deploy/k8s/postgres/secrets/bus_password 2>/dev/null"
check "the secret is generated from the files" \
    grep -q "name: chirp-secrets-" "$T/app.yaml"

if $CHECK "$T/app.yaml" "$T/pg.yaml" >"$T/check.txt" 2>&1; then
	ok "the manifests fit the binaries ($(tail -n 1 "$T/check.txt"))"
else
	not_ok "the manifests fit the binaries" "$(cat "$T/check.txt")"
fi

# mutant DESC PATTERN SED-EXPR [FILE]: the checker refuses the rendered
# manifests changed by SED-EXPR, saying PATTERN.
mutant() {
	local d=$1 pat=$2 expr=$3 f=${4:-app.yaml}
	cp "$T/app.yaml" "$T/m-app.yaml"; cp "$T/pg.yaml" "$T/m-pg.yaml"
	sed -i "$expr" "$T/m-$f"
	if cmp -s "$T/$f" "$T/m-$f"; then
		not_ok "$d" "the change '$expr' changed nothing"; return
	fi
	if $CHECK "$T/m-app.yaml" "$T/m-pg.yaml" >"$T/m.txt" 2>&1; then
		not_ok "$d" "the checker passed it"
	elif grep -q -- "$pat" "$T/m.txt"; then
		ok "$d"
	else
		not_ok "$d" "the checker said: $(head -c 400 "$T/m.txt")"
	fi
}
mutant "a wrong container port is caught" "listens on 8000" \
    's/containerPort: 8000/containerPort: 8001/'
mutant "a port the ConfigMap moves is caught" "listens on 8005" \
    's/^  CHIRP_BIND: 0.0.0.0/&\n  CHIRP_USERD_PORT: "8005"/'
mutant "an unknown variable in the ConfigMap is caught" "CHIRP_USERD_NO_SUCH is no setting" \
    's/^  CHIRP_BIND: 0.0.0.0/&\n  CHIRP_USERD_NO_SUCH: "1"/'
mutant "a variable of another binary is caught" "CHIRP_FEED_CAP is no setting of chirp-notifyd" \
    '0,/- name: CHIRP_DATABASE_URL/s//- name: CHIRP_FEED_CAP\n          value: "5"\n        &/'
mutant "a probe off /status is caught" "not /status" \
    '0,/path: \/status/s//path: \/healthz/'
mutant "an image of none of the binaries is caught" "is none of" \
    '0,/image: localhost\/chirp-gateway:latest/s//image: localhost\/chirp-web:latest/'
mutant "a flag the binary does not know is caught" "has no flag --nosuchflag" \
    's/- chirp-gateway$/&\n        - --nosuchflag/'
mutant "a Service selecting no pods is caught" "selects no pods" \
    '0,/app.kubernetes.io\/name: chirp-notifyd$/s//app.kubernetes.io\/name: chirp-notify/'
mutant "a database without max_prepared_transactions is caught" \
    "max_prepared_transactions is not set" \
    '0,/max_prepared_transactions: "64"/s//max_prepared_transactions: "0"/' pg.yaml

finish
