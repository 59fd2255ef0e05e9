#!/usr/bin/env bash
# The chart tests (part of `npm run test:all`): installs the --kube tools (helm, kubeconform, crane,
# checkov, and etcd + kube-apiserver + kube-controller-manager + kubectl built from
# scripts/tools/kubernetes), builds the image from this tree, then runs test/chart with vitest: the
# values matrix rendered, linted (helm lint, kubeconform, checkov) and applied to a real control plane
# on loopback (started once by the global setup, stopped at the end), the chart pushed to a loopback
# OCI registry, and the rendered Deployment run with `podman kube play`.
# Where podman cannot run, the podman tests are skipped with a LOUD banner; everything else must run.
# CHART_RESULTS_FILE: where to write vitest's JSON report (test-all.sh sums it up).
source "$(dirname "$0")/../image/lib.sh"
cd "$root"

node_bin="$(bash scripts/install-tools.sh --kube | tail -n 1)"
export PATH="$node_bin:$PATH"
# The tests run the built server (config check); test-all.sh has built it already.
[ -f dist/src/main.js ] || { npm ci --no-audit --no-fund --loglevel=error && npm run build; }
command -v go >/dev/null || { echo "chart tests need Go (for the CRDs from the module proxy): https://go.dev/dl/" >&2; exit 1; }

# Processes and pods of this run, so a killed run is cleaned up here too (only what this run started).
run_dir="$(mktemp -d)"
export ISPW_MCP_CHART_RUN_DIR="$run_dir" ISPW_MCP_CHART_RUN_ID="r$$"
cleanup() {
  for pids in "$run_dir"/*/pids; do
    [ -f "$pids" ] || continue
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$pids"
  done
  if command -v podman >/dev/null; then
    podman pod ls --format '{{.Name}}' 2>/dev/null | grep "^issue-14-chart-$ISPW_MCP_CHART_RUN_ID-" | xargs -r podman pod rm --force >/dev/null 2>&1 || true
    podman ps -a --format '{{.Names}}' 2>/dev/null | grep "^issue-14-chart-$ISPW_MCP_CHART_RUN_ID-" | xargs -r podman rm --force >/dev/null 2>&1 || true
  fi
  rm -rf "$run_dir"
}
trap cleanup EXIT

exclude=()
skip_podman() {
  printf '\n%s\n' "################################################################################" >&2
  printf '#  CHART PODMAN TESTS SKIPPED: %s\n' "$1" >&2
  printf '#  The rendered Deployment was NOT run (podman kube play), nor the image under an\n' >&2
  printf '#  arbitrary OpenShift UID. Install podman (apt-get install -y podman runc catatonit).\n' >&2
  printf '%s\n\n' "################################################################################" >&2
  exclude=(--exclude test/chart/podman.test.ts --exclude test/chart/openshift.test.ts)
}
if ! command -v podman >/dev/null; then
  skip_podman "podman is not installed"
elif [ "$(id -u)" != 0 ]; then
  skip_podman "not root: the Secret files are laid out as the kubelet does (root-owned, group fsGroup), which needs root"
elif ! podman info >/dev/null 2>&1; then
  skip_podman "podman is installed but cannot run here: $(podman info 2>&1 | tail -n 1)"
else
  # podman kube play starts an infra container from a local pause image, built with catatonit.
  [ -x /usr/libexec/podman/catatonit ] || command -v catatonit >/dev/null ||
    { echo "chart tests need catatonit for podman kube play: apt-get install -y catatonit" >&2; exit 1; }
  # One image tag per checkout: rebuilt in place, never piling up. Layers are shared with the
  # container tests' build of the same tree, so this build is mostly cached.
  tag="localhost/ispw-mcp-chart/$(printf '%s' "$root" | sha256sum | cut -c1-12):test"
  started=$SECONDS
  bash scripts/image/build.sh --tag "$tag" >/dev/null
  echo "image $tag built in $((SECONDS - started))s" >&2
  export ISPW_MCP_TEST_IMAGE="$tag"
fi

reporters=(--reporter=default)
[ -n "${CHART_RESULTS_FILE:-}" ] && reporters+=(--reporter=json "--outputFile.json=$CHART_RESULTS_FILE")
npx vitest run --config vitest.chart.config.ts "${reporters[@]}" "${exclude[@]}"
