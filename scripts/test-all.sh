#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs pinned tools and dependencies, type-checks,
# builds, then runs the unit/CES/tool/e2e tests, the MCP conformance suite (both protocol eras) and
# Inspector CLI smoke calls — all under Node 24. Everything runs on loopback.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_bin="$(bash scripts/install-tools.sh | tail -n 1)"
export PATH="$node_bin:$PATH"
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
npm run typecheck
npm run build
npx vitest run
bash scripts/conformance.sh
bash scripts/inspector-smoke.sh
