#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs pinned tools and dependencies, type-checks,
# lints (ESLint with the architecture's boundaries, Prettier), builds, then runs the unit/CES/tool/e2e tests, the MCP conformance suite (both protocol eras),
# Inspector CLI smoke calls, the container tests (image build + hardened runs under podman; skipped
# loudly where podman cannot run), the chart tests (real control plane), the supply-chain tests
# (static checks, vulnerability gates, sign/attest/verify, admission policies) and the operations
# tests (rules, alerting, SIEM shipping, DR, compliance bundle) — all under Node 24, on loopback.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Install: distribution packages for the container tests (apt-get as root), then pinned tools and
# dependencies. What it downloads and how long it takes: README, "Two commands".
bash scripts/install-system-packages.sh
node_bin="$(bash scripts/install-tools.sh | tail -n 1)"
export PATH="$node_bin:$PATH"
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
npm run typecheck
npm run lint
npm run build
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
bash scripts/conformance.sh
INSPECTOR_COUNT_FILE="$results/inspector.txt" bash scripts/inspector-smoke.sh
CONTAINER_RESULTS_FILE="$results/container.json" bash scripts/image/test.sh
# ---- supply chain (issue 15): static checks, both vulnerability gates, the sign/attest/verify chain
# and the Kyverno admission policies, offline (scripts/release/test.sh; docs/supply-chain.md) ----
RELEASE_RESULTS_FILE="$results/release.json" bash scripts/release/test.sh
# ---- end supply chain ----
# --- chart tests (charts/ispw-mcp): rendered, linted, applied to a real control plane, run under podman
CHART_RESULTS_FILE="$results/chart.json" bash scripts/chart/test.sh
# --- end chart tests
# --- operations (issue 16): Prometheus rules and promtool tests, Alertmanager, metric names against
# a real scrape, runbooks, SIEM shipping through the collector, DR restore, compliance bundle.
OPS_RESULTS_FILE="$results/ops.json" bash scripts/ops/test.sh
# --- end operations
# One closing line for the whole suite (scripts/lib/test-summary.mjs): every group's vitest report,
# the Inspector smoke checks and the conformance runs; a listed group without a report counts as skipped.
node scripts/lib/test-summary.mjs "$results" container chart release ops
