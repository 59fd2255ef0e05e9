#!/usr/bin/env bash
# The container tests (part of `npm run test:all`): builds the image end to end from a snapshot of
# the working tree, then runs test/container with vitest — hardened runs in stdio and HTTP mode,
# image checks, hadolint, seccomp/AppArmor checks, SBOM and a no-cache reproducibility rebuild.
# Where podman cannot run at all, says so LOUDLY and skips (exit 0); everything else fails hard.
# CONTAINER_RESULTS_FILE: where to write vitest's JSON report (test-all.sh sums it up).
source "$(dirname "$0")/lib.sh"
cd "$root"
loud_skip() {
  printf '\n%s\n' "################################################################################" >&2
  printf '#  CONTAINER TESTS SKIPPED: %s\n' "$1" >&2
  printf '#  The image, its hardening, seccomp/AppArmor profiles and SBOM were NOT tested.\n' >&2
  printf '#  Install podman (apt-get install -y podman runc apparmor mmdebstrap) and rerun.\n' >&2
  printf '%s\n\n' "################################################################################" >&2
  exit 0
}
command -v podman >/dev/null || loud_skip "podman is not installed"
podman info >/dev/null 2>&1 || loud_skip "podman is installed but cannot run here: $(podman info 2>&1 | tail -n 1)"
for tool in apparmor_parser mmdebstrap; do
  command -v "$tool" >/dev/null || { echo "container tests need $tool: apt-get install -y apparmor mmdebstrap" >&2; exit 1; }
done

node_bin="$(bash scripts/install-tools.sh --container | tail -n 1)"
export PATH="$node_bin:$PATH"
context="$(mktemp -d)"
# Each build leaves its builder stage behind as an untagged image (the layer cache): keep the
# recent ones for the next build, drop those older than a day.
trap 'rm -rf "$context"; podman image prune --force --filter until=24h >/dev/null 2>&1 || true' EXIT
bash scripts/image/snapshot-context.sh "$context"
started=$SECONDS
bash scripts/image/build.sh --context "$context" --tag "$IMAGE" >/dev/null
echo "image $IMAGE built in $((SECONDS - started))s" >&2

export ISPW_MCP_TEST_IMAGE="$IMAGE" ISPW_MCP_TEST_CONTEXT="$context" ISPW_MCP_TEST_RUNTIME_BASE="$RUNTIME_BASE"
reporters=(--reporter=default)
[ -n "${CONTAINER_RESULTS_FILE:-}" ] && reporters+=(--reporter=json "--outputFile.json=$CONTAINER_RESULTS_FILE")
npx vitest run --config vitest.container.config.ts "${reporters[@]}"
