#!/usr/bin/env bash
# Verifies what the release published for an image digest, as a user or an admission controller
# would: the cosign signature, the CycloneDX SBOM attestation and the SLSA v1 provenance
# attestation — each signed by the expected identity — and the statements' content
# (check-attestations.ts: right subject digest, right predicate, provenance for the right commit).
# Identity, one of:
#   --key PUB                                   a public key file or KMS URI (air-gapped releases)
#   --certificate-identity ID --certificate-oidc-issuer ISSUER   keyless (GitHub Actions releases)
# RELEASE_OFFLINE=1 (key only): no Rekor lookup — the signatures were made with tlog upload off.
# Usage: scripts/release/verify.sh IMAGE@sha256:… (--key PUB | --certificate-identity … --certificate-oidc-issuer …) [--commit SHA]
source "$(dirname "$0")/lib.sh"
need cosign
ref="${1:?usage: verify.sh IMAGE@sha256:… (--key PUB | --certificate-identity ID --certificate-oidc-issuer ISSUER) [--commit SHA]}"
shift
require_digest_ref "$ref"
identity=() commit=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) identity+=(--key "$2"); shift 2 ;;
    --certificate-identity|--certificate-identity-regexp|--certificate-oidc-issuer) identity+=("$1" "$2"); shift 2 ;;
    --commit) commit="$2"; shift 2 ;;
    *) die "verify: unknown option $1" ;;
  esac
done
[ ${#identity[@]} -gt 0 ] || die "verify: name the signer (--key, or --certificate-identity and --certificate-oidc-issuer)"
if [ "${RELEASE_OFFLINE:-0}" = 1 ]; then
  [[ " ${identity[*]} " == *" --key "* ]] || die "verify: RELEASE_OFFLINE=1 needs --key"
  identity+=(--insecure-ignore-tlog=true)
fi
PATH="$(node_path):$PATH"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$tools_bin/cosign" verify "${identity[@]}" "$ref" > "$out/signature.json" 2> "$out/err" ||
  die "verify: signature of $ref does not verify: $(tail -n 3 "$out/err")"
log "signature verified: $ref"
for type in cyclonedx slsaprovenance1; do
  "$tools_bin/cosign" verify-attestation "${identity[@]}" --type "$type" "$ref" > "$out/$type.jsonl" 2> "$out/err" ||
    die "verify: $type attestation of $ref does not verify: $(tail -n 3 "$out/err")"
  node "$root/scripts/release/check-attestations.ts" "$type" "${ref#*@}" ${commit:+"$commit"} < "$out/$type.jsonl" >&2 ||
    die "verify: $type attestation of $ref has the wrong content"
done
log "verified $ref: signature, cyclonedx SBOM, SLSA v1 provenance"
