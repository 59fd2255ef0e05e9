#!/usr/bin/env bash
# The whole release chain in order, for air-gapped sites and the offline tests; release.yml runs the
# same steps one by one (one step per script, so GitHub's log shows each):
#   build → dependency gate → push by digest → SBOMs → image gate → sign → attest → chart → verify
# A failing gate stops the chain before anything is signed.
# Usage: scripts/release/pipeline.sh REPOSITORY --key KEY (--live | --offline-db DIR)
#          [--context DIR] [--tag LOCAL_TAG] [--chart-destination oci://REGISTRY/NAMESPACE] [--chart DIR]
#   KEY: a cosign private key file or KMS URI; with RELEASE_OFFLINE=1 nothing goes to a public log.
source "$(dirname "$0")/lib.sh"
repository="${1:?usage: pipeline.sh REPOSITORY --key KEY (--live | --offline-db DIR) [...]}"
shift
key="" db_args=() build_args=() chart_destination="" chart_args=() tag="$IMAGE"
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key="$2"; shift 2 ;;
    --live) db_args=(--live); shift ;;
    --offline-db) db_args=(--offline-db "$2"); shift 2 ;;
    --context) build_args+=(--context "$2"); shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --chart-destination) chart_destination="$2"; shift 2 ;;
    --chart) chart_args=(--chart "$2"); shift 2 ;;
    *) die "pipeline: unknown option $1" ;;
  esac
done
[ -n "$key" ] || die "pipeline: --key is required (keyless signing runs in GitHub Actions: release.yml)"
[ ${#db_args[@]} -gt 0 ] || die "pipeline: choose the dependency database: --live or --offline-db DIR"
here="$root/scripts/release"
bash "$here/build-image.sh" --tag "$tag" "${build_args[@]}" >/dev/null
bash "$here/vuln-deps.sh" "${db_args[@]}"
ref="$(bash "$here/push-image.sh" "$repository" --image "$tag")"
bash "$here/sbom.sh" "$tag" >/dev/null
if [ "${db_args[0]}" = --live ]; then bash "$here/vuln-image-live.sh" "$ref"; else bash "$here/vuln-image.sh" "$tag"; fi
bash "$here/sign.sh" "$ref" --key "$key"
bash "$here/attest.sh" "$ref" --key "$key"
[ -z "$chart_destination" ] || bash "$here/chart.sh" "$chart_destination" --key "$key" "${chart_args[@]}" >/dev/null
need cosign
public_key="$release_out/cosign.pub"
COSIGN_PASSWORD="${COSIGN_PASSWORD:-}" "$tools_bin/cosign" public-key --key "$key" > "$public_key"
bash "$here/verify.sh" "$ref" --key "$public_key" --commit "$(git -C "$root" rev-parse HEAD)"
log "release chain complete: $ref"
echo "$ref"
