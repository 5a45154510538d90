#!/usr/bin/env bash
# Two builds compared on the same machine, their runs interleaved: rebuild of a demo store
# (rebuild_bench, median of 3), durable appends on a fresh store (wrk, 64 connections, 8 s) and
# GET /v1/occupancy on a copy of the demo store (wrk, 32 connections, 8 s). Prints one line per
# measurement and round. The store is made once with `perspectief demo --data-dir STORE` (its
# keys in STORE/../keys). Not part of the test suite.
# Usage: tests/bench/ab.sh BUILD_A BUILD_B STORE [ROUNDS]
set -uo pipefail
A=$1; B=$2; store=$3; rounds=${4:-3}
keys=$(dirname "$store")/keys
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
tok=$(mktemp -d)
cat >"$tok/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"},
 {"token": "bench-regie", "subject": "bench", "organisation": "gemeente", "role": "regie"}]
JSON
chmod 600 "$tok/tokens.json"
rebuild() {
  REBUILD_BENCH_STORE=$store "$1/tests/bench/rebuild_bench" --benchmark_filter='BM_RebuildAllReadModels' \
    --benchmark_repetitions=3 2>/dev/null | awk '/_median/ {for(i=1;i<=NF;i++) if ($i ~ /items_per_second/) print $i}'
}
serve() {  # build data_dir keys_dir -> sets pid url
  "$1/services/perspectief-server" --tokens "$tok/tokens.json" --data-dir "$2" --keys-dir "$3" \
    --listen 127.0.0.1:0 --threads 2 >"$tok/out" 2>/dev/null &
  pid=$!
  for _ in $(seq 300); do grep -q "listening on" "$tok/out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$tok/out")
}
appends() {
  rm -rf "$tok/fresh" "$tok/fkeys"; serve "$1" "$tok/fresh" "$tok/fkeys"
  wrk -t2 -c64 -d8s -s "$root/tests/bench/new_case.lua" "$url" 2>&1 | awk '/Requests\/sec/ {print $2}'
  kill $pid; wait $pid 2>/dev/null
}
occupancy() {
  rm -rf "$tok/copy" "$tok/ckeys"; cp -r "$store" "$tok/copy"; cp -r "$keys" "$tok/ckeys"
  serve "$1" "$tok/copy" "$tok/ckeys"
  for _ in $(seq 300); do curl -sf -H 'Authorization: Bearer bench-regie' "$url/v1/occupancy" >/dev/null && break; sleep 0.2; done
  wrk -t2 -c32 -d8s -H 'Authorization: Bearer bench-regie' "$url/v1/occupancy" 2>&1 | awk '/Requests\/sec/ {print $2}'
  kill $pid; wait $pid 2>/dev/null
}
for r in $(seq "$rounds"); do
  echo "round $r rebuild   A $(rebuild "$A") B $(rebuild "$B")"
  echo "round $r appends   A $(appends "$A") B $(appends "$B")"
  echo "round $r occupancy A $(occupancy "$A") B $(occupancy "$B")"
done
rm -rf "$tok"
