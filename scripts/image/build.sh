#!/usr/bin/env bash
# Builds the ispw-mcp image end to end with podman (`npm run image`): the local base images if
# missing (no registry needed), then the real Dockerfile from a clean snapshot of the working tree
# (tracked + untracked, .gitignore'd files left out), reproducibly: SOURCE_DATE_EPOCH = the commit
# time, every timestamp in the image fixed to it. Prints the image ID (config digest) last.
# Usage: scripts/image/build.sh [--tag T] [--no-cache] [--context DIR] [--upstream-bases]
#   --context DIR      build this prepared directory instead of a fresh snapshot (same inputs twice)
#   --upstream-bases   use the Dockerfile's pinned registry images instead of the local bases
source "$(dirname "$0")/lib.sh"
require_podman
tag="$IMAGE" context="" no_cache=() upstream=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --context) context="$2"; shift 2 ;;
    --no-cache) no_cache=(--no-cache); shift ;;
    --upstream-bases) upstream=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$root"
started=$SECONDS
PATH="$(bash "$root/scripts/install-tools.sh" --node-only | tail -n 1):$PATH"
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
version="$(node -p 'require("./package.json").version')"

cleanup=()
trap 'rm -rf "${cleanup[@]}"' EXIT
if [ -z "$context" ]; then
  context="$(mktemp -d)" && cleanup+=("$context")
  bash "$root/scripts/image/snapshot-context.sh" "$context"
fi

base_args=()
if [ -z "$upstream" ]; then
  bash "$root/scripts/image/base-images.sh" >/dev/null
  base_args=(--build-arg "RUNTIME_IMAGE=$RUNTIME_BASE" --build-arg "BUILDER_IMAGE=$BUILDER_BASE")
fi
# An extra CA for npm (TLS-inspecting proxies): passed as a build secret, never stored in a layer.
secrets=()
ca="${ISPW_MCP_BUILD_CA_FILE:-${NODE_EXTRA_CA_CERTS:-}}"
[ -n "$ca" ] && [ -f "$ca" ] && secrets+=(--secret "id=npm_ca,src=$ca")
[ -n "${ISPW_MCP_BUILD_NPMRC:-}" ] && secrets+=(--secret "id=npmrc,src=$ISPW_MCP_BUILD_NPMRC")
[ -n "${NPM_CONFIG_REGISTRY:-}" ] && base_args+=(--build-arg "NPM_CONFIG_REGISTRY=$NPM_CONFIG_REGISTRY")

# The commit-specific labels are also given on the command line: when only files outside the image
# context changed since a cached build, every step (the Dockerfile's LABEL included) comes from the
# cache, and the image would carry the older commit's revision (attest.sh refuses that).
pm build --quiet "${no_cache[@]}" "${podman_ulimits[@]}" --network host --format oci \
  --timestamp "$epoch" --build-arg "SOURCE_DATE_EPOCH=$epoch" \
  --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
  --label "org.opencontainers.image.revision=$revision" --label "org.opencontainers.image.version=$version" \
  --label "io.github.ispw-mcp.source-date-epoch=$epoch" \
  "${base_args[@]}" "${secrets[@]}" \
  -f "$root/Dockerfile" -t "$tag" "$context" >&2
echo "built $tag in $((SECONDS - started))s (SOURCE_DATE_EPOCH=$epoch, revision $revision)" >&2
podman image inspect --format '{{.Id}}' "$tag"
