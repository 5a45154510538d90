#!/usr/bin/env bash
# Integration test (ctest: prometheus_scrape, label integration): a real Prometheus scrapes a
# real perspectief-server with the shipped configuration.
#
#   tests/deploy/prometheus_scrape_test.sh SERVER_BIN
#
# It starts SERVER_BIN on a new store in a temporary directory (no --demo, so the programme
# has the default 500 places) with one ops token (listed by its sha256), then Prometheus
# with deploy/prometheus/prometheus.yml and alerts.yml, changed only in scrape interval
# (1 s), target and credentials file. It passes when, within 60 s, Prometheus reports
# perspectief_places{funding="total",state="capacity"} = 500 (the value the server's
# /metrics shows) and up{job="perspectief"} = 1, every alert rule evaluates without error,
# every query of the Grafana dashboard runs without error, and the server exits 0 on
# SIGTERM. Everything it starts is stopped, and the directory removed, on any exit.
# Needs prometheus (Debian package prometheus), curl and python3.
set -euo pipefail

name=prometheus_scrape_test
server_bin=${1:-}
if [ -z "$server_bin" ] || [ ! -x "$server_bin" ]; then
  echo "usage: $name.sh SERVER_BIN (an executable perspectief-server)" >&2
  exit 1
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in prometheus curl python3; do
  command -v "$tool" >/dev/null || {
    echo "$name: FAIL: $tool is not installed (deploy/install-deps.sh installs it)" >&2
    exit 1
  }
done

# The interpreter itself, not a wrapper such as a pyenv shim: it runs many times below.
py=$(python3 -c 'import sys; print(sys.executable)')

tmp=$(mktemp -d)
server_pid=""
prom_pid=""
stopped_rc=0

# stop_process PID SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL; the exit status is
# left in stopped_rc (a command substitution could not wait for this shell's children).
stop_process() {
  local pid=$1 seconds=$2 i state
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 10; i++)); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    case "$state" in "" | Z*) break ;; esac
    sleep 0.1
  done
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  case "$state" in
    "" | Z*) ;;
    *)
      echo "$name: process $pid did not stop within $seconds s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      ;;
  esac
  stopped_rc=0
  wait "$pid" 2>/dev/null || stopped_rc=$?
}

cleanup() {
  local rc=$?
  trap - EXIT
  if [ -n "$prom_pid" ]; then stop_process "$prom_pid" 10; fi
  if [ -n "$server_pid" ]; then stop_process "$server_pid" 30; fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

show_logs() {
  for f in server.err prometheus.log; do
    if [ -s "$tmp/$f" ]; then
      echo "--- last lines of $f:" >&2
      tail -n 20 "$tmp/$f" >&2
    fi
  done
}
fail() {
  echo "$name: FAIL: $*" >&2
  show_logs
  exit 1
}

# --- the server --------------------------------------------------------------------------
# Flags come only from this command line, not from PERSPECTIEF_* in the caller's environment.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^PERSPECTIEF_' || true)

token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
token_sha=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
(umask 077 && printf '[{"sha256": "%s", "subject": "prometheus", "organisation": "gemeente", "role": "ops"}]\n' \
  "$token_sha" >"$tmp/tokens.json" && printf '%s' "$token" >"$tmp/ops.token")

"$server_bin" --listen 127.0.0.1:0 --data-dir "$tmp/data" --tokens "$tmp/tokens.json" --threads 2 \
  >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!

address=""
for ((i = 0; i < 300; i++)); do
  address=$(sed -n 's#^listening on http://\([0-9.]*:[0-9]*\)$#\1#p' "$tmp/server.out")
  [ -n "$address" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
  sleep 0.1
done
[ -n "$address" ] || fail "the server printed no 'listening on http://HOST:PORT' within 30 s"
echo "$name: server listening on $address"

code=$(curl -s -o /dev/null -w '%{http_code}' "http://$address/metrics")
[ "$code" = 401 ] || fail "GET /metrics without a token answered $code, expected 401"
curl -fsS -H "Authorization: Bearer $token" "http://$address/metrics" >"$tmp/metrics.txt" ||
  fail "GET /metrics with the ops token failed"

# sample FILE METRIC LABEL=VALUE...: the value of the one sample with these labels.
sample() {
  "$py" - "$@" <<'PY'
import re, sys
path, metric, want = sys.argv[1], sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
for line in open(path, encoding="utf-8"):
    m = re.match(r"^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)", line)
    if not m or m.group(1) != metric:
        continue
    labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
    if all(labels.get(k) == v for k, v in want.items()):
        print(m.group(3))
        break
PY
}
served=$(sample "$tmp/metrics.txt" perspectief_places funding=total state=capacity)
echo "$name: server /metrics: perspectief_places{funding=\"total\",state=\"capacity\"} $served"
[ "$served" = 500 ] || fail "the server's /metrics shows capacity '$served', expected 500"

# --- Prometheus with the shipped configuration -------------------------------------------
pport=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/prom"
cp "$root/deploy/prometheus/alerts.yml" "$tmp/prom/"
sed -e 's#^\(  *scrape_interval:\).*#\1 1s#' \
  -e 's#^\(  *evaluation_interval:\).*#\1 1s#' \
  -e "s#credentials_file: /etc/prometheus/perspectief-ops.token#credentials_file: $tmp/ops.token#" \
  -e "s#targets: \[\"127.0.0.1:8080\"\]#targets: [\"$address\"]#" \
  "$root/deploy/prometheus/prometheus.yml" >"$tmp/prom/prometheus.yml"
for expected in "scrape_interval: 1s" "evaluation_interval: 1s" "credentials_file: $tmp/ops.token" \
  "targets: [\"$address\"]"; do
  grep -qF "$expected" "$tmp/prom/prometheus.yml" ||
    fail "deploy/prometheus/prometheus.yml changed shape: could not set '$expected'"
done

prometheus --config.file="$tmp/prom/prometheus.yml" --storage.tsdb.path="$tmp/prom/data" \
  --web.listen-address="127.0.0.1:$pport" >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
prom="http://127.0.0.1:$pport"
for ((i = 0; i < 300; i++)); do
  curl -fs -o /dev/null "$prom/-/ready" && break
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited at start-up"
  sleep 0.1
done
curl -fs -o /dev/null "$prom/-/ready" || fail "prometheus was not ready within 30 s"
echo "$name: prometheus ready on 127.0.0.1:$pport"

# query EXPR: the value of an instant query with exactly one result ("" when none);
# exits 1 when the query fails or has errors or warnings.
query() {
  curl -fsS -G --data-urlencode "query=$1" "$prom/api/v1/query" | "$py" -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "success" or r.get("warnings"):
    print(r.get("error") or r.get("warnings"), file=sys.stderr)
    sys.exit(1)
result = r["data"]["result"]
if r["data"]["resultType"] == "vector" and len(result) == 1:
    print(result[0]["value"][1])
'
}

capacity=""
up=""
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  capacity=$(query 'perspectief_places{job="perspectief",funding="total",state="capacity"}' || true)
  up=$(query 'up{job="perspectief"}' || true)
  [ "$capacity" = 500 ] && [ "$up" = 1 ] && break
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited"
  sleep 0.5
done
echo "$name: prometheus: perspectief_places{funding=\"total\",state=\"capacity\"} = '${capacity}', up{job=\"perspectief\"} = '${up}'"
if [ "$up" != 1 ]; then
  scrape_error=$(curl -fsS "$prom/api/v1/targets" | "$py" -c '
import json, sys
print("; ".join(t.get("lastError") or "no error" for t in json.load(sys.stdin)["data"]["activeTargets"]))
' || true)
  fail "up{job=\"perspectief\"} is '$up' after 60 s, expected 1 (last scrape error: ${scrape_error:-unknown})"
fi
[ "$capacity" = "$served" ] ||
  fail "prometheus has capacity '$capacity' after 60 s, the server's /metrics $served"

# Every alert rule has been evaluated, and without error (e.g. no many-to-many matches on
# real series).
rules_ok=""
deadline=$((SECONDS + 20))
while [ "$SECONDS" -lt "$deadline" ]; do
  curl -fsS "$prom/api/v1/rules" >"$tmp/rules.json" || fail "GET /api/v1/rules failed"
  status=0
  rules_ok=$("$py" - "$tmp/rules.json" <<'PY'
import json, sys
rules = [r for g in json.load(open(sys.argv[1]))["data"]["groups"] for r in g["rules"]]
bad = ["%s: %s" % (r["name"], r.get("lastError")) for r in rules if r.get("health") == "err"]
if bad:
    print("; ".join(bad))
    sys.exit(2)
if not rules or any(r.get("health") != "ok" for r in rules):
    sys.exit(1)
print(len(rules))
PY
  ) || status=$?
  [ "$status" -eq 2 ] && fail "alert rules fail to evaluate: $rules_ok"
  [ "$status" -eq 0 ] && break
  rules_ok=""
  sleep 0.5
done
[ -n "$rules_ok" ] || fail "the alert rules were not all evaluated within 20 s"
echo "$name: prometheus: $rules_ok alert rules loaded and evaluated without error"

# Every dashboard query runs against the live data, Grafana's variables filled in.
dashboard=$("$py" - "$root/deploy/grafana/perspectief-dashboard.json" "$address" "$prom" <<'PY'
import json, sys, urllib.parse, urllib.request
path, instance, prom = sys.argv[1:4]
n = 0
for p in json.load(open(path, encoding="utf-8"))["panels"]:
    for t in p.get("targets", []):
        expr = (t["expr"].replace("$__rate_interval", "1m").replace("$job", "perspectief")
                .replace("$instance", instance))
        url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                r = json.load(reply)
        except Exception as e:  # HTTP 400/422 for a bad query
            r = {"status": "error", "error": str(e)}
        if r.get("status") != "success" or r.get("warnings"):
            print(f"panel {p['title']!r}: {r.get('error') or r.get('warnings')}: {expr}")
            sys.exit(1)
        n += 1
print(n)
PY
) || fail "a dashboard query fails: $dashboard"
echo "$name: prometheus: $dashboard dashboard queries run without error"

# --- stop both -----------------------------------------------------------------------------
stop_process "$prom_pid" 10
prom_pid=""
stop_process "$server_pid" 30
server_pid=""
[ "$stopped_rc" -eq 0 ] || fail "the server exited $stopped_rc on SIGTERM, expected 0"
echo "$name: server stopped on SIGTERM with exit 0"
echo "$name: PASS"
