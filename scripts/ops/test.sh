#!/usr/bin/env bash
# The operations tests (part of `npm run test:all`): installs promtool, amtool, alertmanager and the
# minimal OpenTelemetry Collector (install-tools --ops, built once per machine), then runs test/ops
# with vitest: Prometheus rule checks and unit tests, Alertmanager routing and inhibition, metric
# names of rules/dashboard/runbooks against a real server's scrape, SIEM shipping, DR restore and
# the compliance bundle. Builds the server first when run on its own (test-all.sh has built it).
# OPS_RESULTS_FILE: where to write vitest's JSON report (test-all.sh sums it up).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
node_bin="$(bash scripts/install-tools.sh --ops | tail -n 1)"
export PATH="$node_bin:$PATH"
[ -f dist/src/main.js ] || npm run build
reporters=(--reporter=default)
[ -n "${OPS_RESULTS_FILE:-}" ] && reporters+=(--reporter=json "--outputFile.json=$OPS_RESULTS_FILE")
npx vitest run --config vitest.ops.config.ts "${reporters[@]}" "$@"
