#!/usr/bin/env bash
# Static checks of deploy/ (ctest: prometheus_config, label deploy):
#   - promtool check config on a copy of deploy/prometheus/prometheus.yml whose bearer
#     credentials_file points at a temporary file (promtool insists that it exists);
#   - promtool check rules alerts.yml, promtool test rules alerts_test.yml;
#   - the Grafana dashboard is JSON, every panel uses the ${DS_PROMETHEUS} variable, every
#     query parses as PromQL (promtool), and every metric a query or an alert names is
#     `up` or a perspectief_ metric that api/metrics.cpp registers (or one the spec
#     announces);
#   - the Kubernetes manifest parses as YAML and keeps its hardening (1 replica, non-root,
#     read-only root file system, no capabilities, probes, 0400 Secrets);
#   - the Containerfile copies every source directory CMakeLists.txt adds;
#   - the systemd unit passes `systemd-analyze verify` (skipped where that is missing).
# Runs every check, then exits 1 if any failed. Needs promtool (Debian package
# prometheus) and PyYAML (python3-yaml); deploy/install-deps.sh installs both.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
deploy="$root/deploy"

command -v promtool >/dev/null || {
  echo "check_prometheus_config: promtool is not installed (deploy/install-deps.sh installs package prometheus)" >&2
  exit 1
}
# The first python3 that has PyYAML (Debian's python3-yaml serves /usr/bin/python3).
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null; then
    py=$candidate
    break
  fi
done
[ -n "$py" ] || {
  echo "check_prometheus_config: no python3 with PyYAML (deploy/install-deps.sh installs python3-yaml)" >&2
  exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=()
check() {  # check NAME COMMAND...: runs the command, records a failure, goes on
  local name=$1
  shift
  echo "== $name"
  if "$@"; then
    echo "-- ok: $name"
  else
    echo "-- FAILED: $name"
    failed+=("$name")
  fi
}

# --- Prometheus configuration and rules ------------------------------------------------------
prometheus_config() {
  mkdir -p "$tmp/prometheus"
  cp "$deploy/prometheus/alerts.yml" "$tmp/prometheus/"
  printf 'not-a-real-token' >"$tmp/prometheus/perspectief-ops.token"
  sed "s#credentials_file: /etc/prometheus/perspectief-ops.token#credentials_file: $tmp/prometheus/perspectief-ops.token#" \
    "$deploy/prometheus/prometheus.yml" >"$tmp/prometheus/prometheus.yml"
  if ! grep -q "credentials_file: $tmp/prometheus/perspectief-ops.token" "$tmp/prometheus/prometheus.yml"; then
    echo "prometheus.yml no longer has credentials_file: /etc/prometheus/perspectief-ops.token"
    return 1
  fi
  promtool check config "$tmp/prometheus/prometheus.yml"
}
check "promtool check config prometheus.yml" prometheus_config
check "promtool check rules alerts.yml" promtool check rules "$deploy/prometheus/alerts.yml"
# Relative rule_files in the test file: run from its directory.
rule_tests() { (cd "$deploy/prometheus" && promtool test rules alerts_test.yml); }
check "promtool test rules alerts_test.yml" rule_tests

# --- Grafana dashboard and the metric names of dashboard and alerts -------------------------
metric_names() {
  "$py" - "$root" "$tmp/dashboard_rules.yml" <<'PY'
import json, re, sys, yaml

root, rules_out = sys.argv[1], sys.argv[2]
problems = []

# The metric families the server registers, and those the spec announces for later.
metrics_cpp = open(f"{root}/api/metrics.cpp", encoding="utf-8").read()
known = set(re.findall(r'"(perspectief_[a-z0-9_]+)"', metrics_cpp))  # the names it registers
if not known:
    problems.append("no metric names found in api/metrics.cpp")
known |= {"perspectief_activities_held_total", "perspectief_cases_by_track"}

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "atan2", "Inf", "NaN", "inf", "nan",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
            "bottomk", "topk", "quantile", "limitk"}

def names_in(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)       # string literals
    e = re.sub(r"\{[^}]*\}", "", e)                     # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                    # range selectors
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r"\1", e)
    out = []
    for m in re.finditer(r"(?<![\w$.])[A-Za-z_:][\w:]*", e):
        word = m.group(0)
        if e[m.end():].lstrip().startswith("(") or word in KEYWORDS:
            continue                                    # a function, aggregation or keyword
        out.append(word)
    return out

def check_expr(where, expr):
    names = names_in(expr)
    if not names:
        problems.append(f"{where}: no metric in {expr!r}")
    for n in names:
        if n == "up":
            continue
        if not n.startswith("perspectief_"):
            problems.append(f"{where}: metric {n!r} is neither up nor perspectief_*")
            continue
        base = re.sub(r"_(bucket|sum|count)$", "", n)
        if n not in known and base not in known:
            problems.append(f"{where}: metric {n!r} is not registered in api/metrics.cpp")

# Dashboard.
path = f"{root}/deploy/grafana/perspectief-dashboard.json"
dash = json.load(open(path, encoding="utf-8"))
if not 36 <= dash.get("schemaVersion", 0) <= 41:
    problems.append(f"dashboard schemaVersion {dash.get('schemaVersion')} (expected about 39)")
variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
ds = variables.get("DS_PROMETHEUS")
if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
    problems.append("dashboard: no datasource variable DS_PROMETHEUS of type prometheus")
ids = set()
exprs = []
for panel in dash.get("panels", []):
    title = panel.get("title", "?")
    if panel.get("id") in ids:
        problems.append(f"panel {title!r}: duplicate id {panel.get('id')}")
    ids.add(panel.get("id"))
    if panel.get("type") in ("row", "text"):
        continue
    if panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
        problems.append(f"panel {title!r}: datasource is not ${{DS_PROMETHEUS}}")
    targets = panel.get("targets", [])
    if not targets:
        problems.append(f"panel {title!r}: no queries")
    for t in targets:
        if t.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
            problems.append(f"panel {title!r} query {t.get('refId')}: datasource is not ${{DS_PROMETHEUS}}")
        check_expr(f"panel {title!r}", t["expr"])
        exprs.append((title, t["expr"]))
for name, v in variables.items():
    if v.get("type") == "query":
        m = re.fullmatch(r"label_values\((.*),\s*\w+\)", v.get("definition", ""))
        if not m:
            problems.append(f"variable {name}: expected label_values(<selector>, <label>)")
        else:
            check_expr(f"variable {name}", m.group(1))

# The dashboard's queries, with Grafana's variables filled in, as recording rules for
# promtool to parse.
def concrete(expr):
    return (expr.replace("$__rate_interval", "1m").replace("$job", "perspectief")
                .replace("$instance", ".*"))
rules = {"groups": [{"name": "dashboard", "rules": [
    {"record": f"dashboard:query_{i}", "expr": concrete(e)} for i, (_, e) in enumerate(exprs)]}]}
with open(rules_out, "w", encoding="utf-8") as f:
    yaml.safe_dump(rules, f, sort_keys=False)

# Alert rules.
for group in yaml.safe_load(open(f"{root}/deploy/prometheus/alerts.yml", encoding="utf-8"))["groups"]:
    for rule in group["rules"]:
        check_expr(f"alert {rule.get('alert', rule.get('record'))}", rule["expr"])
        if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            problems.append(f"alert {rule.get('alert')}: severity must be critical, warning or info")
        for key in ("summary", "description"):
            if not rule.get("annotations", {}).get(key):
                problems.append(f"alert {rule.get('alert')}: no {key} annotation")

for p in problems:
    print(p)
print(f"{len(exprs)} dashboard queries, {len(known)} known metric families, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
}
check "Grafana dashboard and metric names" metric_names
if [ -s "$tmp/dashboard_rules.yml" ]; then
  check "dashboard queries parse as PromQL" promtool check rules "$tmp/dashboard_rules.yml"
fi

# --- Kubernetes manifest ------------------------------------------------------------------------
k8s_manifest() {
  "$py" - "$deploy/k8s/perspectief.yaml" <<'PY'
import sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d]
problems = []
kinds = {}
for d in docs:
    for key in ("apiVersion", "kind", "metadata"):
        if key not in d:
            problems.append(f"a document has no {key}")
    if "namespace" in d.get("metadata", {}):
        problems.append(f"{d.get('kind')} sets a namespace")
    kinds.setdefault(d.get("kind"), []).append(d)
for kind in ("StatefulSet", "Service", "NetworkPolicy"):
    if kind not in kinds:
        problems.append(f"no {kind}")
services = kinds.get("Service", [])
if not any(s["spec"].get("clusterIP") == "None" for s in services):
    problems.append("no headless Service")
if not any(s["spec"].get("type", "ClusterIP") == "ClusterIP" and s["spec"].get("clusterIP") != "None"
           for s in services):
    problems.append("no ClusterIP Service")
for ss in kinds.get("StatefulSet", []):
    spec = ss["spec"]
    pod = spec["template"]["spec"]
    if spec.get("replicas") != 1:
        problems.append("StatefulSet replicas must be 1 (single-writer store)")
    if spec.get("serviceName") not in {s["metadata"]["name"] for s in services
                                       if s["spec"].get("clusterIP") == "None"}:
        problems.append("StatefulSet serviceName is not the headless Service")
    psc = pod.get("securityContext", {})
    if psc.get("runAsNonRoot") is not True or psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append("pod securityContext: runAsNonRoot and seccompProfile RuntimeDefault")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append("pod must not mount a service account token")
    for c in pod["containers"]:
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True or sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"container {c['name']}: readOnlyRootFilesystem, no privilege escalation")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"container {c['name']}: capabilities must drop ALL")
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"),
                            ("startupProbe", "/healthz")):
            if c.get(probe, {}).get("httpGet", {}).get("path") != path:
                problems.append(f"container {c['name']}: {probe} must GET {path}")
        if "limits" not in c.get("resources", {}):
            problems.append(f"container {c['name']}: no resource limits")
    for v in pod.get("volumes", []):
        if "secret" in v and v["secret"].get("defaultMode") != 0o400:
            problems.append(f"secret volume {v['name']}: defaultMode must be 0400")
    if not spec.get("volumeClaimTemplates"):
        problems.append("StatefulSet has no volumeClaimTemplates")
for p in problems:
    print(p)
print(f"{len(docs)} documents: {', '.join(sorted(kinds))}; {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
}
check "Kubernetes manifest" k8s_manifest

# --- Containerfile ----------------------------------------------------------------------------
containerfile() {
  "$py" - "$root" <<'PY'
import re, sys
root = sys.argv[1]
cmake = open(f"{root}/CMakeLists.txt", encoding="utf-8").read()
text = open(f"{root}/deploy/Containerfile", encoding="utf-8").read()
problems = []
stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
if stages != ["debian:12", "debian:12-slim"]:
    problems.append(f"stages are {stages}, expected debian:12 then debian:12-slim")
copied = set(re.findall(r"^COPY\s+(\S+)\s+\1\s*$", text, re.M))
for d in re.findall(r"^\s*add_subdirectory\((\w+)\)", cmake, re.M):
    if d != "tests" and d not in copied:
        problems.append(f"CMakeLists.txt adds {d}/ but the Containerfile does not COPY {d} {d}")
for key in ("USER 10001", "EXPOSE 8080", "VOLUME", "ENTRYPOINT"):
    if not re.search(rf"^{key}", text, re.M):
        problems.append(f"no {key} line")
if re.search(r"^HEALTHCHECK", text, re.M):
    problems.append("HEALTHCHECK is left to the orchestrator's probes")
for p in problems:
    print(p)
print(f"{len(copied)} same-path COPY lines; {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
}
check "Containerfile copies every source directory" containerfile

# --- systemd unit -------------------------------------------------------------------------------
systemd_unit() {
  # verify wants ExecStart's binary to exist: point it at one that does. Unknown or
  # malformed settings are only warnings (exit 0), so any output counts as a failure.
  sed "s#/usr/local/bin/perspectief-server#$(command -v true)#" "$deploy/perspectief.service" \
    >"$tmp/perspectief.service"
  local out
  out=$(systemd-analyze verify "$tmp/perspectief.service" 2>&1) || { echo "$out"; return 1; }
  [ -z "$out" ] || { echo "$out"; return 1; }
}
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify perspectief.service" systemd_unit
else
  echo "== systemd-analyze verify perspectief.service: skipped (systemd-analyze is not installed)"
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "check_prometheus_config: ${#failed[@]} check(s) failed: ${failed[*]}"
  exit 1
fi
echo "check_prometheus_config: all checks passed"
