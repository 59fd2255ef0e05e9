#!/usr/bin/env bash
# Logs podman, cosign, crane and helm into a registry at once: the password comes on stdin (never
# an argument, never echoed) and lands in one Docker-format auth file that all four read
# (REGISTRY_AUTH_FILE for podman, DOCKER_CONFIG for cosign and crane, --registry-config for helm).
# Usage: printf %s "$TOKEN" | scripts/release/registry-login.sh REGISTRY USER
source "$(dirname "$0")/lib.sh"
require_podman
registry="${1:?usage: registry-login.sh REGISTRY USER < password}"
user="${2:?usage: registry-login.sh REGISTRY USER < password}"
auth_dir="${DOCKER_CONFIG:-$HOME/.docker}"
mkdir -p "$auth_dir" && chmod 700 "$auth_dir"
podman login --authfile "$auth_dir/config.json" --username "$user" --password-stdin "$registry" >&2
log "logged in to $registry as $user (auth file $auth_dir/config.json)"
