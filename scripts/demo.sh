#!/usr/bin/env bash
# One command to try ispw-mcp: installs what it needs, builds, and starts the CES simulator and the
# HTTP MCP server together. Extra arguments go to `ispw-mcp demo` (e.g. --port 9090).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_bin="$(bash scripts/install-tools.sh --node-only | tail -n 1)"
export PATH="$node_bin:$PATH"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
exec node dist/src/main.js demo "$@"
