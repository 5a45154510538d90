#!/usr/bin/env bash
# Installs what is missing, builds, and starts perspectief-server on an embedded store under
# ./var with development tokens (printed below). Ctrl-C stops it gracefully.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deploy/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "${PERSPECTIEF_JOBS:-2}" --target perspectief-server perspectief

mkdir -p var
tokens=var/dev-tokens.json
if [ ! -f "$tokens" ]; then
  cat >"$tokens" <<'JSON'
[
 {"token": "dev-regie", "subject": "regie-1", "organisation": "regiegroep", "role": "regie"},
 {"token": "dev-intake", "subject": "aco-1", "organisation": "aco", "role": "intake"},
 {"token": "dev-housing", "subject": "hvo-1", "organisation": "hvo-querido", "role": "housing"},
 {"token": "dev-legal", "subject": "askv-1", "organisation": "askv", "role": "legal"},
 {"token": "dev-return", "subject": "goedwerk-1", "organisation": "goedwerk", "role": "return"},
 {"token": "dev-participation", "subject": "boost-1", "organisation": "boost", "role": "participation"},
 {"token": "dev-researcher", "subject": "uva-1", "organisation": "uva", "role": "researcher"},
 {"token": "dev-ops", "subject": "ops-1", "organisation": "gemeente", "role": "ops"}
]
JSON
  chmod 600 "$tokens"
fi
listen=${PERSPECTIEF_LISTEN:-127.0.0.1:8080}
echo "Development tokens (var/dev-tokens.json; never use these in production):"
python3 -c 'import json,sys; [print("  %-14s Bearer %s" % (t["role"], t["token"])) for t in json.load(open(sys.argv[1]))]' "$tokens"
echo "Try: curl -s -H 'Authorization: Bearer dev-regie' http://$listen/v1/occupancy"
echo "Dashboard: http://$listen/ (sign in with dev-regie or dev-researcher)"
exec build/release/services/perspectief-server --data-dir var/data --tokens "$tokens" \
  --listen "$listen" --demo "$@"
