#!/usr/bin/env bash
# The supply-chain tests (part of `npm run test:all`), all offline: static checks (shellcheck,
# actionlint, zizmor, hadolint, the workflow policy), both vulnerability gates, the whole
# build → push → SBOM → sign → attest → verify chain against a loopback registry with a throw-away
# key, and the Kyverno admission policies — each shown able to fail. Installs the pinned tools first
# (scripts/install-tools.sh --release). Where podman cannot run, says so LOUDLY and skips (exit 0).
# RELEASE_RESULTS_FILE: where to write vitest's JSON report (test-all.sh sums it up).
source "$(dirname "$0")/lib.sh"
cd "$root"
loud_skip() {
  printf '\n%s\n' "################################################################################" >&2
  printf '#  SUPPLY-CHAIN TESTS SKIPPED: %s\n' "$1" >&2
  printf '#  Signing, attestations, vulnerability gates and admission policies were NOT tested.\n' >&2
  printf '#  Install podman (apt-get install -y podman runc mmdebstrap) and rerun.\n' >&2
  printf '%s\n\n' "################################################################################" >&2
  exit 0
}
command -v podman >/dev/null || loud_skip "podman is not installed"
podman info >/dev/null 2>&1 || loud_skip "podman is installed but cannot run here: $(podman info 2>&1 | tail -n 1)"
# zip builds the fixture OSV database, unzip counts its records (vuln-deps.sh): installed like
# .ci/run installs podman, when this runs as root on a Debian/Ubuntu machine.
if ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zip unzip >/dev/null
  fi
fi
for tool in apt-get dpkg zip unzip; do
  command -v "$tool" >/dev/null || die "supply-chain tests need $tool (apt-get install -y zip unzip)"
done
node_bin="$(bash scripts/install-tools.sh --release | tail -n 1)"
export PATH="$node_bin:$PATH"
reporters=(--reporter=default)
[ -n "${RELEASE_RESULTS_FILE:-}" ] && reporters+=(--reporter=json "--outputFile.json=$RELEASE_RESULTS_FILE")
npx vitest run --config vitest.release.config.ts "${reporters[@]}"
