#!/usr/bin/env bash
# Release step: builds the image reproducibly with the project's one image build
# (scripts/image/build.sh: SOURCE_DATE_EPOCH = commit time, every timestamp fixed to it) and
# records the local tag and image ID in RELEASE_OUT.
# Also writes build.json: the build parameters and base images the provenance (attest.sh) records.
# Usage: scripts/release/build-image.sh [--tag T] [--context DIR] [--no-cache] [--upstream-bases]
#   --upstream-bases  the Dockerfile's registry bases pinned by digest (GitHub Actions: Ubuntu
#                     runners cannot build the Debian-based local bases); default: local bases
source "$(dirname "$0")/lib.sh"
require_podman
tag="$IMAGE" build_args=() upstream=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --context) build_args+=(--context "$2"); shift 2 ;;
    --no-cache) build_args+=(--no-cache); shift ;;
    --upstream-bases) build_args+=(--upstream-bases); upstream=1; shift ;;
    *) die "build-image: unknown option $1" ;;
  esac
done
mkdir -p "$release_out"
id="$(bash "$root/scripts/image/build.sh" --tag "$tag" "${build_args[@]}" | tail -n 1)"
echo "$tag" > "$release_out/image.tag"
echo "$id" > "$release_out/image.id"
# Base images as built with: the Dockerfile's pinned defaults, or the local bases by their digest.
if [ -n "$upstream" ]; then
  builder_base="$(sed -n 's/^ARG BUILDER_IMAGE=//p' "$root/Dockerfile")"
  runtime_base="$(sed -n 's/^ARG RUNTIME_IMAGE=//p' "$root/Dockerfile")"
else
  builder_base="$BUILDER_BASE@$(podman image inspect --format '{{.Digest}}' "$BUILDER_BASE")"
  runtime_base="$RUNTIME_BASE@$(podman image inspect --format '{{.Digest}}' "$RUNTIME_BASE")"
fi
label() { podman image inspect --format "{{index .Labels \"$1\"}}" "$tag"; }
cat > "$release_out/build.json" <<JSON
{
  "dockerfile": "Dockerfile",
  "sourceDateEpoch": "$(label io.github.ispw-mcp.source-date-epoch)",
  "version": "$(label org.opencontainers.image.version)",
  "revision": "$(label org.opencontainers.image.revision)",
  "builderImage": "$builder_base",
  "runtimeImage": "$runtime_base",
  "imageId": "$id"
}
JSON
log "built $tag ($id)"
echo "$tag"
