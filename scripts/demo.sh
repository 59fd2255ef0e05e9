#!/usr/bin/env bash
# One command to try ispw-mcp: installs what it needs, builds, and starts the CES simulator and the
# HTTP MCP server together. Extra arguments go to `ispw-mcp demo` (e.g. `npm run demo -- --port 9090`).
#
# Signals: `npm run demo` runs this script through `exec` (package.json), so npm's child is this
# script and, once the server runs, the server itself (`exec node` below): a SIGINT or SIGTERM sent
# to npm alone reaches it. While the preparation steps run, a signal stops the running step and the
# script, so no server starts after it was asked to stop.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step_pid=""
stop_preparing() {
  echo "ispw-mcp demo: stopped before the server started" >&2
  [ -z "$step_pid" ] || kill -TERM "$step_pid" 2>/dev/null || true
  wait || true
  exit "$1"
}
trap 'stop_preparing 130' INT
trap 'stop_preparing 143' TERM
# Runs one preparation step in the background and waits for it: bash runs a trap only between
# commands, but `wait` returns as soon as a signal arrives.
step() {
  "$@" &
  step_pid=$!
  wait "$step_pid"
  step_pid=""
}

node_bin="$(bash scripts/install-tools.sh --node-only | tail -n 1)"
export PATH="$node_bin:$PATH"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ispw-mcp demo: installing dependencies (npm ci)…" >&2
  step npm ci --no-audit --no-fund --loglevel=error
fi
# A later start skips the build when nothing it compiles changed since the last demo build. The
# stamp is taken before the build, so a file saved while it runs is seen as changed next time.
stamp=dist/.demo-build-stamp
if [ ! -e "$stamp" ] || [ ! -e dist/src/main.js ] ||
  [ -n "$(find src simulator package.json package-lock.json tsconfig.json tsconfig.build.json -newer "$stamp" -print -quit)" ]; then
  echo "ispw-mcp demo: building…" >&2
  mkdir -p dist && touch "$stamp.new"
  step npm run build --silent
  mv "$stamp.new" "$stamp"
fi
trap - INT TERM
exec node dist/src/main.js demo "$@"
