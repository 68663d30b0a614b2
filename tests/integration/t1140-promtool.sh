#!/usr/bin/env bash
# deploy/prometheus.yml and its alert rules pass promtool; every alert
# fires on the series it should (deploy/prometheus/alerts_test.yml); every
# query of the Grafana dashboard is PromQL that Prometheus parses; the
# dashboard names its data source by the provisioned uid.
. "$(dirname "$0")/../lib.sh"

D=$CHIRP_ROOT/deploy
NAMES=$CHIRP_ROOT/tests/tools/promql-names.py
if ! command -v promtool >/dev/null; then
	not_ok "promtool is installed" "deploy/deps.sh test installs it (Debian's prometheus)"
	finish; exit
fi

# The config names the rules where the container mounts them; check a copy
# that names the file in the tree instead, the rest unchanged.
check "prometheus.yml loads /etc/prometheus/alerts.yml" \
    grep -Eq '^  - /etc/prometheus/alerts.yml$' "$D/prometheus.yml"
sed "s#/etc/prometheus/alerts.yml#$D/prometheus/alerts.yml#" \
    "$D/prometheus.yml" >"$T/prometheus.yml"
check "promtool check config" promtool check config "$T/prometheus.yml"
for job in user tweet notify gateway discovery; do
	check "job $job finds its replicas by DNS" /usr/bin/python3 -c '
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
j = [s for s in c["scrape_configs"] if s["job_name"] == sys.argv[2]]
assert j and j[0]["dns_sd_configs"][0]["names"] == [sys.argv[2]], j
' "$D/prometheus.yml" "$job"
done
check "promtool check rules" promtool check rules "$D/prometheus/alerts.yml"
check "every alert has for, severity, summary and description" \
    /usr/bin/python3 -c '
import sys, yaml
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        assert r.get("for") and r["labels"]["severity"] in ("critical", "warning"), r
        assert r["annotations"]["summary"] and r["annotations"]["description"], r
' "$D/prometheus/alerts.yml"
check "promtool test rules: each alert fires on its series" \
    promtool test rules "$D/prometheus/alerts_test.yml"
check "every alert has a unit test" /usr/bin/python3 -c '
import sys, yaml
rules = {r["alert"] for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"]}
tested = {a["alertname"] for t in yaml.safe_load(open(sys.argv[2]))["tests"]
    for a in t.get("alert_rule_test", []) if a.get("exp_alerts")}
assert rules <= tested, rules - tested
' "$D/prometheus/alerts.yml" "$D/prometheus/alerts_test.yml"

# A rule file of the dashboard's queries (Grafana's variables given
# values) makes promtool parse each one.
/usr/bin/python3 "$NAMES" --exprs "$D/grafana/dashboards/chirp.json" |
    grep -v '^label_values(' >"$T/exprs"
check "the dashboard has queries" test "$(wc -l <"$T/exprs")" -ge 20
/usr/bin/python3 - "$T/exprs" >"$T/dash-rules.yml" <<'PY'
import json, sys
print("groups:\n  - name: dashboard\n    rules:")
for i, e in enumerate(open(sys.argv[1]).read().splitlines()):
    e = e.replace("$__rate_interval", "1m").replace("$service", ".*")
    print("      - record: dashboard_query_%d\n        expr: %s" % (i, json.dumps(e)))
PY
check "every dashboard query is PromQL" promtool check rules "$T/dash-rules.yml"
UID_DS=$(/usr/bin/python3 -c 'import sys, yaml
print(yaml.safe_load(open(sys.argv[1]))["datasources"][0]["uid"])' \
    "$D/grafana/datasources/prometheus.yml")
check "the data source has a uid" test -n "$UID_DS"
check "every panel and target names that data source" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["panels"]:
    if p["type"] == "row":
        continue
    for o in [p] + p["targets"]:
        assert o["datasource"] == {"type": "prometheus", "uid": sys.argv[2]}, p["title"]
' "$D/grafana/dashboards/chirp.json" "$UID_DS"
check "the dashboards provider reads the mounted folder" /usr/bin/python3 -c '
import sys, yaml
p = yaml.safe_load(open(sys.argv[1]))["providers"][0]
assert p["type"] == "file" and p["options"]["path"] == "/etc/grafana/provisioning/dashboards"
' "$D/grafana/dashboards/dashboards.yml"

# The name extractor that t1141 relies on finds what it should.
printf '%s' '{"panels":[{"targets":[{"expr":"sum by (a) (rate(x_total{b=\"c_d\"}[5m])) / on (e) group_left (f) y offset 1h > 1e3 and count without (g) (z) unless absent(w)"}]}],"templating":{"list":[{"query":{"query":"label_values(v, service)"}}]}}' >"$T/t.json"
expect_eq "the extractor keeps metrics, drops functions, labels, keywords" \
    "$(/usr/bin/python3 "$NAMES" "$T/t.json" | paste -sd' ')" "v w x_total y z"
finish
