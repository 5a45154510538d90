#!/usr/bin/env bash
# Server CPU per durable append over HTTP (issue 21, item 1): the server on a fresh store, wrk
# with 64 keep-alive connections appending a new case per request (sealing on: a new data key
# and AES-256-GCM per case), SECONDS per round. The server's user and system CPU come from
# /proc/PID/stat before and after the run, wrk's from bash's time, the appends from the log
# position (every one a 201: a non-2xx answer stops the script). Prints per round:
# appends/s, the server's and wrk's CPU per append (user + system) and wrk's p99; then the
# median of the server's CPU. A round of 8 s ends before a fresh store's first memtable flush
# (about 231,000 new cases), so its figure leaves the flush out; 14 s or more include it
# (docs/performance.md, "CPU per append and the flush"). Not part of the test suite.
# Usage: tests/bench/append_cpu.sh [BUILD_DIR] [SECONDS] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-8}
rounds=${3:-3}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"}]
JSON
chmod 600 "$work/tokens.json"
ticks=$(getconf CLK_TCK)
# User + system CPU of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
position() { curl -s "$url/readyz" | sed -n 's/.*"position":\([0-9]*\).*/\1/p'; }

results=()
for round in $(seq "$rounds"); do
  rm -rf "$work/data" "$work/keys"
  "$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$work/data" \
    --keys-dir "$work/keys" --listen 127.0.0.1:0 --threads "${PERSPECTIEF_THREADS:-2}" \
    >"$work/out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$work/out")
  before_pos=$(position)
  before_cpu=$(cpu_ticks "$pid")
  # bash's time keyword gives wrk's own user and system CPU.
  TIMEFORMAT='%U %S'
  { time wrk -t 2 -c 64 -d "${seconds}s" --latency -s "$root/tests/bench/new_case.lua" "$url" \
    >"$work/wrk" 2>&1; } 2>"$work/wrk_time"
  after_cpu=$(cpu_ticks "$pid")
  after_pos=$(position)
  if grep -q "Non-2xx" "$work/wrk"; then
    echo "round $round: wrk saw non-2xx answers:" >&2
    cat "$work/wrk" >&2
    exit 1
  fi
  appends=$((after_pos - before_pos))
  p99=$(awk '/ 99%/ {print $2}' "$work/wrk")
  server_us=$(awk -v t="$((after_cpu - before_cpu))" -v hz="$ticks" -v n="$appends" \
    'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  rate=$(awk -v n="$appends" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  wrk_us=$(awk -v n="$appends" '{printf "%.1f", ($1 + $2) * 1e6 / n}' "$work/wrk_time")
  echo "round $round: $appends appends, $rate/s, server CPU $server_us µs per append, wrk $wrk_us µs, p99 $p99"
  results+=("$server_us $rate")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
printf '%s\n' "${results[@]}" | sort -n | awk -v r="$rounds" \
  '{cpu[NR]=$1} END {m=int((r+1)/2); printf "median of %d: server CPU %s µs per append\n", r, cpu[m]}'
