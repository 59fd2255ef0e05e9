#!/usr/bin/env bash
# Writes a CycloneDX SBOM of the built image with syft (installed into .tools/bin by
# scripts/install-tools.sh --container): scans a `podman save` OCI archive, so it lists what is
# really in the image — Node, the Debian packages and every production npm dependency.
# Usage: scripts/image/sbom.sh [IMAGE] [OUT]   (defaults: localhost/ispw-mcp:dev, dist/image/sbom.cdx.json)
source "$(dirname "$0")/lib.sh"
require_podman
image="${1:-$IMAGE}"
out="${2:-$root/dist/image/sbom.cdx.json}"
bash "$root/scripts/install-tools.sh" --container >/dev/null
mkdir -p "$(dirname "$out")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
podman save --quiet --format oci-archive -o "$work/image.tar" "$image"
SYFT_CHECK_FOR_APP_UPDATE=false "$root/.tools/bin/syft" scan --quiet "oci-archive:$work/image.tar" \
  --source-name ispw-mcp --source-version "$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$image")" \
  -o "cyclonedx-json=$out"
echo "$out"
