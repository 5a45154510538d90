#!/usr/bin/env bash
# Installs what is missing, builds and runs every test with ctest: first the release build
# (warnings are errors), then the ASan+UBSan build. Extra arguments go to ctest (e.g. -R Store).
# PERSPECTIEF_PRESETS="release" runs only the release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deploy/install-deps.sh
jobs=${PERSPECTIEF_JOBS:-2}
for preset in ${PERSPECTIEF_PRESETS:-release asan-ubsan}; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" -DPERSPECTIEF_BUILD_TESTS=ON >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --test-dir "build/$preset" --output-on-failure -j "$jobs" --timeout 600 "$@"
done
