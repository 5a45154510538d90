#!/usr/bin/env bash
# Installs what is missing, builds and runs every test with ctest:
#   release     unit, integration and crash tests (warnings are errors), then clang-tidy over
#               the C++ files changed since the base commit (tests/clang_tidy.sh says which)
#   asan-ubsan  the same under AddressSanitizer and UndefinedBehaviorSanitizer
#   tsan        the concurrency tests only (label concurrency, tests/tsan.cmake: store and group
#               commit, key ring, bed races, long polls, erasure, shutdown, crash) under
#               ThreadSanitizer (clang); builds only the test executables they need
#   fuzz        libFuzzer over request parsing for 60 s, and the fast record readers
#               against Boost.JSON for 30 s (clang)
#   container   not a preset: deploy/container-check.sh builds the image from
#               deploy/Containerfile with buildah and checks the server started from it
# PERSPECTIEF_PRESETS="release" runs a subset; extra arguments go to ctest (e.g. -R Store).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deploy/install-deps.sh
# The Node.js test dependencies, exactly as locked (tests/js/package-lock.json).
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
jobs=${PERSPECTIEF_JOBS:-2}
# ccache (CMakeLists.txt uses it when present) with paths relative to the source root and
# compilers compared by content: the container stage's compile, of the same sources under
# /src in the image with the same settings (deploy/Containerfile), then finds the release
# build's objects in the cache lent to it instead of compiling them again.
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true CCACHE_COMPILERCHECK=content
# Each stage's time, so a slow CI run says where its minutes went.
stage_done() {
  echo "== $1: took $((SECONDS - stage_start)) s (total $SECONDS s)"
  stage_start=$SECONDS
}
stage_start=0
stage_done "install-deps and npm ci"
for preset in ${PERSPECTIEF_PRESETS:-release asan-ubsan tsan fuzz container}; do
  if [ "$preset" = container ]; then
    echo "== container: build the image and check the server in it"
    PERSPECTIEF_JOBS=$jobs deploy/container-check.sh
    stage_done container
    continue
  fi
  echo "== $preset: configure and build"
  if [ "$preset" = fuzz ]; then
    cmake --preset fuzz >/dev/null
  else
    cmake --preset "$preset" -DPERSPECTIEF_BUILD_TESTS=ON >/dev/null
  fi
  cmake --build --preset "$preset" -j "$jobs"
  stage_done "$preset build"
  echo "== $preset: test"
  only=()
  if [ "$preset" = tsan ]; then only=(-L concurrency); fi
  ctest --test-dir "build/$preset" --output-on-failure -j "$jobs" --timeout 600 "${only[@]}" "$@"
  stage_done "$preset test"
  if [ "$preset" = release ]; then
    echo "== release: clang-tidy over the changed files"
    PERSPECTIEF_JOBS=$jobs tests/clang_tidy.sh
    stage_done "release clang-tidy"
  fi
done
