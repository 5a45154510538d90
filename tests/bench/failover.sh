#!/usr/bin/env bash
# Recovery time of the writer: SIGKILL to ready. On a store of EVENTS events (made once with
# restart_bench), the server is started (the first start folds the whole log, and its clean
# stop saves the snapshot every later start begins from), takes
# appends from 16 clients (wrk, a new case per request), and is killed with SIGKILL under that
# load; a new server is started at once on the same store, and the time until its /readyz
# answers 200 is measured (the process start, RocksDB's recovery of the WAL, the snapshot
# loaded, the tail after it folded, the port opened). ROUNDS rounds; prints each and the
# median. Not part of the test suite.
# Usage: tests/bench/failover.sh [BUILD_DIR] [STORE_DIR] [EVENTS] [ROUNDS]
#   STORE_DIR (default /tmp/perspectief-failover) is kept: a second run skips the fill.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
store=${2:-/tmp/perspectief-failover}
events=${3:-10000000}
rounds=${4:-3}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap 'kill -9 "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
# As many places as the server takes (restart_bench's own snapshot, made with more, is not
# used: the first start folds the log).
programme=(--places 1000000 --lvv-places 720000 --max-stay-months 18)
if [ ! -d "$store/data" ]; then
  mkdir -p "$store"
  echo "filling $store/data with $events events (restart_bench)..."
  RESTART_BENCH_STORE="$store/data" "$build/tests/bench/restart_bench" "$events"
fi
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"}]
JSON
chmod 600 "$work/tokens.json"
# restart_bench writes no data keys: keys made beside an empty store open it.
if [ ! -f "$store/keys/research.key" ]; then
  "$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$work/empty" \
    --keys-dir "$store/keys" --listen 127.0.0.1:0 >"$work/keys.out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/keys.out" 2>/dev/null && break; sleep 0.1; done
  kill "$pid"; wait "$pid" || true
fi

start_server() {
  : >"$work/out"
  "$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$store/data" \
    --keys-dir "$store/keys" --listen 127.0.0.1:0 --threads 2 "${programme[@]}" \
    >"$work/out" 2>"$work/err" &
  pid=$!
}
# Milliseconds until the server's /readyz answers 200.
wait_ready() {
  local t0=$1 url
  for _ in $(seq 12000); do
    url=$(sed -n 's/^listening on //p' "$work/out")
    if [ -n "$url" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ]; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      return
    fi
    sleep 0.01
  done
  echo "the server did not get ready in 120 s" >&2
  exit 1
}

start_server
echo "first start (the whole log folded): ready in $(wait_ready "$(date +%s%N)") ms"
kill "$pid"; wait "$pid" || true
start_server
echo "after a clean stop (from its snapshot): ready in $(wait_ready "$(date +%s%N)") ms"
results=()
for round in $(seq "$rounds"); do
  url=$(sed -n 's/^listening on //p' "$work/out")
  wrk -t 2 -c 16 -d 30s -s "$root/tests/bench/new_case.lua" "$url" \
    >"$work/wrk" 2>&1 &
  load=$!
  sleep 3
  position=$(curl -s "$url/readyz" | sed -n 's/.*"position":\([0-9]*\).*/\1/p')
  t0=$(date +%s%N)
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  kill "$load" 2>/dev/null || true
  wait "$load" 2>/dev/null || true
  start_server
  ms=$(wait_ready "$t0")
  url=$(sed -n 's/^listening on //p' "$work/out")
  after=$(curl -s "$url/readyz" | sed -n 's/.*"position":\([0-9]*\).*/\1/p')
  echo "round $round: killed at position >= $position under load; ready again in $ms ms at position $after"
  results+=("$ms")
done
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
echo "SIGKILL to ready, median of $rounds: $median ms"
