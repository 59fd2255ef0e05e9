#!/usr/bin/env bash
# Release step: packages the Helm chart, pushes it to the OCI registry next to the image and signs
# it by digest with the image's identity (sign.sh), so `cosign verify` works for the chart too.
# Does nothing (and says so) while the repository has no chart. The chart's version and appVersion
# are the release version (package.json).
# Usage: scripts/release/chart.sh oci://REGISTRY/NAMESPACE [--chart DIR] [--key KEY]
source "$(dirname "$0")/lib.sh"
need helm cosign
destination="${1:?usage: chart.sh oci://REGISTRY/NAMESPACE [--chart DIR] [--key KEY]}"
shift
chart="$root/charts/ispw-mcp" key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --chart) chart="$2"; shift 2 ;;
    --key) key="$2"; shift 2 ;;
    *) die "chart: unknown option $1" ;;
  esac
done
[[ "$destination" == oci://* ]] || die "chart: the destination must be oci://REGISTRY/NAMESPACE, got $destination"
if [ ! -f "$chart/Chart.yaml" ]; then
  log "chart: no chart at $chart (no Chart.yaml): nothing to package, push or sign"
  exit 0
fi
PATH="$(node_path):$PATH"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HELM_CONFIG_HOME="$work/helm-config" HELM_CACHE_HOME="$work/helm-cache" HELM_DATA_HOME="$work/helm-data"
"$tools_bin/helm" package "$chart" --version "$version" --app-version "$version" --destination "$work" >&2
package="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
[ -n "$package" ] || die "chart: helm package wrote no archive"
push_flags=(--registry-config "${DOCKER_CONFIG:-$HOME/.docker}/config.json")
case "$destination" in oci://127.0.0.1:*|oci://localhost:*) push_flags+=(--plain-http) ;; esac
"$tools_bin/helm" push "$package" "$destination" "${push_flags[@]}" > "$work/push.log" 2>&1 ||
  die "chart: helm push failed: $(cat "$work/push.log")"
digest="$(sed -n 's/^Digest: //p' "$work/push.log")"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "chart: helm push reported no digest: $(cat "$work/push.log")"
name="$(basename "$package" .tgz)" && name="${name%-"$version"}"
ref="${destination#oci://}/$name@$digest"
bash "$root/scripts/release/sign.sh" "$ref" ${key:+--key "$key"}
echo "$ref" > "$release_out/chart.ref"
log "chart $name $version pushed and signed: $ref"
echo "$ref"
