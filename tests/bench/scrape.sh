#!/usr/bin/env bash
# GET /metrics on a large store, as Prometheus scrapes it: the server started on STORE_DIR
# (made by `perspectief demo --data-dir STORE_DIR/data --cases 450000 --places 50000
# --lvv-places 36000`: about 10.6 M events), then SCRAPES scrapes one after another with
# curl, first idle, then while wrk appends new cases (2 connections, a new case per
# request) with a scrape every second, so that every scrape has new events to count. Prints
# the median and the largest of curl's time_total per phase. Not part of the test suite.
# Usage: tests/bench/scrape.sh [BUILD_DIR] [STORE_DIR] [SCRAPES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
store=${2:-/tmp/nat}
scrapes=${3:-21}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap 'kill "$pid" "$load" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
load=
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"},
 {"token": "bench-ops", "subject": "ops", "organisation": "ops", "role": "ops"}]
JSON
chmod 600 "$work/tokens.json"
"$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$store/data" \
  --listen 127.0.0.1:0 --threads 2 --places 50000 --lvv-places 36000 >"$work/out" 2>/dev/null &
pid=$!
for _ in $(seq 1200); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }

# Milliseconds of each scrape, one per line.
scrape() {
  local pause=$1
  for _ in $(seq "$scrapes"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer bench-ops" \
      "$url/metrics" | awk '$1 != 200 {print "scrape answered " $1 > "/dev/stderr"; exit 1}
                            {printf "%.2f\n", $2 * 1000}'
    sleep "$pause"
  done
}
summary() {
  sort -n | awk '{v[NR]=$1} END {printf "median %.2f ms, max %.2f ms (%d scrapes)\n", v[int((NR+1)/2)], v[NR], NR}'
}
curl -s -o /dev/null -H "Authorization: Bearer bench-ops" "$url/metrics"  # the first count of every case
echo "idle: $(scrape 0.2 | summary)"
wrk -t 1 -c 2 -d 600s -s "$root/tests/bench/new_case.lua" "$url" >/dev/null 2>&1 &
load=$!
sleep 2
before=$(curl -s "$url/readyz" | sed -n 's/.*"position":\([0-9]*\).*/\1/p')
echo "under appends: $(scrape 1 | summary)"
after=$(curl -s "$url/readyz" | sed -n 's/.*"position":\([0-9]*\).*/\1/p')
echo "appended meanwhile: $((after - before)) events"
