#!/usr/bin/env bash
# Durable appends over HTTP with 0 and with 20 active webhook subscriptions, side by side in one
# run: one server, one store; the rounds alternate "none" and "20 webhooks" (the subscriptions
# are created at the end of the log before a webhooks round and deleted after it), wrk with 64
# keep-alive connections, one new case per request, SECONDS per round. The subscriptions are of
# role intake (personal fields opened, each read access-logged), maxBatch $MAX_BATCH (default 100), to
# bare_beast_server answering 204 (at nice 19, as if on another machine). After each webhooks round it waits until every
# subscription's lag is 0 and prints how long that took. Prints one line per round and the
# medians. Not part of the test suite.
# ROLE (default intake) is the subscriptions' role: participation sees the events without
# personal fields (nothing opened, nothing access-logged).
# Usage: tests/bench/webhook_append.sh [BUILD_DIR] [SECONDS] [ROUNDS] [SUBSCRIPTIONS] [ROLE]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-8}
rounds=${3:-5}
subs=${4:-20}
role=${5:-intake}
max_batch=${MAX_BATCH:-100}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$pid" "$sink" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"},
 {"token": "bench-participation", "subject": "bench", "organisation": "bench", "role": "participation"}]
JSON
chmod 600 "$work/tokens.json"
# The receiver stands in for partners' systems on other machines: at nice 19 it takes only the
# processor time the server and wrk leave.
nice -n 19 "$build/tests/bench/bare_beast_server" --threads 1 >"$work/sink" 2>/dev/null &
sink=$!
for _ in $(seq 50); do grep -q "listening on" "$work/sink" 2>/dev/null && break; sleep 0.1; done
sink_url=$(sed -n 's/^listening on //p' "$work/sink")
"$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$work/data" \
  --listen 127.0.0.1:0 --threads "${PERSPECTIEF_THREADS:-2}" \
  --webhook-allow 127.0.0.1/32 --webhook-allow-http >"$work/out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
auth=(-H "Authorization: Bearer bench-$role" -H 'Content-Type: application/json')
appends() {
  wrk -t2 -c64 -d"${seconds}s" -s "$root/tests/bench/new_case.lua" "$url" 2>&1 |
    awk '/Requests\/sec/ {print $2}'
}
total_lag() {
  curl -s "${auth[@]}" "$url/v1/subscriptions" |
    python3 -c 'import json,sys; print(sum(s["lag"] for s in json.load(sys.stdin)["subscriptions"]))'
}
none=(); hooks=()
for round in $(seq "$rounds"); do
  r=$(appends); none+=("$r"); echo "round $round  none         appends/s $r"
  for i in $(seq "$subs"); do
    curl -sf -o /dev/null "${auth[@]}" -X POST "$url/v1/subscriptions" -d \
      "{\"subscriptionId\":\"bench-$round-$i\",\"startAt\":\"end\",\"delivery\":{\"kind\":\"webhook\",\"url\":\"$sink_url/hook\",\"maxBatch\":$max_batch}}"
  done
  r=$(appends); hooks+=("$r")
  start=$(date +%s.%N)
  while [ "$(total_lag)" != 0 ]; do sleep 0.2; done
  caught=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
  echo "round $round  $subs webhooks  appends/s $r  (all caught up ${caught} s after the load)"
  for i in $(seq "$subs"); do
    curl -sf -o /dev/null "${auth[@]}" -X DELETE "$url/v1/subscriptions/bench-$round-$i"
  done
done
python3 - "${none[*]}" "${hooks[*]}" <<'PY'
import statistics, sys
none = [float(x) for x in sys.argv[1].split()]
hooks = [float(x) for x in sys.argv[2].split()]
a, b = statistics.median(none), statistics.median(hooks)
print(f"median appends/s: none {a:.0f}, webhooks {b:.0f}, ratio {b / a:.3f} ({(b / a - 1) * 100:+.1f}%)")
pairs = statistics.median(h / n for n, h in zip(none, hooks))
print(f"median of the rounds' ratios (each webhooks round against the none round before it): {pairs:.3f}")
PY
