#!/usr/bin/env bash
# clang-tidy (clang-tidy-14, the checks of the root .clang-tidy) over the C++ files of the
# service (domain eventstore projections api services; not tests/) that changed since a base
# commit. Prints each finding as file:line:col: warning: text [check] and exits 1 if there is
# any, 0 if there is none, 2 if it cannot run.
#   tests/clang_tidy.sh              the files changed since the base, committed or not
#   tests/clang_tidy.sh PATH...      these files, or every C++ file under these directories
# The base is $PERSPECTIEF_TIDY_BASE when set (a commit: in CI, the last commit that landed
# before the change under test), else the commit recorded in .ci/tidy-base (the last landed
# commit whose changed files were checked; move it forward when landing). The files compared
# are those that differ between the merge-base of the base and HEAD, and the working tree
# (plus untracked files), so a branch is checked for its own changes only. It needs the
# history back to the base (a shallow clone is refused) and the compile_commands.json of the
# release build (cmake --preset release; PERSPECTIEF_TIDY_BUILD names another build dir).
# A changed .cpp file is analysed with its own flags; a changed header through its .cpp
# file, or else through a file that includes it. Only findings in the changed files count.
# PERSPECTIEF_JOBS clang-tidy processes run at once (default 2).
set -euo pipefail
# The whole script is one function, read before it runs: editing the file meanwhile is safe.
main() {
  root=$(cd "$(dirname "$0")/.." && pwd)
  cd "$root"
  tidy=${CLANG_TIDY:-clang-tidy-14}
  build=${PERSPECTIEF_TIDY_BUILD:-build/release}
  jobs=${PERSPECTIEF_JOBS:-2}
  scope='^(domain|eventstore|projections|api|services)/.*\.(cpp|hpp)$'

  die() {
    echo "clang_tidy.sh: $*" >&2
    exit 2
  }
  command -v "$tidy" >/dev/null || die "$tidy is not installed (deploy/install-deps.sh)"
  [ -f "$build/compile_commands.json" ] || die "no $build/compile_commands.json: configure the release preset first"

  changed_files() {
    local base merge_base
    base=${PERSPECTIEF_TIDY_BASE:-$(tr -d '[:space:]' <.ci/tidy-base)}
    git rev-parse --verify --quiet "$base^{commit}" >/dev/null ||
      die "base $base is not in this clone (a shallow clone? fetch the full history)"
    merge_base=$(git merge-base "$base" HEAD) || die "no merge-base of $base and HEAD"
    echo "clang_tidy.sh: files changed since $(git rev-parse --short "$merge_base")" >&2
    {
      git diff --name-only --diff-filter=d "$merge_base" --
      git ls-files --others --exclude-standard
    } | grep -E "$scope" | sort -u || true
  }

  if [ $# -gt 0 ]; then
    files=$(git ls-files --cached --others --exclude-standard -- "$@" | grep -E "$scope" | sort -u || true)
  else
    files=$(changed_files)
  fi
  if [ -z "$files" ]; then
    echo "clang-tidy: no changed C++ files"
    exit 0
  fi

  logs=$(mktemp -d)
  trap 'rm -rf "$logs"' EXIT
  # The build compiles its sources a few at a time (unity build, PERSPECTIEF_UNITY): its
  # database names the unit files (Unity/unity_N_cxx.cxx), not the sources they include.
  # clang-tidy analyses each source alone, with its unit's command (one target, one set of
  # flags), from a database written here with one entry per source.
  python3 -c 'if True:
    import json, os, re, sys
    out = []
    for e in json.load(open(sys.argv[1])):
        unit = os.path.join(e["directory"], e["file"])
        if "/Unity/unity_" not in unit:
            out.append(e)
            continue
        for source in re.findall(r"^#include \"(.+)\"$", open(unit).read(), re.M):
            f = dict(e, file=source)
            for key in ("command", "arguments"):
                if key in e:
                    f[key] = (e[key].replace(e["file"], source) if key == "command"
                              else [a.replace(e["file"], source) for a in e[key]])
            f.pop("output", None)
            out.append(f)
    json.dump(out, open(sys.argv[2], "w"), indent=1)
  ' "$build/compile_commands.json" "$logs/compile_commands.json"

  # The translation units in the compile database (one per line, repo-relative).
  units=$(python3 -c 'if True:
    import json, os, sys
    root = sys.argv[1]
    for e in json.load(open(sys.argv[2])):
        print(os.path.relpath(os.path.join(e["directory"], e["file"]), root))
  ' "$root" "$logs/compile_commands.json" | sort -u)

  # The translation unit that analyses a header: its .cpp file, else one that includes it,
  # directly or through other headers of the service.
  unit_for_header() {
    local sibling=${1%.hpp}.cpp wanted=("$1") depth unit patterns
    if grep -qxF "$sibling" <<<"$units"; then
      echo "$sibling"
      return
    fi
    for depth in 1 2 3 4; do
      patterns=$(printf '#include "%s"\n' "${wanted[@]}")
      unit=$(grep -E "$scope" <<<"$units" | xargs grep -lF "$patterns" 2>/dev/null | head -n 1 || true)
      if [ -n "$unit" ]; then
        echo "$unit"
        return
      fi
      mapfile -t wanted < <(git ls-files --cached --others --exclude-standard | grep -E "$scope" |
        grep '\.hpp$' | xargs grep -lF "$patterns" 2>/dev/null || true)
      [ ${#wanted[@]} -gt 0 ] || return 0
    done
  }

  to_run=()
  headers=()
  for f in $files; do
    case $f in
      *.cpp)
        if grep -qxF "$f" <<<"$units"; then
          to_run+=("$f")
        else
          echo "clang_tidy.sh: $f is not in $build/compile_commands.json (not built, or configure again): skipped" >&2
        fi
        ;;
      *.hpp)
        headers+=("$f")
        unit=$(unit_for_header "$f")
        if [ -n "$unit" ]; then to_run+=("$unit"); else echo "clang_tidy.sh: no file includes $f" >&2; fi
        ;;
    esac
  done
  mapfile -t to_run < <(printf '%s\n' "${to_run[@]}" | sort -u)

  # Diagnostics in headers are shown for the changed headers only.
  header_filter='^$'
  if [ ${#headers[@]} -gt 0 ]; then
    header_filter="^$root/($(printf '%s\n' "${headers[@]}" | sed 's/[.]/\\./g' | paste -sd '|'))\$"
  fi

  echo "clang-tidy: ${#to_run[@]} translation units for $(wc -w <<<"$files") files, $jobs at once" >&2
  printf '%s\n' "${to_run[@]}" | xargs -P "$jobs" -I{} sh -c \
    '"$0" -p "$1" --quiet --header-filter="$2" --extra-arg=-Wno-unknown-warning-option "$3" \
       >"$4/$(echo "$3" | tr / _).log" 2>&1 || true' \
    "$tidy" "$logs" "$header_filter" {} "$logs"

  # One line per finding in a changed file; the same header finding from several units once.
  findings=$(cat "$logs"/*.log |
    grep -E "^$root/[^:]+:[0-9]+:[0-9]+: (warning|error): " |
    sed "s|^$root/||" |
    grep -F -f <(sed 's/$/:/' <<<"$files") |
    sort -u || true)
  if [ -n "$findings" ]; then
    echo "$findings"
    echo "clang-tidy: $(wc -l <<<"$findings") findings in the changed files (fix them, or justify each: NOLINT(check) with the reason, or a check turned off in .clang-tidy with a comment)"
    exit 1
  fi
  echo "clang-tidy: no findings in $(wc -w <<<"$files") files"
}
main "$@"
