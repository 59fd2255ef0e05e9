#!/usr/bin/env bash
# Release step: pushes the built image to REPOSITORY and prints REPOSITORY@sha256:… — every later
# step (SBOM, scans, signing, attestations, admission) names the image by this digest, never by a
# tag. Registry credentials come from `podman login` (REGISTRY_AUTH_FILE); a loopback registry
# (127.0.0.1 / localhost, the offline tests) is reached over plain HTTP, nothing else is.
# Usage: scripts/release/push-image.sh REPOSITORY [--image LOCAL_TAG] [--tag TAG]
source "$(dirname "$0")/lib.sh"
require_podman
repository="${1:?usage: push-image.sh REPOSITORY [--image LOCAL_TAG] [--tag TAG]}"
shift
image="$(cat "$release_out/image.tag" 2>/dev/null || echo "$IMAGE")" remote_tag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    --tag) remote_tag="$2"; shift 2 ;;
    *) die "push-image: unknown option $1" ;;
  esac
done
last_part="${repository##*/}"
[[ "$repository" == */* && "$repository" != *@* && "$last_part" != *:* ]] ||
  die "push-image: give REGISTRY/REPOSITORY without tag or digest (got $repository)"
[ -n "$remote_tag" ] || remote_tag="$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$image")"
tls=()
case "$repository" in 127.0.0.1:*|localhost:*|localhost/*) tls=(--tls-verify=false) ;; esac
mkdir -p "$release_out"
digest_file="$(mktemp)"
trap 'rm -f "$digest_file"' EXIT
podman push --quiet "${tls[@]}" --format oci --digestfile "$digest_file" "$image" "docker://$repository:$remote_tag" >&2
digest="$(cat "$digest_file")"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "push-image: podman reported no digest for $repository"
echo "$digest" > "$release_out/image.digest"
echo "$repository@$digest" > "$release_out/image.ref"
log "pushed $image as $repository:$remote_tag ($digest)"
echo "$repository@$digest"
