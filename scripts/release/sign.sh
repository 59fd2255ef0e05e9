#!/usr/bin/env bash
# Release step: signs an image (or the chart) by digest with cosign.
#   GitHub Actions: keyless — the workflow's OIDC identity, a Fulcio certificate, a Rekor entry.
#   Air-gapped / tests: a key (--key FILE or a KMS URI such as hashivault://…, awskms://…;
#   COSIGN_KEY works too), and RELEASE_OFFLINE=1 keeps the signature off the public Rekor log.
# Cosign v2 writes the classic `.sig` tag format, which Kyverno 1.19 verifies (docs/supply-chain.md).
# Usage: scripts/release/sign.sh IMAGE@sha256:… [--key KEY]
source "$(dirname "$0")/lib.sh"
need cosign
ref="${1:?usage: sign.sh IMAGE@sha256:… [--key KEY]}"
shift
require_digest_ref "$ref"
key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key="$2"; shift 2 ;;
    *) die "sign: unknown option $1" ;;
  esac
done
cosign_sign_flags "$key"
"$tools_bin/cosign" sign "${sign_flags[@]}" "$ref" >&2
log "signed $ref"
