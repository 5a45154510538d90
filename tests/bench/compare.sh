#!/usr/bin/env bash
# Side by side, on this machine, in one run (issue 7): Perspectief against the baselines its
# performance targets name (docs/performance.md, spec/operations.md "Performance targets").
#   (a) durable appends over HTTP: perspectief-server on a fresh store, wrk with 64 keep-alive
#       connections and 2 threads, one new case (a 1-event append) per request
#       (tests/bench/new_case.lua, as tests/bench/http_append.sh);
#   (b) the same workload on PostgreSQL 15, started here from a temporary initdb, on a Unix
#       socket only, fsync=on and synchronous_commit=on: an events table and an append_event()
#       function, driven by pgbench with 64 clients and 2 threads, one new stream per
#       transaction (see "PostgreSQL" below for what the function guarantees);
#   (c) GET /v1/occupancy on the demo programme (perspectief demo, 4,500 cases, 5 years)
#       against tests/bench/bare_beast_server answering a fixed body of the same size, wrk with
#       64 connections and 2 threads for both.
# Every figure is the median over RUNS runs of SECONDS each (each figure on its own), after a
# warm-up of COMPARE_WARMUP seconds per system. The runs of the two sides of a comparison are
# interleaved, so that a noisy neighbour hits both. Prints a table: figure, ours, theirs,
# ratio, target. Exit status 0 when every measurement was clean (targets met or not), 1 on
# an error or when a run had failed requests or transactions.
#
# Usage: tests/bench/compare.sh BUILD_DIR [SECONDS] [RUNS]      (defaults 10 and 3)
# Environment:
#   PERSPECTIEF_THREADS   server threads, both HTTP servers (default 2, as http_append.sh)
#   COMPARE_WARMUP        warm-up seconds per system before the runs (default 2; 0: none)
#   COMPARE_PG_MODES      PostgreSQL append variants, "stream global" (default) or one of them
#   COMPARE_DEMO_CASES    cases for the occupancy store (default 4500), COMPARE_DEMO_YEARS (5)
#   COMPARE_LOG_DIR       if set, the raw wrk/pgbench/PostgreSQL logs are copied there
#   TMPDIR                where the stores live: must be a real disk (not tmpfs), as in use
# Needs: wrk, curl, PostgreSQL >= 13 server binaries (Debian 12: postgresql, which ships
# initdb, pg_ctl, postgres and pgbench in /usr/lib/postgresql/15/bin). As root, PostgreSQL
# runs as the `postgres` user that package creates.
#
# PostgreSQL: what append_event() guarantees, and why.
#   Both variants: per-stream optimistic concurrency (the expected version is checked under an
#   advisory lock on the stream and unique (stream, version) backs it), idempotency by eventId
#   (a resend with the same content returns the stored position, other content is refused,
#   unique (event_id) backs it), one transaction per append, durable at COMMIT (fsync=on,
#   synchronous_commit=on), the client answered only after the commit is flushed. That is what
#   perspectief's store promises per append (eventstore/event_store.hpp).
#   "stream" (the headline figure): the lock is per stream (pg_advisory_xact_lock on
#   hashtextextended(stream)) and the position comes from the bigserial. Appends to different
#   streams run in parallel and share WAL flushes (PostgreSQL's group commit). The positions
#   are unique and increasing but NOT gapless (a rolled-back insert burns a number) and NOT
#   in commit order (position 11 can commit, and be read, before 10), which perspectief's log
#   is (readers there stop at the durable position and see every event in order). A
#   PostgreSQL design gets that back on the read side (readers stop below the oldest
#   transaction still in progress, pg_snapshot_xmin), at no cost to the append. So this is the
#   strongest PostgreSQL write path that can offer the same guarantees to a reader: the
#   fairest baseline for ">= 3x PostgreSQL", and what the issue's ~7,000 appends/s describes.
#   "global" (for information): one global advisory lock, position = max(position) + 1 under
#   it. Gapless and in commit order on the write side, like perspectief's log, but the lock is
#   held through the commit's WAL flush, so appends cannot share a flush: one fsync per append.
# Neither variant does what perspectief's server does per request besides storing: HTTP, auth,
# JSON validation, the rules, sealing personal data, the hash chain, folding the read models.
# pgbench uses prepared statements over a Unix socket. The comparison favours PostgreSQL.
set -euo pipefail

usage="usage: tests/bench/compare.sh BUILD_DIR [SECONDS] [RUNS]"
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] && [ $# -le 3 ] || { echo "$usage" >&2; exit 2; }
[ -d "$1" ] || { echo "compare.sh: no build directory $1" >&2; exit 2; }
build=$(cd "$1" && pwd)
seconds=${2:-10}
runs=${3:-3}
threads=${PERSPECTIEF_THREADS:-2}
warmup=${COMPARE_WARMUP:-2}
pg_modes=${COMPARE_PG_MODES:-stream global}
demo_cases=${COMPARE_DEMO_CASES:-4500}
demo_years=${COMPARE_DEMO_YEARS:-5}
connections=64
load_threads=2
for v in seconds runs threads warmup demo_cases demo_years; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "compare.sh: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
[ "$seconds" -ge 1 ] && [ "$runs" -ge 1 ] && [ "$threads" -ge 1 ] ||
  { echo "compare.sh: SECONDS, RUNS and PERSPECTIEF_THREADS must be >= 1" >&2; exit 2; }
for m in $pg_modes; do
  [ "$m" = stream ] || [ "$m" = global ] ||
    { echo "compare.sh: COMPARE_PG_MODES takes 'stream' and/or 'global', not '$m'" >&2; exit 2; }
done

die() { echo "compare.sh: error: $*" >&2; exit 1; }
say() { echo "compare.sh: $*"; }

# ---- prerequisites ----------------------------------------------------------------------
server_bin=$build/services/perspectief-server
tool_bin=$build/services/perspectief
bare_bin=$build/tests/bench/bare_beast_server
[ -x "$server_bin" ] || die "$server_bin is missing: build the release preset first"
[ -x "$tool_bin" ] || die "$tool_bin is missing: build the release preset first"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed (apt-get install curl)"
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
for p in initdb pg_ctl postgres pgbench psql; do
  [ -x "$pg_bin/$p" ] || die "PostgreSQL's $p not found in '${pg_bin:-/usr/lib/postgresql/*/bin}' (apt-get install postgresql; or set PG_BIN)"
done
pg_major=$("$pg_bin/postgres" --version | sed -n 's/.* \([0-9][0-9]*\)\..*/\1/p')
[ "${pg_major:-0}" -ge 13 ] || die "PostgreSQL >= 13 needed (gen_random_uuid), found $("$pg_bin/postgres" --version)"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' user to run PostgreSQL as"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

# ---- work directory and cleanup ---------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/perspectief-compare.XXXXXX")
chmod 711 "$work"  # PostgreSQL's user must reach its own subdirectory
[[ $work =~ ^[A-Za-z0-9/._-]+$ ]] || die "the work directory $work has unusual characters: set TMPDIR"
mkdir -p "$work/logs"
pids=()
pg_data=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  stop_pg
  if [ -n "${COMPARE_LOG_DIR:-}" ]; then
    mkdir -p "$COMPARE_LOG_DIR" && cp -r "$work/logs/." "$COMPARE_LOG_DIR/" 2>/dev/null &&
      echo "compare.sh: logs copied to $COMPARE_LOG_DIR" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
stop_pg() {
  [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ] || return 0
  local pm
  pm=$(head -n 1 "$pg_data/postmaster.pid" 2>/dev/null || true)
  if ! as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w -t 30 stop >/dev/null 2>&1; then
    [ -n "$pm" ] && kill -KILL "$pm" 2>/dev/null || true
  fi
  cp "$work/pg/postgres.log" "$work/logs/postgres.log" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fstype=$(stat -f -c %T "$work")
[ "$fstype" != tmpfs ] && [ "$fstype" != ramfs ] ||
  die "$work is on $fstype: fsync costs nothing there; set TMPDIR to a directory on a real disk"

problems=()  # unclean runs, reported at the end

# ---- helpers ----------------------------------------------------------------------------
# start_server LABEL COMMAND...: starts an HTTP server (stderr discarded, as in
# http_append.sh: the request log is not part of the measurement), waits for its
# "listening on URL" line and sets started_pid and started_url.
start_server() {
  local label=$1
  shift
  local out="$work/logs/$label.out"
  "$@" >"$out" 2>/dev/null &
  started_pid=$!
  pids+=("$started_pid")
  local i
  for ((i = 0; i < 600; i++)); do
    grep -q '^listening on ' "$out" 2>/dev/null && break
    if ! kill -0 "$started_pid" 2>/dev/null; then
      local rc=0
      wait "$started_pid" || rc=$?
      echo "compare.sh: error: $label exited with status $rc before listening; its stderr, run again:" >&2
      timeout 10 "$@" 2>&1 >/dev/null | tail -n 20 | sed 's/^/  /' >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  grep -q '^listening on ' "$out" || die "$label did not print 'listening on' within 60 s"
  started_url=$(sed -n 's/^listening on //p' "$out" | head -n 1)
}

# stop_server PID: SIGTERM, then up to 30 s for a clean stop (the server saves a snapshot).
stop_server() {
  local pid=$1 rc=0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null && say "warning: process $pid did not stop in 30 s; killed"
  wait "$pid" 2>/dev/null || rc=$?
  local keep=()
  local p
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  pids=("${keep[@]}")
  return 0
}

# median NUMBERS...: the median (the mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g |
    awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2];
      else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# run_wrk LABEL WRK_ARGS...: one wrk run with latency percentiles; sets w_rps (successful
# responses per second), w_p50 and w_p99 (ms) and records failures in `problems`.
run_wrk() {
  local label=$1
  shift
  local out="$work/logs/$label.txt"
  local rc=0
  wrk -t"$load_threads" -c"$connections" -d"${seconds}s" --latency "$@" >"$out" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { sed 's/^/  /' "$out" >&2; die "wrk failed ($rc) in $label"; }
  local parsed
  parsed=$(awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000
      if (v ~ /h$/) return v * 3600000; if (v ~ /s$/) return v * 1000; return v + 0 }
    /^ +50% / { p50 = ms($2) }
    /^ +99% / { p99 = ms($2) }
    / requests in / { total = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
    END { if (total == "" || rps == "") { print "unparsed"; exit }
      good = total > 0 ? rps * (total - bad) / total : 0
      printf "%.1f %.3f %.3f %d %d %d\n", good, p50, p99, total, bad + 0, sock + 0 }' "$out")
  [ "$parsed" != unparsed ] || { sed 's/^/  /' "$out" >&2; die "cannot read wrk's report in $label"; }
  local total bad sock
  read -r w_rps w_p50 w_p99 total bad sock <<<"$parsed"
  if [ "$total" -eq 0 ] || [ "$bad" -gt 0 ] || [ "$sock" -gt 0 ]; then
    problems+=("$label: $total requests, $bad not 2xx, $sock socket errors")
    say "warning: $label: $total requests, $bad not 2xx, $sock socket errors (see below)"
    grep -v '^unexpected status' "$out" | sed 's/^/    /'
    grep '^unexpected status' "$out" | sort | uniq -c | sed 's/^/    /' || true
  fi
}

# run_pgbench LABEL DB DURATION [LOG]: pgbench with the append script; sets g_tps, g_p50,
# g_p99 (ms, from the per-transaction log when LOG is given) and records failures.
run_pgbench() {
  local label=$1 db=$2 duration=$3 log=${4:-}
  local out="$work/logs/$label.txt"
  local args=(-h "$pg_run" -U postgres -n -M prepared -c "$connections" -j "$load_threads"
    -T "$duration" -f "$work/append.pgbench")
  [ -z "$log" ] || args+=(-l --log-prefix="$work/logs/$label")
  local rc=0
  "$pg_bin/pgbench" "${args[@]}" "$db" >"$out" 2>&1 || rc=$?
  g_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out" | tail -n 1)
  local failed
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  if [ "$rc" -ne 0 ] || [ -z "$g_tps" ]; then
    sed 's/^/  /' "$out" >&2
    grep -m 5 -i 'error' "$work/pg/postgres.log" 2>/dev/null | sed 's/^/  postgres: /' >&2 || true
    die "pgbench failed ($rc) in $label"
  fi
  if [ "${failed:-0}" -gt 0 ] || grep -q 'aborted' "$out"; then
    problems+=("$label: ${failed:-?} failed transactions or aborted clients")
    say "warning: $label: failed transactions or aborted clients:"
    sed 's/^/    /' "$out"
  fi
  g_p50=nan
  g_p99=nan
  if [ -n "$log" ]; then
    # Per-transaction log: client_id transaction_no time_us script_no epoch epoch_us.
    local pct
    pct=$(cat "$work/logs/$label".[0-9]* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n |
      awk '{a[NR] = $1} END {if (NR == 0) {print "nan nan"; exit}
        i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
        printf "%.3f %.3f\n", a[i50] / 1000, a[i99] / 1000}')
    read -r g_p50 g_p99 <<<"$pct"
    rm -f "$work/logs/$label".[0-9]*  # the per-transaction logs are large; the figures are kept
  fi
}

fmt_rate() { awk -v v="$1" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.0f/s", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.2f ms", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a == "" || b == "" || b == 0) print "n/a"; else printf "%.2fx", a / b }'; }

# ---- the machine ------------------------------------------------------------------------
say "build $build; $seconds s x $runs runs (+ ${warmup} s warm-up); wrk/pgbench: $connections connections, $load_threads threads; server threads $threads"
say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg); stores in $work ($fstype)"
dsync_ms=$(dd if=/dev/zero of="$work/dsync-probe" bs=4k count=500 oflag=dsync 2>&1 |
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) t = $(i - 1); printf "%.3f", t * 1000 / 500 }')
rm -f "$work/dsync-probe"
say "disk: a 4 KiB O_DSYNC write takes ${dsync_ms:-?} ms (dd, 500 writes)"

# ---- (a) + (b): durable appends ---------------------------------------------------------
cat >"$work/tokens.json" <<'JSON'
[{"token": "bench-intake", "subject": "bench", "organisation": "bench", "role": "intake"},
 {"token": "bench-regie", "subject": "bench", "organisation": "bench", "role": "regie"}]
JSON
chmod 600 "$work/tokens.json"  # plain tokens: the server refuses a file others can read

say "(a) starting perspectief-server on a fresh store"
start_server append-server "$server_bin" --tokens "$work/tokens.json" \
  --data-dir "$work/append/data" --keys-dir "$work/append/keys" --listen 127.0.0.1:0 \
  --threads "$threads" --snapshot-interval 3600
append_pid=$started_pid
append_url=$started_url
code=$(curl -s -o "$work/logs/append-probe.json" -w '%{http_code}' -X POST \
  -H 'Authorization: Bearer bench-intake' -H 'Content-Type: application/json' \
  --data '{"type":"CaseRegistered","data":{"person":{"name":"Bench Person"}}}' \
  "$append_url/v1/cases/probe-1/events") || true
[ "$code" = 201 ] || die "a probe append answered $code, not 201: $(head -c 400 "$work/logs/append-probe.json" 2>/dev/null)"
say "(a) $append_url answers POST /v1/cases/{new}/events with 201"

say "(b) starting PostgreSQL $pg_major ($pg_bin) in $work/pg, Unix socket only"
if [ "$(id -u)" -eq 0 ]; then
  install -d -o postgres -g postgres -m 700 "$work/pg"
else
  install -d -m 700 "$work/pg"
fi
pg_data=$work/pg/data
pg_run=$work/pg/run
as_pg mkdir -p "$pg_run"
as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C --no-instructions \
  >"$work/logs/initdb.txt" 2>&1 || { sed 's/^/  /' "$work/logs/initdb.txt" >&2; die "initdb failed"; }
as_pg tee -a "$pg_data/postgresql.conf" >/dev/null <<CONF
# compare.sh: durable commits, no TCP, modest memory
listen_addresses = ''
unix_socket_directories = '$pg_run'
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 128MB
max_connections = 100
logging_collector = off
log_min_messages = warning
CONF
as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/postgres.log" -w -t 60 start \
  >"$work/logs/pg_ctl.txt" 2>&1 ||
  { sed 's/^/  /' "$work/logs/pg_ctl.txt" "$work/pg/postgres.log" >&2 2>/dev/null; die "PostgreSQL did not start"; }
psql_q() { "$pg_bin/psql" -h "$pg_run" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
say "(b) settings: $(psql_q -At -d postgres -c "select string_agg(name || '=' || setting || coalesce(unit, ''), ' ' order by name) from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_sync_method', 'commit_delay', 'listen_addresses', 'wal_level')")"

# The schema: one database per variant (their positions are assigned differently).
for mode in $pg_modes; do
  if [ "$mode" = stream ]; then
    lock="perform pg_advisory_xact_lock(hashtextextended(p_stream, 0));"
    position="nextval(pg_get_serial_sequence('events', 'position'))"
  else
    lock="perform pg_advisory_xact_lock(1, 0);  -- (int, int) keys: apart from the bigint ones"
    position="(select coalesce(max(position), 0) + 1 from events)"
  fi
  psql_q -d postgres -c "create database bench_$mode" >/dev/null
  psql_q -d "bench_$mode" >"$work/logs/schema-$mode.txt" 2>&1 <<SQL || { sed 's/^/  /' "$work/logs/schema-$mode.txt" >&2; die "creating the schema ($mode) failed"; }
create table events (
  position    bigserial primary key,
  stream      text not null,
  version     int not null,
  event_id    uuid not null unique,
  type        text not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  actor       jsonb not null,
  data        jsonb not null,
  unique (stream, version)
);

-- Appends one event to p_stream if its version is p_expected_version (0: a new stream) and
-- returns its position. SQLSTATE PP409: the eventId is stored with other content;
-- PP412: the expected version does not hold. A resend (same eventId, same content) returns the
-- stored position and appends nothing.
create function append_event(p_stream text, p_expected_version int, p_event_id uuid,
                             p_type text, p_data jsonb,
                             p_actor jsonb default '{"subject": "bench", "organisation": "bench", "role": "intake"}')
returns bigint language plpgsql as \$\$
declare
  v_existing events%rowtype;
  v_version int;
  v_position bigint;
begin
  $lock
  select * into v_existing from events where event_id = p_event_id;
  if found then
    if v_existing.stream = p_stream and v_existing.type = p_type and v_existing.data = p_data then
      return v_existing.position;
    end if;
    raise exception 'event % is stored with other content', p_event_id using errcode = 'PP409';
  end if;
  select coalesce(max(version), 0) into v_version from events where stream = p_stream;
  if v_version <> p_expected_version then
    raise exception 'stream % is at version %, not %', p_stream, v_version, p_expected_version
      using errcode = 'PP412';
  end if;
  v_position := $position;
  insert into events (position, stream, version, event_id, type, occurred_at, recorded_at, actor, data)
  values (v_position, p_stream, v_version + 1, p_event_id, p_type, now(), clock_timestamp(),
          p_actor, p_data);
  return v_position;
end
\$\$;

-- The contract, checked once: a new stream, a resend, a wrong expected version.
do \$\$
declare
  id uuid := gen_random_uuid();
  p1 bigint;
  p2 bigint;
begin
  p1 := append_event('probe', 0, id, 'CaseRegistered', '{"person": {"name": "Probe"}}');
  p2 := append_event('probe', 0, id, 'CaseRegistered', '{"person": {"name": "Probe"}}');
  if p1 <> p2 then raise exception 'a resend appended again'; end if;
  begin
    perform append_event('probe', 0, gen_random_uuid(), 'CaseRegistered', '{}');
    raise exception 'a stale expected version was accepted';
  exception when sqlstate 'PP412' then null;
  end;
end
\$\$;
SQL
done
# One new stream per transaction; the stream name is a random UUID (unique, unlike
# random(1, N): a clash would be a version conflict, and pgbench aborts a client on an error).
cat >"$work/append.pgbench" <<'SQL'
SELECT append_event('case-' || gen_random_uuid(), 0, gen_random_uuid(), 'CaseRegistered', '{"person": {"name": "Bench Person"}}');
SQL

if [ "$warmup" -gt 0 ]; then
  say "warm-up: ${warmup} s each"
  ws=$seconds
  seconds=$warmup
  run_wrk append-warmup -s "$root/tests/bench/new_case.lua" "$append_url"
  for mode in $pg_modes; do run_pgbench "pg-$mode-warmup" "bench_$mode" "$warmup"; done
  seconds=$ws
fi

a_rps=() a_p50=() a_p99=()
declare -A b_tps b_p50 b_p99
for run in $(seq "$runs"); do
  run_wrk "append-run$run" -s "$root/tests/bench/new_case.lua" "$append_url"
  a_rps+=("$w_rps") a_p50+=("$w_p50") a_p99+=("$w_p99")
  say "(a) run $run/$runs perspectief-server: $(fmt_rate "$w_rps"), p50 $(fmt_ms "$w_p50"), p99 $(fmt_ms "$w_p99")"
  for mode in $pg_modes; do
    run_pgbench "pg-$mode-run$run" "bench_$mode" "$seconds" log
    b_tps[$mode]+="$g_tps " b_p50[$mode]+="$g_p50 " b_p99[$mode]+="$g_p99 "
    say "(b) run $run/$runs PostgreSQL ($mode lock): $(fmt_rate "$g_tps"), p50 $(fmt_ms "$g_p50"), p99 $(fmt_ms "$g_p99")"
  done
done
for mode in $pg_modes; do
  say "(b) bench_$mode: $(psql_q -At -d "bench_$mode" -c "select count(*) || ' events, positions up to ' || coalesce(max(position), 0) || ' (' || (coalesce(max(position), 0) - count(*)) || ' gaps)' from events")"
done
stop_server "$append_pid"
stop_pg
pg_data=""

# ---- (c): GET /v1/occupancy against a bare Beast server ---------------------------------
say "(c) filling a store: perspectief demo --cases $demo_cases --years $demo_years"
t0=$(date +%s.%N)
"$tool_bin" demo --data-dir "$work/occ/data" --keys-dir "$work/occ/keys" --cases "$demo_cases" \
  --years "$demo_years" >"$work/logs/demo.txt" 2>&1 ||
  { sed 's/^/  /' "$work/logs/demo.txt" >&2; die "perspectief demo failed"; }
say "(c) $(tail -n 1 "$work/logs/demo.txt") in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
start_server occupancy-server "$server_bin" --tokens "$work/tokens.json" \
  --data-dir "$work/occ/data" --keys-dir "$work/occ/keys" --listen 127.0.0.1:0 \
  --threads "$threads" --snapshot-interval 3600
occ_url=$started_url
probe() {  # probe LABEL URL: a 200 from GET /v1/occupancy, or die; sets probe_bytes
  local body="$work/logs/$1-probe.json" code
  code=$(curl -s -o "$body" -w '%{http_code}' -H 'Authorization: Bearer bench-regie' "$2/v1/occupancy") || true
  [ "$code" = 200 ] || die "$1: GET /v1/occupancy answered '$code', not 200: $(head -c 400 "$body" 2>/dev/null)"
  probe_bytes=$(wc -c <"$body")
}
probe occupancy-server "$occ_url"
say "(c) perspectief-server $occ_url: GET /v1/occupancy answers 200, $probe_bytes bytes"
have_bare=0
if [ -x "$bare_bin" ]; then
  have_bare=1
  start_server bare-beast-server "$bare_bin" --listen 127.0.0.1:0 --threads "$threads"
  bare_url=$started_url
  probe bare-beast-server "$bare_url"
  say "(c) bare_beast_server $bare_url: GET /v1/occupancy answers 200, $probe_bytes bytes"
else
  say "(c) SKIPPED the bare Beast baseline: $bare_bin is missing (build the target bare_beast_server, tests/bench/CMakeLists.txt); measuring perspectief-server alone"
fi
occ_args=(-H 'Authorization: Bearer bench-regie')
if [ "$warmup" -gt 0 ]; then
  ws=$seconds
  seconds=$warmup
  run_wrk occupancy-warmup "${occ_args[@]}" "$occ_url/v1/occupancy"
  [ "$have_bare" -eq 0 ] || run_wrk bare-warmup "${occ_args[@]}" "$bare_url/v1/occupancy"
  seconds=$ws
fi
c_rps=() c_p50=() c_p99=() d_rps=() d_p50=() d_p99=()
for run in $(seq "$runs"); do
  run_wrk "occupancy-run$run" "${occ_args[@]}" "$occ_url/v1/occupancy"
  c_rps+=("$w_rps") c_p50+=("$w_p50") c_p99+=("$w_p99")
  say "(c) run $run/$runs perspectief-server: $(fmt_rate "$w_rps"), p50 $(fmt_ms "$w_p50"), p99 $(fmt_ms "$w_p99")"
  if [ "$have_bare" -eq 1 ]; then
    run_wrk "bare-run$run" "${occ_args[@]}" "$bare_url/v1/occupancy"
    d_rps+=("$w_rps") d_p50+=("$w_p50") d_p99+=("$w_p99")
    say "(c) run $run/$runs bare_beast_server:  $(fmt_rate "$w_rps"), p50 $(fmt_ms "$w_p50"), p99 $(fmt_ms "$w_p99")"
  fi
done

# ---- summary ----------------------------------------------------------------------------
A_rps=$(median "${a_rps[@]}") A_p50=$(median "${a_p50[@]}") A_p99=$(median "${a_p99[@]}")
C_rps=$(median "${c_rps[@]}") C_p50=$(median "${c_p50[@]}") C_p99=$(median "${c_p99[@]}")
D_rps=nan D_p50=nan D_p99=nan
if [ "$have_bare" -eq 1 ]; then
  D_rps=$(median "${d_rps[@]}") D_p50=$(median "${d_p50[@]}") D_p99=$(median "${d_p99[@]}")
fi
declare -A B_tps B_p50 B_p99
for mode in $pg_modes; do
  # shellcheck disable=SC2086  # the lists are space-separated numbers
  B_tps[$mode]=$(median ${b_tps[$mode]}) B_p50[$mode]=$(median ${b_p50[$mode]}) B_p99[$mode]=$(median ${b_p99[$mode]})
done
head_mode=${pg_modes%% *}
[[ " $pg_modes " == *" stream "* ]] && head_mode=stream
verdict() { awk "BEGIN { if ($1) print \"met\"; else print \"NOT met\" }" 2>/dev/null || echo "n/a"; }
is_num() { [[ $1 =~ ^[0-9.]+$ ]]; }

echo
echo "Summary: medians of $runs run(s) of $seconds s; $(date -u +%Y-%m-%d), $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
row() { printf '%-46s %-16s %-16s %-8s %-36s %s\n' "$@"; }
row "figure" "ours" "theirs" "ratio" "target" "result"
row "----------------------------------------------" "----------------" "----------------" "--------" "------------------------------------" "-------"
hb=${B_tps[$head_mode]}
r=$(ratio "$A_rps" "$hb")
res=n/a
if is_num "$A_rps" && is_num "$hb"; then res=$(verdict "$A_rps >= 3 * $hb && $A_rps >= 20000"); fi
row "durable appends/s vs PostgreSQL ($head_mode lock)" "$(fmt_rate "$A_rps")" "$(fmt_rate "$hb")" "$r" ">= 3x PostgreSQL and >= 20,000/s" "$res"
row "  append latency p50" "$(fmt_ms "$A_p50")" "$(fmt_ms "${B_p50[$head_mode]}")" "" "" ""
res=n/a
is_num "$A_p99" && res=$(verdict "$A_p99 <= 10")
row "  append latency p99" "$(fmt_ms "$A_p99")" "$(fmt_ms "${B_p99[$head_mode]}")" "" "<= 10 ms (ours)" "$res"
for mode in $pg_modes; do
  [ "$mode" = "$head_mode" ] && continue
  row "durable appends/s vs PostgreSQL ($mode lock)" "$(fmt_rate "$A_rps")" "$(fmt_rate "${B_tps[$mode]}")" "$(ratio "$A_rps" "${B_tps[$mode]}")" "(information)" ""
  row "  its latency p50 / p99" "" "$(fmt_ms "${B_p50[$mode]}") / $(fmt_ms "${B_p99[$mode]}")" "" "" ""
done
res=n/a
if is_num "$C_rps" && is_num "$D_rps"; then res=$(verdict "$C_rps >= 0.5 * $D_rps"); fi
row "GET /v1/occupancy req/s vs bare Beast" "$(fmt_rate "$C_rps")" "$(fmt_rate "$D_rps")" "$(ratio "$C_rps" "$D_rps")" ">= 0.5x bare Beast" "$res"
res=n/a
is_num "$C_rps" && res=$(verdict "$C_rps >= 30000")
row "  (spec: GET /v1/occupancy)" "$(fmt_rate "$C_rps")" "" "" ">= 30,000 req/s" "$res"
row "  occupancy latency p50" "$(fmt_ms "$C_p50")" "$(fmt_ms "$D_p50")" "" "" ""
row "  occupancy latency p99" "$(fmt_ms "$C_p99")" "$(fmt_ms "$D_p99")" "" "" ""
[ "$have_bare" -eq 1 ] || echo "(the bare Beast baseline was skipped: build bare_beast_server)"
echo "ours: perspectief-server --threads $threads (HTTP, auth, rules, sealing, read models); theirs: PostgreSQL $pg_major append_event() via pgbench -M prepared on a Unix socket / bare_beast_server --threads $threads"
if [ ${#problems[@]} -gt 0 ]; then
  echo
  echo "Unclean runs (their figures count only successful requests/transactions):"
  printf '  %s\n' "${problems[@]}"
  exit 1
fi
