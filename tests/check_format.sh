#!/usr/bin/env bash
# Fails when a C++ source file differs from what clang-format (the root .clang-format) makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format is not installed"; exit 1; }
files=$(find domain eventstore projections api services tests -name '*.cpp' -o -name '*.hpp' | sort)
clang-format --dry-run --Werror $files
echo "clang-format: $(echo "$files" | wc -l) files formatted"
