#!/usr/bin/env bash
# Release step: attaches two signed in-toto attestations to the image digest with cosign —
#   cyclonedx        the image SBOM (sbom.sh; predicate type https://cyclonedx.org/bom)
#   slsaprovenance1  SLSA v1 provenance (provenance.ts; predicate type https://slsa.dev/provenance/v1)
# signed with the same identity as sign.sh (keyless in GitHub Actions, a key elsewhere). The
# provenance names the commit the image was built from: attest.sh refuses an image whose revision
# label is not the checked-out commit.
# Usage: scripts/release/attest.sh IMAGE@sha256:… [--key KEY]
source "$(dirname "$0")/lib.sh"
need cosign
ref="${1:?usage: attest.sh IMAGE@sha256:… [--key KEY]}"
shift
require_digest_ref "$ref"
key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key="$2"; shift 2 ;;
    *) die "attest: unknown option $1" ;;
  esac
done
build="$release_out/build.json"
sbom="$release_out/sbom.image.cdx.json"
[ -f "$build" ] || die "attest: $build is missing (run build-image.sh first)"
[ -f "$sbom" ] || die "attest: $sbom is missing (run sbom.sh first)"
PATH="$(node_path):$PATH"
field() { node -p "JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'))[process.argv[2]]" "$build" "$1"; }
commit="$(git -C "$root" rev-parse HEAD)"
[ "$(field revision)" = "$commit" ] || die "attest: the image was built from $(field revision), the checkout is $commit"
if [ "${GITHUB_ACTIONS:-}" = true ]; then
  repository="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" git_ref="$GITHUB_REF"
else
  repository="$(git -C "$root" remote get-url origin 2>/dev/null || echo "https://github.com/ispw-mcp/ispw-mcp")"
  git_ref="$(git -C "$root" symbolic-ref -q HEAD || echo HEAD)"
fi
sha() { sha256sum "$1" | cut -d' ' -f1; }
facts="$release_out/provenance-facts.json"
cat > "$facts" <<JSON
{
  "sourceDateEpoch": $(field sourceDateEpoch),
  "repository": "$repository",
  "commit": "$commit",
  "ref": "$git_ref",
  "imageDigest": "${ref#*@}",
  "buildParameters": {
    "dockerfile": "$(field dockerfile)",
    "SOURCE_DATE_EPOCH": "$(field sourceDateEpoch)",
    "VERSION": "$(field version)",
    "REVISION": "$commit",
    "BUILDER_IMAGE": "$(field builderImage)",
    "RUNTIME_IMAGE": "$(field runtimeImage)"
  },
  "materials": [
    { "uri": "git+$repository@$git_ref", "gitCommit": "$commit" },
    { "uri": "$repository/blob/$commit/package-lock.json", "sha256": "$(sha "$root/package-lock.json")" },
    { "uri": "$repository/blob/$commit/Dockerfile", "sha256": "$(sha "$root/Dockerfile")" },
    { "uri": "oci://$(field builderImage | sed 's/@.*//')", "sha256": "$(field builderImage | sed 's/.*@//')" },
    { "uri": "oci://$(field runtimeImage | sed 's/@.*//')", "sha256": "$(field runtimeImage | sed 's/.*@//')" }
  ]
}
JSON
node "$root/scripts/release/provenance.ts" "$facts" > "$release_out/provenance.slsa.json"
cosign_sign_flags "$key"
"$tools_bin/cosign" attest "${sign_flags[@]}" --type cyclonedx --predicate "$sbom" "$ref" >&2
"$tools_bin/cosign" attest "${sign_flags[@]}" --type slsaprovenance1 --predicate "$release_out/provenance.slsa.json" "$ref" >&2
log "attested $ref (cyclonedx, slsaprovenance1)"
