#!/usr/bin/env bash
# Durable appends over HTTP: wrk with 64 keep-alive connections, one new case per request,
# against a freshly started perspectief-server on a temporary store. Prints wrk's report
# (with latency percentiles) for each run; not part of the test suite.
# Usage: tests/bench/http_append.sh [BUILD_DIR] [SECONDS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-10}
runs=${3:-3}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"}]
JSON
chmod 600 "$work/tokens.json"  # plain tokens: the server refuses a file others can read
"$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$work/data" \
  --listen 127.0.0.1:0 --threads "${PERSPECTIEF_THREADS:-2}" >"$work/out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
for run in $(seq "$runs"); do
  echo "== run $run: wrk -t2 -c64 -d${seconds}s --latency POST $url/v1/cases/{new}/events"
  wrk -t2 -c64 -d"${seconds}s" --latency -s "$root/tests/bench/new_case.lua" "$url" 2>&1 |
    grep -v "unexpected status" | sed 's/^/  /'
done
