#!/usr/bin/env bash
# Offline demo: starts the Elexon simulator on a free port, runs a few bmrs commands against a
# temporary store, and stops the simulator however the script ends (success, failure, Ctrl-C).
# `npm run demo`. BMRS_DEMO_PID_FILE=path writes the simulator's PID there (the tests use it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ -f "$root/dist/cli/main.js" ]] || (cd "$root" && npm run --silent build)

work=$(mktemp -d "${TMPDIR:-/tmp}/bmrs-demo.XXXXXX")
sim=''
stop() {
  if [[ -n "$sim" ]]; then
    kill "$sim" 2>/dev/null || true
    wait "$sim" 2>/dev/null || true
    echo "demo: stopped the simulator (PID $sim)"
  fi
  rm -rf "$work"
  echo "demo: removed the temporary store $work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Its first line is "listening on <url>". A fixed --now keeps the numbers the same on every run.
exec 3< <(exec node "$root/bin/elexon-sim.js" --port 0 --now 2025-11-01T00:00:00Z)
sim=$!
[[ -n "${BMRS_DEMO_PID_FILE:-}" ]] && echo "$sim" >"$BMRS_DEMO_PID_FILE"
read -r line <&3 || { echo "demo: the simulator did not start" >&2; exit 1; }
url=${line#listening on }
echo "demo: simulator (PID $sim) listening on $url"

# Run from the temporary folder, so a .env in the checkout is not read; reach the simulator directly.
cd "$work"
export BMRS_API_BASE="$url" BMRS_DUCKDB_PATH="$work/bmrs.duckdb" NO_PROXY='*' no_proxy='*'
unset BMRS_NOW BMRS_SINK
echo "demo: store $BMRS_DUCKDB_PATH"

bmrs() {
  local shown=() a
  for a in "$@"; do [[ "$a" == *' '* ]] && shown+=("\"$a\"") || shown+=("$a"); done
  printf '\n$ bmrs %s\n' "${shown[*]}"
  node "$root/bin/bmrs.js" "$@"
}

bmrs ingest --dataset FUELINST --from 2025-10-26 --to 2025-10-28
bmrs ingest --dataset FUELINST --from 2025-10-26 --to 2025-10-28
bmrs ingest --dataset MID,FREQ --from 2025-10-27 --to 2025-10-28
bmrs query "SELECT fuelType, min(generation) AS min_mw, max(generation) AS max_mw FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1"
echo
