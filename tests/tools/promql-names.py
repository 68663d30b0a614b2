#!/usr/bin/python3
"""promql-names.py: the metric names that PromQL expressions read.

  promql-names.py FILE...   print every name, one a line, sorted
  promql-names.py --exprs FILE...   print every expression, one a line

FILE is a Grafana dashboard (.json: every target's "expr" and every
templating query) or Prometheus rules (.yml: every rule's "expr").

A name is an identifier that is not a function or aggregation (followed by
"(", or an aggregation followed by by/without), a keyword or operator word, a label name (inside {...} or the list
after by/without/on/ignoring/group_left/group_right) or part of a number
or duration. Strings, {...} matchers and [...] ranges are dropped first.
Grafana's variables ($service, $__rate_interval) only occur in those.
"""
import json
import re
import sys

import yaml

KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            "by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar",
                "count", "count_values", "bottomk", "topk", "quantile"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
TOKEN = re.compile(r"""
    (?P<num>(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
        (?:(?:ms|[smhdwy])[0-9]*)*)
  | (?P<id>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<other>\S)
""", re.X)


def drop_strings(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c in "\"'`":
            j = i + 1
            while j < len(s) and s[j] != c:
                j += 2 if s[j] == "\\" and c != "`" else 1
            i = j + 1
            out.append(' "" ')
        else:
            out.append(c)
            i += 1
    return "".join(out)


def drop_blocks(s, open_, close):
    out, depth = [], 0
    for c in s:
        if c == open_:
            depth += 1
        elif c == close and depth:
            depth -= 1
        elif not depth:
            out.append(c)
    return "".join(out)


def names(expr):
    # Grafana's label_values(metric, label): only the metric is one.
    expr = re.sub(r"label_values\(\s*([^,()]+?)\s*(?:,[^()]*)?\)", r"\1",
                  expr)
    expr = drop_strings(expr)
    expr = drop_blocks(expr, "{", "}")
    expr = drop_blocks(expr, "[", "]")
    toks = [(m.lastgroup, m.group()) for m in TOKEN.finditer(expr)]
    found, i = set(), 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else (None, None)
        if kind == "id" and text in GROUPING and nxt[0] == "open":
            # a list of label names: skip to its ")"
            while i < len(toks) and toks[i][0] != "close":
                i += 1
        elif kind == "id" and nxt[0] == "open":
            pass    # a function or an aggregation
        elif kind == "id" and text in AGGREGATIONS and \
                nxt[1] in ("by", "without"):
            pass    # "sum by (a) (x)"
        elif kind == "id" and text.lower() not in KEYWORDS:
            found.add(text)
        i += 1
    return found


def exprs(path):
    if path.endswith(".json"):
        found = []

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k == "expr" and isinstance(v, str):
                        found.append(v)
                    elif k == "query" and isinstance(v, str):
                        found.append(v)
                    elif k == "query" and isinstance(v, dict) and \
                            isinstance(v.get("query"), str):
                        found.append(v["query"])
                    else:
                        walk(v)
            elif isinstance(o, list):
                for v in o:
                    walk(v)
        with open(path) as f:
            walk(json.load(f))
        return found
    with open(path) as f:
        doc = yaml.safe_load(f)
    return [r["expr"] for g in doc.get("groups", [])
            for r in g.get("rules", []) if "expr" in r]


def main(argv):
    show = argv[:1] == ["--exprs"]
    files = argv[1:] if show else argv
    if not files:
        sys.exit("usage: promql-names.py [--exprs] FILE...")
    all_exprs = [e for f in files for e in exprs(f)]
    if show:
        for e in all_exprs:
            print(" ".join(e.split()))
        return
    out = set()
    for e in all_exprs:
        out |= names(e)
    for n in sorted(out):
        print(n)


if __name__ == "__main__":
    main(sys.argv[1:])
