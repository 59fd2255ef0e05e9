# shellcheck shell=bash
# shellcheck disable=SC2034 # the scripts that source this file read these variables
# Shared by the image scripts (source it): repository root, the podman invocation that works on
# hosts like ours (runc; explicit ulimits, because the default ones cannot be raised in a nested
# cgroup-v1 sandbox), the local base image names, and the Node version the image ships.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE_VERSION="$(sed -n 's/^NODE_VERSION=//p' "$root/scripts/install-tools.sh")"
NPM_VERSION=11.19.1            # the npm the builder base image carries (matches the lockfile's npm)
DEBIAN_SUITE=bookworm          # the Debian release of the host's apt sources, used for both bases
IMAGE="${ISPW_MCP_IMAGE:-localhost/ispw-mcp:dev}"
RUNTIME_BASE="localhost/ispw-mcp-base/nodejs24-runtime:$NODE_VERSION"
BUILDER_BASE="localhost/ispw-mcp-base/node24-builder:$NODE_VERSION"
# Base images are built with a fixed timestamp (like distroless) so they are reproducible too.
BASE_EPOCH=0

# PODMAN_RUNTIME / PODMAN_ULIMITS override for hosts where crun or the defaults work.
podman_runtime=(--runtime "${PODMAN_RUNTIME:-runc}")
read -r -a podman_ulimits <<< "${PODMAN_ULIMITS:---ulimit nofile=4096:4096 --ulimit nproc=4096:4096}"
pm() { podman "${podman_runtime[@]}" "$@"; }

require_podman() {
  command -v podman >/dev/null || {
    echo "podman is not installed: apt-get install -y podman runc (or see docs/container.md)" >&2
    exit 3
  }
}
