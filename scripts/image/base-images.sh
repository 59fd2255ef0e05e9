#!/usr/bin/env bash
# Builds the two LOCAL base images the Dockerfile is built with where no registry is reachable:
#   runtime: a distroless-equivalent — Node 24 at /nodejs/bin/node, the Debian runtime libraries
#            Node links against, CA certificates, /etc/passwd with nonroot (65532), dpkg records
#            for scanners; no shell, no package manager.
#   builder: a minimal Debian (mmdebstrap minbase) with Node 24 and a pinned npm.
# Idempotent: an image whose inputs label matches is kept. Both are built with a fixed timestamp.
# Usage: scripts/image/base-images.sh [--force]
source "$(dirname "$0")/lib.sh"
require_podman
force="${1:-}"
node_bin="$(bash "$root/scripts/install-tools.sh" --node-only | tail -n 1)"
node_pkg="$(dirname "$node_bin")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

RUNTIME_DEBS=(libc6 libgcc-s1 libstdc++6 ca-certificates netbase)
self_hash="$(cat "$0" "$root/scripts/image/lib.sh" | sha256sum | cut -c1-16)"

inputs_of() { podman image inspect --format '{{index .Labels "io.ispw-mcp.base.inputs"}}' "$1" 2>/dev/null || true; }

# Deterministic tar of a directory: sorted names, fixed mtimes, numeric owners as on disk.
det_tar() { # dir, out
  tar -C "$1" --sort=name --mtime="@$BASE_EPOCH" --numeric-owner --format=pax \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$2" .
}

build_from_tar() { # tag, inputs, tar, Containerfile body (after FROM/ADD)
  local tag="$1" inputs="$2" tarball="$3" body="$4" ctx="$work/ctx-$RANDOM"
  mkdir -p "$ctx" && mv "$tarball" "$ctx/rootfs.tar"
  printf 'FROM scratch\nADD rootfs.tar /\n%s\nLABEL io.ispw-mcp.base.inputs="%s"\n' "$body" "$inputs" > "$ctx/Containerfile"
  pm build --quiet --timestamp "$BASE_EPOCH" "${podman_ulimits[@]}" -f "$ctx/Containerfile" -t "$tag" "$ctx" >/dev/null
  echo "built $tag" >&2
}

# ---- runtime base -------------------------------------------------------------------------------
debs="$work/debs"
mkdir -p "$debs"
versions="$(apt-cache policy "${RUNTIME_DEBS[@]}" | awk '/^[^ ]/{p=$1} /Candidate:/{print p $2}' | tr '\n' ' ')"
runtime_inputs="$self_hash node-$NODE_VERSION $versions"
if [ "$force" != "--force" ] && [ "$(inputs_of "$RUNTIME_BASE")" = "$runtime_inputs" ]; then
  echo "up to date: $RUNTIME_BASE" >&2
else
  (cd "$debs" && apt-get download -q "${RUNTIME_DEBS[@]}" >/dev/null 2>&1) ||
    { echo "apt-get download ${RUNTIME_DEBS[*]} failed: run apt-get update first" >&2; exit 1; }
  rootfs="$work/runtime"
  mkdir -p "$rootfs/var/lib/dpkg/status.d" "$rootfs/etc/ssl/certs" "$rootfs/nodejs/bin" \
    "$rootfs/home/nonroot" "$rootfs/root" "$rootfs/tmp" "$rootfs/var/tmp" "$rootfs/run" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
  for deb in "$debs"/*.deb; do
    name="$(dpkg-deb -f "$deb" Package)"
    dpkg-deb -x "$deb" "$rootfs"
    # dpkg records in the distroless layout (status.d/<pkg>), so syft, Trivy and Grype see the packages.
    { dpkg-deb -f "$deb"; echo "Status: install ok installed"; } | grep -v '^$' > "$rootfs/var/lib/dpkg/status.d/$name"
    mkdir -p "$work/ctrl-$name" && dpkg-deb -e "$deb" "$work/ctrl-$name"
    [ -f "$work/ctrl-$name/md5sums" ] && cp "$work/ctrl-$name/md5sums" "$rootfs/var/lib/dpkg/status.d/$name.md5sums"
  done
  # Keep the copyright files (licence compliance); drop manuals and other docs.
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$rootfs/usr/share/man" "$rootfs/usr/share/lintian" "$rootfs/usr/share/info" "$rootfs/usr/sbin" "$rootfs/etc/ca-certificates"
  # The CA bundle update-ca-certificates would write, in a fixed order.
  find "$rootfs/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat > "$rootfs/etc/ssl/certs/ca-certificates.crt"
  cp "$node_bin/node" "$rootfs/nodejs/bin/node"
  cp "$node_pkg/LICENSE" "$rootfs/nodejs/LICENSE"
  cp /usr/lib/os-release "$rootfs/etc/os-release"   # Debian release identification for scanners
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
  printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  # Mount points the runtime bind-mounts over: present in the image, so a read-only root stays unchanged.
  : > "$rootfs/etc/hosts" && : > "$rootfs/etc/resolv.conf" && : > "$rootfs/etc/hostname"
  ln -s ../proc/mounts "$rootfs/etc/mtab"   # podman would otherwise add it to the container layer
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 700 "$rootfs/root" "$rootfs/home/nonroot"
  chown 65532:65532 "$rootfs/home/nonroot"
  for shell in bin/sh bin/bash bin/dash usr/bin/apt usr/bin/dpkg; do
    [ ! -e "$rootfs/$shell" ] || { echo "runtime base must not contain /$shell" >&2; exit 1; }
  done
  det_tar "$rootfs" "$work/runtime.tar"
  build_from_tar "$RUNTIME_BASE" "$runtime_inputs" "$work/runtime.tar" \
"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT [\"/nodejs/bin/node\"]"
fi

# ---- builder base -------------------------------------------------------------------------------
builder_inputs="$self_hash node-$NODE_VERSION npm-$NPM_VERSION $DEBIAN_SUITE"
if [ "$force" != "--force" ] && [ "$(inputs_of "$BUILDER_BASE")" = "$builder_inputs" ]; then
  echo "up to date: $BUILDER_BASE" >&2
else
  command -v mmdebstrap >/dev/null || { echo "mmdebstrap is needed for the builder base: apt-get install -y mmdebstrap" >&2; exit 1; }
  rootfs="$work/builder"
  mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
  SOURCE_DATE_EPOCH="$BASE_EPOCH" mmdebstrap --quiet --mode=root --variant=minbase --include=ca-certificates \
    "$DEBIAN_SUITE" "$rootfs" "${mirror:-http://deb.debian.org/debian}" >&2
  cp "$node_bin/node" "$rootfs/usr/local/bin/node"
  (cd "$work" && PATH="$node_bin:$PATH" npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  rm -rf "$rootfs/var/cache/apt/"* "$rootfs/var/lib/apt/lists/"* "$rootfs/var/log/"*
  det_tar "$rootfs" "$work/builder.tar"
  build_from_tar "$BUILDER_BASE" "$builder_inputs" "$work/builder.tar" \
"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD [\"node\"]"
fi
echo "$RUNTIME_BASE"
echo "$BUILDER_BASE"
