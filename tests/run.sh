#!/usr/bin/env bash
# Installs what is missing, builds (release preset, warnings as errors) and runs every test
# with ctest. Extra arguments go to ctest (e.g. -R store).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deploy/install-deps.sh
preset=${PERSPECTIEF_PRESET:-release}
jobs=${PERSPECTIEF_JOBS:-2}
cmake --preset "$preset" -DPERSPECTIEF_BUILD_TESTS=ON >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" --timeout 600 "$@"
