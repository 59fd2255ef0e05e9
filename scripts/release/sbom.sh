#!/usr/bin/env bash
# Release step: the two CycloneDX SBOMs.
#   sbom.app.cdx.json    the npm production dependency tree from the lockfile (`npm sbom`), fixed
#                        timestamps and serial number (app-sbom.ts)
#   sbom.image.cdx.json  what is really in the image: Node, the Debian packages and node_modules
#                        (syft over the pushed digest's local copy: scripts/image/sbom.sh)
# The image SBOM is the one attached to the image as the `cyclonedx` attestation (attest.sh).
# Usage: scripts/release/sbom.sh [LOCAL_IMAGE]
source "$(dirname "$0")/lib.sh"
image="${1:-$(cat "$release_out/image.tag" 2>/dev/null || echo "$IMAGE")}"
mkdir -p "$release_out"
PATH="$(node_path):$PATH"
epoch="$(source_date_epoch)"
(cd "$root" && npm sbom --sbom-format cyclonedx --omit dev --package-lock-only) |
  node "$root/scripts/release/app-sbom.ts" "$root/package.json" "$epoch" > "$release_out/sbom.app.cdx.json"
bash "$root/scripts/image/sbom.sh" "$image" "$release_out/sbom.image.cdx.json" >/dev/null
for f in sbom.app.cdx.json sbom.image.cdx.json; do
  node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if (b.bomFormat!=="CycloneDX"||!(b.components||[]).length) process.exit(1)' "$release_out/$f" ||
    die "sbom: $f is not a CycloneDX BOM with components"
done
log "SBOMs in $release_out (sbom.app.cdx.json, sbom.image.cdx.json)"
echo "$release_out/sbom.image.cdx.json"
