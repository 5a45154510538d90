#!/usr/bin/env bash
# What idle long polls cost the writers: durable appends over HTTP (wrk, 64 connections, one
# new case per request, as http_append.sh) while POLLS researcher long polls
# (GET /v1/events?wait=60, after a position far ahead, spread over 400 tokens so the
# per-token cap is not reached) wait beside them. Prints wrk's rate; not part of the suite.
# Usage: tests/bench/long_polls.sh [BUILD_DIR] POLLS [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
polls=${2:-3000}
seconds=${3:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
ppid=""
trap 'kill $pid $ppid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work/tokens.json" <<'PY'
import json, sys
t = [{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"}]
t += [{"token": f"r{i}", "subject": f"r{i}", "organisation": "research", "role": "researcher"}
      for i in range(400)]
json.dump(t, open(sys.argv[1], "w"))
PY
chmod 600 "$work/tokens.json"  # plain tokens: the server refuses a file others can read
ulimit -n "$(ulimit -Hn)"
server=$build/services/perspectief-server
# Room for every poll and wrk's connections (a build before --max-connections has no cap).
cap=()
"$server" --help 2>&1 | grep -q -- --max-connections && cap=(--max-connections 8192)
"$server" --tokens "$work/tokens.json" --data-dir "$work/data" --listen 127.0.0.1:0 \
  --threads "${PERSPECTIEF_THREADS:-2}" "${cap[@]}" >"$work/out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
port=${url##*:}
if [ "$polls" -gt 0 ]; then
  python3 "$root/tests/bench/idle_long_polls.py" "$port" "$polls" 400 >"$work/polls" 2>&1 &
  ppid=$!
  for _ in $(seq 200); do grep -q "^open" "$work/polls" 2>/dev/null && break; sleep 0.1; done
  cat "$work/polls"
fi
wrk -t2 -c64 -d"${seconds}s" -s "$root/tests/bench/new_case.lua" "$url" 2>&1 |
  grep -E "Requests/sec|Non-2xx"
