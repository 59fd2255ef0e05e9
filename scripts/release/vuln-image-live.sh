#!/usr/bin/env bash
# Image vulnerability gate on live data (GitHub Actions): Grype over the pushed image digest, failing
# on HIGH or CRITICAL findings that have a fix; the reviewed ignore file (vuln-ignores.ts) becomes
# Grype's ignore list. Grype downloads its advisory database, so this runs only where the internet
# is reachable; offline, vuln-image.sh (Debian security archive) and vuln-deps.sh (OSV, mirrored
# database) are the gates. The report names Grype's database build date.
# Usage: scripts/release/vuln-image-live.sh IMAGE@sha256:… [--ignore-file F] [--report F]
source "$(dirname "$0")/lib.sh"
need grype
ref="${1:?usage: vuln-image-live.sh IMAGE@sha256:… [--ignore-file F] [--report F]}"
shift
require_digest_ref "$ref"
ignore_file="$root/security/vulnerability-ignore.yaml" report="$release_out/vuln-image-live.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --ignore-file) ignore_file="$2"; shift 2 ;;
    --report) report="$2"; shift 2 ;;
    *) die "vuln-image-live: unknown option $1" ;;
  esac
done
PATH="$(node_path):$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$report")"
node "$root/scripts/release/vuln-ignores.ts" "$ignore_file" grype > "$work/grype.yaml"
export GRYPE_CHECK_FOR_APP_UPDATE=false
"$tools_bin/grype" db update >&2 || die "vuln-image-live: could not download Grype's database (offline? use vuln-image.sh)"
{
  echo "image: $ref"
  echo "database: live Grype database ($("$tools_bin/grype" db status 2>&1 | sed -n 's/^Built: *//p' | head -n 1))"
  echo "policy: fail on HIGH or CRITICAL with a fix available; accepted findings: $ignore_file"
} > "$report"
set +e
"$tools_bin/grype" "registry:$ref" --config "$work/grype.yaml" --only-fixed --fail-on high -o table >> "$report" 2> "$work/err"
status=$?
set -e
cat "$report" >&2
[ "$status" -eq 0 ] || die "vuln-image-live: Grype found HIGH/CRITICAL fixable vulnerabilities in $ref (or failed: $(tail -n 2 "$work/err"))"
