#!/usr/bin/env bash
# Installs the Debian 12 packages Perspectief builds, tests and runs with, if any is missing.
#   deploy/install-deps.sh               everything: building, tests, benchmarks, fuzzing
#   deploy/install-deps.sh --build-only  only what building the server and the tool needs
#                                        (-DPERSPECTIEF_BUILD_TESTS=OFF; deploy/Containerfile)
set -euo pipefail

build_pkgs=(build-essential cmake ninja-build ccache git pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libboost-program-options1.81-dev  # flags, environment and the config file (services/flags.hpp)
  librocksdb-dev prometheus-cpp-dev libssl-dev
  libjemalloc-dev  # the executables' allocator (CMakeLists.txt says why)
  python3 python3-yaml)  # the build converts docs/openapi.yaml to the served JSON
# Tests, benchmarks, the fuzzer and tests/deploy/ (promtool and prometheus for the
# Prometheus config checks and the scrape test; openssl makes the TLS test's certificate;
# postgresql, PostgreSQL 15 with pgbench in /usr/lib/postgresql/15/bin, is the baseline of
# tests/bench/compare.sh). On a host where systemd runs, installing `prometheus` or
# `postgresql` also enables and starts its service (ports 9090 and 5432); the tests and
# compare.sh start their own instances and do not need them.
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format clang-tidy-14 libclang-rt-14-dev curl wrk openssl
  prometheus chromium chromium-driver postgresql
  # The container stage (deploy/container-check.sh): mmdebstrap makes the Debian 12 base
  # image from Debian's mirrors (no registry is reachable), buildah builds and runs the
  # image with chroot isolation (no OCI runtime needed; uidmap comes with it).
  buildah mmdebstrap)

case "${1:-}" in
  "") pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  --build-only) pkgs=("${build_pkgs[@]}") ;;
  *) echo "usage: deploy/install-deps.sh [--build-only]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The Node.js tests (tests/js: the OpenAPI validator, the API guide, the dashboard in
# Chromium) need node and npm; Debian's packages unless a Node.js (>= 18) is there already
# (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
if [ "${1:-}" != --build-only ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
