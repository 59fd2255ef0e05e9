# shellcheck shell=bash
# shellcheck disable=SC2034 # the scripts that source this file read these variables
# Shared by the release scripts (source it). The same scripts run in GitHub Actions (release.yml,
# ci.yml) and in the offline tests (test/release), so CI and local runs cannot drift:
#   build-image.sh → push-image.sh → sbom.sh → vuln-deps.sh / vuln-image.sh → sign.sh → attest.sh
#   → verify.sh, and chart.sh when the chart exists. pipeline.sh runs them in that order.
# Output lands in RELEASE_OUT (default dist/release): image.ref, image.digest, SBOMs, provenance,
# gate reports. Tools come from .tools/bin (scripts/install-tools.sh --release).
source "$(dirname "${BASH_SOURCE[0]}")/../image/lib.sh"
release_out="${RELEASE_OUT:-$root/dist/release}"
tools_bin="$root/.tools/bin"

die() { echo "release: $*" >&2; exit 1; }
log() { echo "release: $*" >&2; }

# need TOOL...: fails with the command that installs a missing tool.
need() {
  local tool
  for tool in "$@"; do
    [ -x "$tools_bin/$tool" ] || die "$tool is missing: run bash scripts/install-tools.sh --release"
  done
}

# The Node binary the project pins (release helpers in scripts/release/*.ts run on it).
node_path() { bash "$root/scripts/install-tools.sh" --node-only | tail -n 1; }

# The commit time: every timestamp the release writes comes from it (reproducible outputs).
source_date_epoch() { echo "${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}"; }

# A reference by digest: REPO@sha256:… (tags are mutable; everything after the push uses this).
require_digest_ref() {
  [[ "$1" =~ ^[^@[:space:]]+@sha256:[0-9a-f]{64}$ ]] || die "expected IMAGE@sha256:<64 hex>, got '$1'"
}

# Cosign flags for the signing identity: a key (KMS URI or file; COSIGN_KEY or --key) or, with
# none, keyless through the CI's OIDC token. RELEASE_OFFLINE=1 keeps everything off the public
# transparency log (air-gapped runs and the offline tests).
cosign_sign_flags() {
  local key="${1:-${COSIGN_KEY:-}}"
  sign_flags=(--yes)
  [ -n "$key" ] && sign_flags+=(--key "$key")
  if [ "${RELEASE_OFFLINE:-0}" = 1 ]; then
    [ -n "$key" ] || die "RELEASE_OFFLINE=1 needs a key (keyless signing needs Fulcio and Rekor)"
    sign_flags+=(--tlog-upload=false)
  fi
  return 0
}
