#!/usr/bin/env bash
# Instructions per durable append over HTTP (issue 21, item 1, counted the way item 3 is): the
# server runs under callgrind on a fresh store, wrk appends a new case per request over 64
# keep-alive connections (sealing on), and instructions are counted only while the measured
# wrk run lasts (callgrind_control switches counting on and off; a 3 s run before it warms the
# store and the caches). Prints the appends (from the log position), the instructions per
# append, and the share of the parts of the server that carry it. CPU time per request
# differs twofold between machines ("CPU per request depends on the machine" in
# docs/performance.md); instructions do not. Cryptography is counted as the machine callgrind
# emulates runs it (no SHA extensions), so SHA-256 and HMAC weigh more here than on the
# hardware: compare code changes with this, and CPU time with append_cpu.sh. Needs valgrind
# and wrk. Not part of the test suite.
# Usage: tests/bench/append_instructions.sh [BUILD_DIR] [SECONDS] [CALLGRIND_OUT]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-20}
work=$(mktemp -d)
out=${3:-$work/callgrind.out}
pid=
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for tool in wrk curl valgrind callgrind_control callgrind_annotate; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"}]
JSON
chmod 600 "$work/tokens.json"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
  "$build/services/perspectief-server" --tokens "$work/tokens.json" --data-dir "$work/data" \
  --keys-dir "$work/keys" --listen 127.0.0.1:0 --threads 2 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 600); do
  grep -q "listening on" "$work/out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break  # valgrind or the server ended
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$work/err" >&2; exit 1; }
position() { curl -s "$url/readyz" | sed -n 's/.*"position":\([0-9]*\).*/\1/p'; }
load() { wrk -t 2 -c 64 -d "$1" -s "$root/tests/bench/new_case.lua" "$url"; }
load 3s >"$work/warm" 2>&1 || { echo "the warm-up run failed:" >&2; cat "$work/warm" >&2; exit 1; }
before=$(position)
callgrind_control -i on "$pid" >"$work/control" 2>&1 || { cat "$work/control" >&2; exit 1; }
load "${seconds}s" >"$work/wrk" 2>&1 || { echo "wrk failed:" >&2; cat "$work/wrk" >&2; exit 1; }
callgrind_control -i off "$pid" >"$work/control" 2>&1 || { cat "$work/control" >&2; exit 1; }
after=$(position)
if grep -q "Non-2xx" "$work/wrk"; then
  echo "wrk saw non-2xx answers:" >&2
  cat "$work/wrk" >&2
  exit 1
fi
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
appends=$(( ${after:-0} - ${before:-0} ))
if [ "$appends" -le 0 ]; then
  echo "no appends counted (log position ${before:-?} before, ${after:-?} after)" >&2
  exit 1
fi
callgrind_annotate --inclusive=yes "$out" >"$work/annotated" 2>/dev/null
total=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$work/annotated")
echo "$appends appends, $((total / appends)) instructions per append"
# The parts, inclusive (a part's callees count in it, so the shares overlap).
parts=(
  "RocksEventStore::writer_loop()|the store's writer thread"
  "rocksdb::WriteBatchInternal::InsertInto(|  memtable inserts"
  "RocksEventStore::admit(|  admitting (idempotency, version and data key reads)"
  "Projector::catch_up(|the read models' fold of new events (syncer thread)"
  "HttpServer::read_request(|reading requests"
  "StreamHandler::append(|appending (parse, authorize, seal, reply)"
  "AppendPipeline::prepare(|  preparing (parse, authorize, seal)"
  "Sealer::seal(|    sealing (data key, AES-GCM, HMAC)"
  "StreamHandler::appended(|  the reply's JSON"
  "HttpServer::respond(|writing replies and the request log"
)
for part in "${parts[@]}"; do
  name=${part%%|*}
  label=${part#*|}
  n=$(grep -F -m1 "$name" "$work/annotated" | awk '{gsub(",", "", $1); print $1}' || true)
  printf '  %-60s %8d per append\n' "$label" "$(( ${n:-0} / appends ))"
done
