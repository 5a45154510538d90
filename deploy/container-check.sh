#!/usr/bin/env bash
# Builds the container image from deploy/Containerfile and starts the server from it: the
# `container` stage of tests/run.sh. Run as root from anywhere in a checkout:
#
#   deploy/container-check.sh
#
# It needs buildah, mmdebstrap (deploy/install-deps.sh installs both), curl, python3, git
# and Debian's package mirrors; no container registry and no OCI runtime. In four steps
# (times on the 2-core development machine in docs/operations.md):
#
#   base   a Debian 12 root file system from `mmdebstrap --variant=minbase bookworm`, as a
#          tarball cached in $PERSPECTIEF_CONTAINER_CACHE (default
#          /var/cache/perspectief-container) for the day, imported as the images debian:12
#          and debian:12-slim (the registry that serves them cannot be reached on the build
#          machines);
#   build  `buildah bud --isolation=chroot` of deploy/Containerfile, with a context made by
#          `git archive HEAD`, as perspectief:ci. PERSPECTIEF_CONTAINER_REV names another
#          commit or tree: `PERSPECTIEF_CONTAINER_REV=$(git stash create)` for uncommitted
#          changes to tracked files (git stash create prints nothing when there are none).
#          The compile in the image takes PERSPECTIEF_JOBS cores (default 2), so the build
#          holds /tmp/perspectief-build.lock (flock): other builds that take it wait. The
#          host's ccache directory is mounted into the build stage (off with
#          PERSPECTIEF_CONTAINER_CCACHE=0), so what a release build of the same sources
#          compiled is not compiled again;
#   run    the server from the image with `buildah run --isolation=chroot` (an OCI runtime
#          such as podman's cannot set rlimits on these machines), with a new store, keys
#          directory and tokens file mounted where the image expects them, on
#          127.0.0.1:0 (chroot isolation shares the host's network);
#   check  it runs as uid 10001, GET /healthz answers 200, a CaseRegistered appended by an
#          intake token answers 201, reading the case's stream back answers 200 with that
#          event, and the server exits 0 on SIGTERM.
#
# It prints each check, the time each step took and a closing `N passed, N failed` line;
# the first failure stops it with the reason and exit status 1. The images and containers
# live in a storage of their own ($PERSPECTIEF_CONTAINER_CACHE/storage) and are removed at
# the end, as is the test store; the base tarball stays for the next run.
set -euo pipefail

name=container-check
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${PERSPECTIEF_CONTAINER_CACHE:-/var/cache/perspectief-container}
jobs=${PERSPECTIEF_JOBS:-2}
rev=${PERSPECTIEF_CONTAINER_REV:-HEAD}
build_lock=/tmp/perspectief-build.lock
image=localhost/perspectief:ci
case_id=5b1d3c9e-2f47-4a8e-b6d1-7e0c4a9f3b21

passed=0
fail() {
  echo "$name: FAIL: $*" >&2
  echo "$name: $passed passed, 1 failed"
  exit 1
}
# pass WHAT: one check passed.
pass() {
  echo "$name: check: $*"
  passed=$((passed + 1))
}

[ "$(id -u)" -eq 0 ] || fail "run as root (mmdebstrap and buildah build root file systems)"
for tool in buildah mmdebstrap curl python3 git flock; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (deploy/install-deps.sh installs it)"
done

# One run at a time per cache: the storage below is shared by the runs.
mkdir -p "$cache"
exec 9>"$cache/lock"
flock -n 9 || {
  echo "$name: waiting for another run ($cache/lock)"
  flock 9
}

# A storage of its own, so that the names used here (debian:12 above all) never mix with
# images pulled or built by anything else on the machine, and what an interrupted run left
# can be removed whole.
storage=(--root "$cache/storage" --runroot /run/perspectief-container)
bah() { buildah "${storage[@]}" "$@"; }
bah rm --all >/dev/null
bah rmi --all --force >/dev/null 2>&1 || true

tmp=$(mktemp -d)
run_pid=""
server_pid=""

cleanup() {
  local rc=$?
  trap - EXIT
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" || true; fi
  fi
  if [ -n "$run_pid" ]; then
    kill -KILL "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  bah rm --all >/dev/null 2>&1 || true
  bah rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# show_log FILE: its last lines on stderr, after a failure.
show_log() {
  if [ -s "$1" ]; then
    echo "--- last lines of $(basename "$1"):" >&2
    tail -n "${2:-30}" "$1" >&2
  fi
}

# --- base: Debian 12 from Debian's mirrors -------------------------------------------
# The official debian:12 and debian:12-slim are both minbase trees (slim also leaves out
# the documentation), so one minbase tarball stands in for both FROM lines of the
# Containerfile, which stays as it is for builds that can reach the registry.
started=$SECONDS
tarball=$cache/debian-12-minbase-$(date -u +%Y%m%d).tar
if [ -f "$tarball" ] && [ -s "$tarball" ]; then
  echo "$name: base: reusing $tarball"
else
  echo "$name: base: mmdebstrap --variant=minbase bookworm"
  # The mirrors are given, else mmdebstrap reads sources from a standard input that is not
  # a terminal (CI's). /dev stays empty: buildah mounts its own.
  rm -f "$tarball.part"
  mmdebstrap --variant=minbase --format=tar --quiet --skip=output/dev bookworm "$tarball.part" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" \
    </dev/null >"$tmp/mmdebstrap.log" 2>&1 || {
    show_log "$tmp/mmdebstrap.log"
    rm -f "$tarball.part"
    fail "mmdebstrap could not make the Debian 12 base (are Debian's mirrors reachable?)"
  }
  mv "$tarball.part" "$tarball"
  find "$cache" -maxdepth 1 -type f -name 'debian-12-minbase-*.tar' ! -path "$tarball" -delete
fi
base_ctr=$(bah from scratch)
bah add --quiet "$base_ctr" "$tarball" / >/dev/null
bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd bash "$base_ctr"
bah commit --quiet --rm "$base_ctr" localhost/debian:12 >/dev/null
bah tag localhost/debian:12 localhost/debian:12-slim
base_s=$((SECONDS - started))
echo "$name: base: debian:12 and debian:12-slim imported ($base_s s)"

# --- build: the image ----------------------------------------------------------------
mkdir "$tmp/context"
git -C "$root" archive --format=tar "$rev" | tar -x -C "$tmp/context" ||
  fail "git archive $rev failed"
exec 8>>"$build_lock"
if ! flock -n 8; then
  echo "$name: build: waiting for $build_lock (another build is compiling)"
  flock 8
fi
started=$SECONDS
echo "$name: build: buildah bud -f deploy/Containerfile (git archive $rev, $jobs jobs)"
# 8>&- 9>&-: the locks are this shell's, not held on by anything the build leaves running.
# The host's compiler cache, lent to the build stage, and the sources built at the host's
# path: with the same paths and the source root as base_dir on both sides (tests/run.sh sets
# the same for its builds), what the release build compiled from the same sources is not
# compiled again. PERSPECTIEF_CONTAINER_CCACHE=0 builds
# without it.
lend=()
if [ "${PERSPECTIEF_CONTAINER_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
  ccache_dir=$(ccache -k cache_dir)
  mkdir -p "$ccache_dir"
  lend=(--volume "$ccache_dir:/ccache" --build-arg CCACHE_DIR=/ccache --build-arg "SRC_DIR=$root")
  # ccache hashes these: the same values as the host's builds, or no object is found.
  for var in LANG LC_ALL LC_CTYPE LC_MESSAGES; do
    if [ -n "${!var+set}" ]; then lend+=(--build-arg "$var=${!var}"); fi
  done
  echo "$name: build: the compiler cache $ccache_dir lent to the build stage"
fi
bah bud --isolation=chroot --pull=never --build-arg "PERSPECTIEF_JOBS=$jobs" "${lend[@]}" \
  -f deploy/Containerfile -t "$image" "$tmp/context" >"$tmp/bud.log" 2>&1 8>&- 9>&- || {
  show_log "$tmp/bud.log" 60
  fail "buildah bud of deploy/Containerfile failed"
}
flock -u 8
exec 8>&-
build_s=$((SECONDS - started))
echo "$name: build: $image built ($build_s s)"

# --- run: the server from the image ---------------------------------------------------
started=$SECONDS
user=$(bah inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
[ "$user" = 10001:10001 ] || fail "the image's user is '$user', expected 10001:10001"
pass "the image's user is 10001:10001"
mkdir -m 0700 "$tmp/run" "$tmp/run/store" "$tmp/run/keys"
(umask 077 && printf '%s\n' \
  '[{"token": "ci-intake", "subject": "aco-1", "organisation": "aco", "role": "intake"}]' \
  >"$tmp/run/tokens.json")
chown -R 10001:10001 "$tmp/run"
ctr=$(bah from "$image")
# The entry point is not used by `buildah run`: the server is named, and the image's
# environment gives it the data directory, keys directory and tokens file.
bah run --isolation=chroot \
  -v "$tmp/run/store:/var/lib/perspectief" \
  -v "$tmp/run/keys:/etc/perspectief/keys" \
  -v "$tmp/run/tokens.json:/etc/perspectief/tokens.json:ro" \
  "$ctr" -- /usr/local/bin/perspectief-server --listen 127.0.0.1:0 --threads 2 \
  >"$tmp/server.out" 2>"$tmp/server.err" </dev/null 8>&- 9>&- &
run_pid=$!

address=""
for ((i = 0; i < 600; i++)); do
  address=$(sed -n 's#^listening on http://\([0-9.]*:[0-9]*\)$#\1#p' "$tmp/server.out")
  [ -n "$address" ] && break
  kill -0 "$run_pid" 2>/dev/null || {
    show_log "$tmp/server.err"
    fail "buildah run exited before the server listened"
  }
  sleep 0.1
done
[ -n "$address" ] || {
  show_log "$tmp/server.err"
  fail "the server printed no 'listening on http://HOST:PORT' within 60 s"
}
# The server is a descendant of buildah run in the host's process namespace (chroot
# isolation shares it); SIGTERM goes to it, because buildah does not forward signals.
server_pid=$(ps -e -o pid=,ppid=,comm= | awk -v top="$run_pid" '
  { parent[$1] = $2; comm[$1] = $3 }
  END {
    for (p in comm) {
      if (comm[p] != "perspectief-ser") continue
      for (q = p; q in parent && q != top; q = parent[q]) {}
      if (q == top) print p
    }
  }')
[ -n "$server_pid" ] || fail "no perspectief-server process under buildah run ($run_pid)"
echo "$name: run: server listening on $address, pid $server_pid"

# --- check: health, an append and a read ---------------------------------------------
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$server_pid/status")
[ "$uid" = 10001 ] || fail "the server runs as uid $uid, expected 10001"
pass "the server runs as uid 10001"

code=$(curl -s -m 10 -o "$tmp/healthz" -w '%{http_code}' "http://$address/healthz")
[ "$code" = 200 ] || fail "GET /healthz answered $code, expected 200"
pass "GET /healthz 200"

code=$(curl -s -m 10 -o "$tmp/append.json" -w '%{http_code}' -X POST \
  "http://$address/v1/cases/$case_id/events" \
  -H "Authorization: Bearer ci-intake" -H "Content-Type: application/json" \
  -H 'If-Match: "0"' \
  -d '{"type": "CaseRegistered", "occurredAt": "2024-02-05T09:30:00Z",
       "data": {"person": {"name": "Amina Okafor", "dateOfBirth": "1991-04-17",
                           "nationality": "NG", "languages": ["en", "yo"]},
                "referralSource": "walk-in consultation hour"}}')
[ "$code" = 201 ] || fail "POST /v1/cases/$case_id/events answered $code, expected 201: $(head -c 500 "$tmp/append.json")"
pass "POST /v1/cases/$case_id/events (CaseRegistered) 201"

code=$(curl -s -m 10 -o "$tmp/read.json" -w '%{http_code}' \
  "http://$address/v1/cases/$case_id/events" -H "Authorization: Bearer ci-intake")
[ "$code" = 200 ] || fail "GET /v1/cases/$case_id/events answered $code, expected 200"
python3 - "$tmp/append.json" "$tmp/read.json" <<'PY' || fail "the stream read back is not the appended event"
import json, sys
appended = json.load(open(sys.argv[1], encoding="utf-8"))["events"]
read = json.load(open(sys.argv[2], encoding="utf-8"))["events"]
if len(appended) != 1 or read != appended:
    sys.exit(f"appended {appended}, read {read}")
event = read[0]
if event["type"] != "CaseRegistered" or event["data"]["person"]["name"] != "Amina Okafor":
    sys.exit(f"unexpected event {event}")
PY
pass "GET /v1/cases/$case_id/events 200 with the CaseRegistered event"

kill -TERM "$server_pid" 2>/dev/null || true
for ((i = 0; i < 1200; i++)); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run_pid" 2>/dev/null && fail "the server did not stop within 120 s of SIGTERM"
rc=0
wait "$run_pid" || rc=$?
run_pid=""
server_pid=""
[ "$rc" = 0 ] || {
  show_log "$tmp/server.err"
  fail "the server exited $rc after SIGTERM, expected 0"
}
pass "the server exited 0 on SIGTERM"
echo "$name: base $base_s s, build $build_s s, run and checks $((SECONDS - started)) s"
echo "$name: $passed passed, 0 failed"
