#!/usr/bin/python3
"""k8s-check.py: check the rendered Kubernetes manifests against the binaries.

    k8s-check.py BINDIR APP.yaml POSTGRES.yaml

APP.yaml is `kubectl kustomize deploy/k8s`, POSTGRES.yaml the same of
deploy/k8s/postgres. Each binary's --help is the truth: the settings it
has (environment CHIRP_<NAME> or CHIRP_<PROGRAM>_<NAME>), their defaults
(the port it listens on) and its flags. Prints one line per problem and
exits 1 when there is any, else prints what it checked and exits 0.
"""
import re
import subprocess
import sys
from urllib.parse import urlsplit

import yaml

BINARIES = ["chirp-userd", "chirp-tweetd", "chirp-notifyd", "chirp-gateway",
            "chirp-discoveryd"]
KNOWN_KINDS = {
    ("v1", "Namespace"), ("v1", "ConfigMap"), ("v1", "Secret"),
    ("v1", "Service"), ("apps/v1", "Deployment"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("networking.k8s.io/v1", "Ingress"),
    ("postgresql.cnpg.io/v1", "Cluster"),
}
# the init container that copies the secret files runs the image's shell
SHELL = {"sh", "/bin/sh"}

problems = []


def bad(msg):
    problems.append(msg)


class Binary:
    """One program as its --help describes it."""

    def __init__(self, bindir, name):
        self.name = name
        self.prog = name[len("chirp-"):].upper()
        out = subprocess.run([bindir + "/" + name, "--help"],
                             capture_output=True, text=True, timeout=30)
        self.help = out.stdout + out.stderr
        self.settings = {}
        for line in self.help.splitlines():
            m = re.match(r"^  ([a-z][a-z0-9_]*)\s{2,}(.*)$", line)
            if m:
                d = re.search(r"default: ([^)]*)\)\s*$", m.group(2))
                self.settings[m.group(1)] = d.group(1) if d else None
        if "port" not in self.settings:
            bad(f"{name}: --help lists no port setting")

    def setting_of(self, var):
        """The setting an environment variable names for this binary."""
        if not var.startswith("CHIRP_"):
            return None
        rest = var[len("CHIRP_"):]
        if rest.startswith(self.prog + "_"):
            rest = rest[len(self.prog) + 1:]
        name = rest.lower()
        return name if name in self.settings else None

    def knows_flag(self, flag):
        name = flag[2:].split("=", 1)[0]
        if name in self.settings:
            return True
        return re.search(r"(^|[\s\[|])" + re.escape(flag.split("=", 1)[0])
                         + r"($|[\s\]|=])", self.help, re.M) is not None


def load(path):
    objs = [o for o in yaml.safe_load_all(open(path)) if o]
    for o in objs:
        key = (o.get("apiVersion"), o.get("kind"))
        if key not in KNOWN_KINDS:
            bad(f"{path}: unknown apiVersion/kind {key} "
                f"({o.get('metadata', {}).get('name')})")
    return objs


def by_kind(objs, kind):
    return {o["metadata"]["name"]: o for o in objs if o["kind"] == kind}


def image_name(image):
    """localhost/chirp-userd:latest -> chirp-userd"""
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].split(":", 1)[0]


def selects(selector, labels):
    """A label selector (matchLabels/matchExpressions or a plain map)."""
    if selector is None:
        return False
    ml = selector.get("matchLabels", None)
    me = selector.get("matchExpressions", None)
    if ml is None and me is None:
        ml = selector
    for k, v in (ml or {}).items():
        if labels.get(k) != v:
            return False
    for e in me or []:
        has = e["key"] in labels
        val = labels.get(e["key"])
        op = e["operator"]
        if op == "In" and (not has or val not in e["values"]):
            return False
        if op == "NotIn" and has and val in e["values"]:
            return False
        if op == "Exists" and not has:
            return False
        if op == "DoesNotExist" and has:
            return False
    return True


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    bindir, app_path, pg_path = sys.argv[1:]
    bins = {b: Binary(bindir, b) for b in BINARIES}
    app = load(app_path)
    pg = load(pg_path)

    configmaps = by_kind(app, "ConfigMap")
    secrets = set(by_kind(app, "Secret")) | set(by_kind(pg, "Secret"))
    clusters = by_kind(pg, "Cluster")
    # the operator makes <cluster>-app (keys uri, password, ...)
    secrets |= {c + "-app" for c in clusters}
    deployments = by_kind(app, "Deployment")
    services = by_kind(app, "Service")
    for b in BINARIES:
        if b not in deployments:
            bad(f"no Deployment {b}")
    # pods: (labels, {port name: number}, set of numbers), per Deployment
    pods = {}
    checked = 0

    # --- Deployments -------------------------------------------------
    # ConfigMap key -> binaries of the containers that load it
    cm_users = {}
    for dname, d in deployments.items():
        spec = d["spec"]["template"]["spec"]
        labels = d["spec"]["template"]["metadata"].get("labels", {})
        if not selects(d["spec"]["selector"], labels):
            bad(f"Deployment {dname}: selector does not select its pods")
        psc = spec.get("securityContext", {})
        volumes = {v["name"] for v in spec.get("volumes", [])}
        for v in spec.get("volumes", []):
            if "secret" in v and v["secret"]["secretName"] not in secrets:
                bad(f"Deployment {dname}: volume {v['name']} names a "
                    f"Secret nobody makes: {v['secret']['secretName']}")
        portnames, portnums = {}, set()
        conts = [(c, True) for c in spec.get("initContainers", [])] + \
            [(c, False) for c in spec["containers"]]
        for c, init in conts:
            where = f"Deployment {dname} container {c['name']}"
            img = image_name(c.get("image", ""))
            if img not in bins:
                bad(f"{where}: image {c.get('image')} is none of "
                    f"{', '.join(BINARIES)}")
                continue
            b = bins[img]
            # security: every container, whatever it runs
            sc = c.get("securityContext", {})
            if not (sc.get("runAsNonRoot", psc.get("runAsNonRoot"))):
                bad(f"{where}: runAsNonRoot is not set")
            if sc.get("runAsUser", psc.get("runAsUser")) != 10001:
                bad(f"{where}: runAsUser is not 10001")
            if not sc.get("readOnlyRootFilesystem"):
                bad(f"{where}: the root filesystem is writable")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                bad(f"{where}: capabilities are not all dropped")
            if sc.get("allowPrivilegeEscalation", True):
                bad(f"{where}: allowPrivilegeEscalation is not false")
            res = c.get("resources", {})
            for part in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if r not in res.get(part, {}):
                        bad(f"{where}: no {r} in resources.{part}")
            mounts = c.get("volumeMounts", [])
            for m in mounts:
                if m["name"] not in volumes:
                    bad(f"{where}: mounts an undeclared volume {m['name']}")
            cmd = c.get("command") or []
            if not cmd:
                bad(f"{where}: no command (which binary runs?)")
                continue
            if cmd[0] in SHELL and init:
                continue
            if cmd[0] != b.name:
                bad(f"{where}: runs {cmd[0]} from the image {img}")
                continue
            for a in list(cmd[1:]) + list(c.get("args") or []):
                if a.startswith("--") and not b.knows_flag(a):
                    bad(f"{where}: {b.name} has no flag {a} (its --help)")

            # the environment as the process sees it
            env = {}
            for ef in c.get("envFrom", []):
                ref = ef.get("configMapRef", {}).get("name")
                if ref is None:
                    bad(f"{where}: envFrom other than a ConfigMap")
                elif ref not in configmaps:
                    bad(f"{where}: envFrom names no ConfigMap: {ref}")
                else:
                    for k, v in (configmaps[ref].get("data") or {}).items():
                        env[k] = str(v)
                        cm_users.setdefault((ref, k), set()).add(b.name)
            for e in c.get("env", []):
                k = e["name"]
                if "value" in e:
                    v = str(e["value"])
                    for ref in re.findall(r"\$\(([A-Za-z0-9_]+)\)", v):
                        if ref not in env:
                            bad(f"{where}: {k} uses $({ref}), not defined "
                                f"before it")
                    env[k] = re.sub(r"\$\(([A-Za-z0-9_]+)\)",
                                    lambda m: env.get(m.group(1), ""), v)
                else:
                    vf = e.get("valueFrom", {})
                    sk = vf.get("secretKeyRef")
                    if sk and sk["name"] not in secrets:
                        bad(f"{where}: {k} from a Secret nobody makes: "
                            f"{sk['name']}")
                    env[k] = "x"  # known only in the cluster
                if k.startswith("CHIRP_") and b.setting_of(k) is None:
                    bad(f"{where}: {k} is no setting of {b.name}")
            values = {}
            for k, v in env.items():
                s = b.setting_of(k)
                if s is None:
                    continue
                # CHIRP_<PROG>_<NAME> wins over CHIRP_<NAME> (config.c)
                specific = k.startswith(f"CHIRP_{b.prog}_")
                if s not in values or specific:
                    values[s] = v
            port = int(values.get("port", b.settings.get("port") or 0))
            bind = values.get("bind", b.settings.get("bind"))
            for s in ("service_secret_file", "token_secret_file"):
                if s in values and not any(
                        values[s].startswith(m["mountPath"].rstrip("/") + "/")
                        for m in mounts):
                    bad(f"{where}: {s} {values[s]} is on no volume")
            if init:
                continue

            # the serving container
            if bind != "0.0.0.0":
                bad(f"{where}: {b.name} listens on {bind}, not 0.0.0.0")
            for p in c.get("ports", []):
                if "name" in p:
                    portnames[p["name"]] = p["containerPort"]
                portnums.add(p["containerPort"])
            if port not in portnums:
                bad(f"{where}: {b.name} listens on {port}, the container "
                    f"declares {sorted(portnums)}")
            for pr in ("readinessProbe", "livenessProbe"):
                hg = c.get(pr, {}).get("httpGet")
                if hg is None:
                    bad(f"{where}: no httpGet {pr}")
                    continue
                if hg.get("path") != "/status":
                    bad(f"{where}: {pr} asks {hg.get('path')}, not /status")
                pp = portnames.get(hg.get("port"), hg.get("port"))
                if pp != port:
                    bad(f"{where}: {pr} port {hg.get('port')} is not the "
                        f"port {b.name} listens on ({port})")
            ann = d["spec"]["template"]["metadata"].get("annotations", {})
            if ann.get("prometheus.io/port") not in (None, str(port)):
                bad(f"{where}: prometheus.io/port is not {port}")
            for k, v in values.items():
                checked += 1
                if not k.endswith("_url"):
                    continue
                for u in v.split():
                    check_url(where, k, u, services, clusters)
        pods[dname] = (labels, portnames, portnums)

    # every ConfigMap variable is a setting of a binary that reads it
    for cname, cm in configmaps.items():
        for k in (cm.get("data") or {}):
            if not k.startswith("CHIRP_"):
                continue
            users = cm_users.get((cname, k), set())
            if not any(bins[u].setting_of(k) for u in users):
                bad(f"ConfigMap {cname}: {k} is no setting of "
                    f"{', '.join(sorted(users)) or 'any container'}")
            prog = k.split("_")[1]
            named = [b for b in bins.values() if b.prog == prog]
            if named and named[0].setting_of(k) is None:
                bad(f"ConfigMap {cname}: {k} is no setting of "
                    f"{named[0].name}")

    def pods_of(selector):
        return [n for n, (labels, _, _) in pods.items()
                if selects(selector, labels)]

    # --- Services, autoscalers, budgets ------------------------------
    for sname, s in services.items():
        sel = s["spec"].get("selector")
        chosen = pods_of(sel)
        if not chosen:
            bad(f"Service {sname}: selects no pods")
        for p in s["spec"]["ports"]:
            t = p.get("targetPort", p["port"])
            for n in chosen:
                _, names, nums = pods[n]
                if (t not in names) if isinstance(t, str) else (t not in nums):
                    bad(f"Service {sname}: port {p['port']} targets {t}, "
                        f"which pods of {n} do not declare")
    hpa_targets = set()
    for hname, h in by_kind(app, "HorizontalPodAutoscaler").items():
        ref = h["spec"]["scaleTargetRef"]
        if ref.get("kind") != "Deployment" or ref["name"] not in deployments:
            bad(f"HorizontalPodAutoscaler {hname}: targets no Deployment "
                f"({ref.get('kind')} {ref.get('name')})")
        hpa_targets.add(ref["name"])
        if h["spec"].get("minReplicas", 1) > h["spec"]["maxReplicas"]:
            bad(f"HorizontalPodAutoscaler {hname}: min above max")
    for need in ("chirp-userd", "chirp-tweetd", "chirp-notifyd",
                 "chirp-gateway"):
        if need not in hpa_targets:
            bad(f"no HorizontalPodAutoscaler for {need}")
    # discovery keeps its registry in memory: one replica, never scaled
    disc = deployments.get("chirp-discoveryd")
    if disc is not None and disc["spec"].get("replicas", 1) != 1 or "chirp-discoveryd" in \
            hpa_targets:
        bad("chirp-discoveryd must run exactly one replica")
    for pname, p in by_kind(app, "PodDisruptionBudget").items():
        chosen = pods_of(p["spec"].get("selector"))
        if not chosen:
            bad(f"PodDisruptionBudget {pname}: selects no pods")
        for n in chosen:
            r = deployments[n]["spec"].get("replicas", 1)
            if isinstance(p["spec"].get("minAvailable"), int) and \
                    p["spec"]["minAvailable"] >= r:
                bad(f"PodDisruptionBudget {pname}: minAvailable "
                    f"{p['spec']['minAvailable']} of {r} replicas of {n} "
                    f"blocks every drain")

    # --- NetworkPolicies ---------------------------------------------
    deny = False
    for nname, n in by_kind(app, "NetworkPolicy").items():
        sel = n["spec"]["podSelector"]
        if sel == {} and not n["spec"].get("ingress") and \
                "Ingress" in n["spec"].get("policyTypes", []):
            deny = True
            continue
        chosen = pods_of(sel)
        if not chosen:
            bad(f"NetworkPolicy {nname}: selects no pods")
        for rule in n["spec"].get("ingress", []):
            froms = rule.get("from")
            if not froms and chosen != ["chirp-gateway"]:
                bad(f"NetworkPolicy {nname}: open to every address, but "
                    f"only the gateway faces clients ({chosen})")
            for f in froms or []:
                if "podSelector" in f and "namespaceSelector" not in f and \
                        not pods_of(f["podSelector"]):
                    bad(f"NetworkPolicy {nname}: a rule admits pods that "
                        f"do not exist: {f['podSelector']}")
            for p in rule.get("ports", []):
                for c in chosen:
                    _, names, nums = pods[c]
                    t = p.get("port")
                    if (t not in names) if isinstance(t, str) \
                            else (t not in nums):
                        bad(f"NetworkPolicy {nname}: port {t} is not "
                            f"declared by {c}")
    if not deny:
        bad("no default deny of ingress (NetworkPolicy with podSelector {})")

    # --- the databases -----------------------------------------------
    for cname, c in clusters.items():
        mpt = (c["spec"].get("postgresql", {}).get("parameters", {})
               .get("max_prepared_transactions", "0"))
        if int(mpt) <= 0:
            bad(f"Cluster {cname}: max_prepared_transactions is not set "
                f"(account deletion uses two-phase commit)")
    for nname, n in by_kind(pg, "NetworkPolicy").items():
        sel = n["spec"]["podSelector"]
        if not any(selects(sel, {"cnpg.io/cluster": c}) for c in clusters):
            bad(f"NetworkPolicy {nname} (postgres): selects no cluster")

    if problems:
        for p in problems:
            print("k8s-check: " + p)
        sys.exit(1)
    print(f"k8s-check: {len(app)} objects, {len(deployments)} Deployments, "
          f"{checked} settings, {len(clusters)} database clusters: ok")


def check_url(where, setting, url, services, clusters):
    """A URL a setting points at reaches a Service or a database."""
    u = urlsplit(url)
    host = (u.hostname or "").split(".")[0]
    if u.scheme == "http":
        s = services.get(host)
        if s is None:
            bad(f"{where}: {setting} {url}: no Service {host}")
        elif u.port not in [p["port"] for p in s["spec"]["ports"]]:
            bad(f"{where}: {setting} {url}: Service {host} has no port "
                f"{u.port}")
    elif u.scheme in ("postgresql", "postgres"):
        if not host.endswith("-rw") or host[:-3] not in clusters:
            bad(f"{where}: {setting}: no database cluster behind {host}")


if __name__ == "__main__":
    main()
