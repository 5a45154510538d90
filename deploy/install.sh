#!/usr/bin/env bash
# Installs a built Perspectief server on a Debian 12 host, as a systemd service.
#
#   deploy/install.sh [--build-dir DIR] [--no-apt] [--dry-run]
#
# Run as root from a source tree whose release build is done (deploy/run.sh or
# `cmake --preset release && cmake --build --preset release --target perspectief-server perspectief`).
# It:
#   1. installs the runtime libraries with apt-get if any is missing (not with --no-apt);
#   2. creates the system user and group `perspectief` (no login, no home of its own);
#   3. creates /var/lib/perspectief/data (perspectief, 0700), /etc/perspectief
#      (root:perspectief, 0750) and /etc/perspectief/keys (perspectief, 0700);
#   4. tightens an existing /etc/perspectief/tokens.json to root:perspectief 0640, and
#      writes a commented /etc/perspectief/perspectief.env if there is none;
#   5. copies perspectief-server and perspectief to /usr/local/bin, the unit to
#      /etc/systemd/system/perspectief.service, docs/operations.md to
#      /usr/local/share/doc/perspectief/;
#   6. runs `systemctl daemon-reload` when systemd is running.
# It does not enable, start or restart the service, and never touches the store, the keys
# or the tokens' contents. Running it again upgrades the binaries and the unit in place.
# --dry-run prints what it would do and changes nothing (no root needed).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$root/build/release"
use_apt=1
dry_run=0

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] || { usage >&2; exit 2; }; build_dir=$2; shift 2 ;;
    --build-dir=*) build_dir=${1#--build-dir=}; shift ;;
    --no-apt) use_apt=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

user=perspectief
bin_dir=/usr/local/bin
state_dir=/var/lib/perspectief
conf_dir=/etc/perspectief
unit_path=/etc/systemd/system/perspectief.service
doc_dir=/usr/local/share/doc/perspectief
# What the binaries link against (ldd), by Debian 12 package name.
runtime_pkgs=(librocksdb7.8 libboost-json1.81.0 libboost-url1.81.0 libboost-program-options1.81.0
  libprometheus-cpp-core1.0 libssl3 libjemalloc2 ca-certificates)

say() { echo "install.sh: $*"; }
# Runs a command, or only shows it with --dry-run.
run() {
  if [ "$dry_run" -eq 1 ]; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

if [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (or with --dry-run to see what it would do)" >&2
  exit 1
fi

server_bin="$build_dir/services/perspectief-server"
tool_bin="$build_dir/services/perspectief"
for b in "$server_bin" "$tool_bin"; do
  if [ ! -x "$b" ]; then
    echo "install.sh: $b is missing: build the release preset first (or pass --build-dir)" >&2
    exit 1
  fi
done

# 1. Runtime libraries.
if [ "$use_apt" -eq 1 ]; then
  missing=()
  for p in "${runtime_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    run env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# 2. The service user: a system account without a shell; its files live under
#    /var/lib/perspectief.
if getent passwd "$user" >/dev/null; then
  say "user $user exists"
else
  say "creating system user $user"
  run useradd --system --user-group --home-dir "$state_dir" --no-create-home \
    --shell /usr/sbin/nologin --comment "Perspectief case-records service" "$user"
fi

# 3. Directories. `install -d` also sets owner and mode on directories that exist.
run install -d -m 0700 -o "$user" -g "$user" "$state_dir" "$state_dir/data"
run install -d -m 0750 -o root -g "$user" "$conf_dir"
run install -d -m 0700 -o "$user" -g "$user" "$conf_dir/keys"

# 4. Tokens and settings. The tokens file is the operators' to write (prefer "sha256"
#    entries over plain tokens: docs/operations.md, "Tokens file").
if [ -e "$conf_dir/tokens.json" ]; then
  run chown root:"$user" "$conf_dir/tokens.json"
  run chmod 0640 "$conf_dir/tokens.json"
fi
if [ ! -e "$conf_dir/perspectief.conf" ]; then
  say "installing $conf_dir/perspectief.conf (the server's settings, --config)"
  run install -m 0640 -o root -g "$user" "$root/deploy/perspectief.conf" "$conf_dir/perspectief.conf"
fi
if [ ! -e "$conf_dir/perspectief.env" ]; then
  say "writing $conf_dir/perspectief.env (all settings commented out)"
  if [ "$dry_run" -eq 0 ]; then
    tmp_env=$(mktemp "$conf_dir/.perspectief.env.XXXXXX")
    cat >"$tmp_env" <<'ENV'
# Settings for perspectief-server, read by systemd (EnvironmentFile=). Every server flag
# can be given as PERSPECTIEF_<FLAG>; these go over /etc/perspectief/perspectief.conf.
# Restart the service after a change: systemctl restart perspectief
#
# Serve HTTPS directly (files readable by the perspectief group, e.g. root:perspectief
# 0640 under /etc/perspectief); TLS 1.2 and 1.3 only, see docs/operations.md, "TLS".
#PERSPECTIEF_TLS_CERT=/etc/perspectief/tls/cert.pem
#PERSPECTIEF_TLS_KEY=/etc/perspectief/tls/key.pem
#
# I/O threads (default: the number of cores).
#PERSPECTIEF_THREADS=2
ENV
    chown root:"$user" "$tmp_env"
    chmod 0640 "$tmp_env"
    mv "$tmp_env" "$conf_dir/perspectief.env"
  fi
fi

# 5. Binaries, unit, documentation.
run install -m 0755 -o root -g root "$server_bin" "$tool_bin" "$bin_dir/"
run install -m 0644 -o root -g root "$root/deploy/perspectief.service" "$unit_path"
run install -d -m 0755 "$doc_dir"
run install -m 0644 "$root/docs/operations.md" "$doc_dir/operations.md"

# 6. Let systemd see the new unit (only where systemd runs: not in a container).
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  run systemctl daemon-reload
else
  say "systemd is not running here: skipped systemctl daemon-reload"
fi

say "done."
if [ ! -e "$conf_dir/tokens.json" ]; then
  say "next: write $conf_dir/tokens.json (root:$user, 0640), see docs/operations.md"
fi
say "start it with: systemctl enable --now perspectief"
say "after an upgrade: systemctl restart perspectief"
say "check: curl -s http://127.0.0.1:8080/readyz"
