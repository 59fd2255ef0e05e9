#!/usr/bin/env bash
# Image vulnerability gate, OS packages: every Debian package in the image (dpkg records under
# /var/lib/dpkg/status.d, the distroless layout, or /var/lib/dpkg/status) is compared with the
# newest version Debian's security archive offers for the image's release; a package with a
# pending security update fails the gate. The archive metadata is fetched fresh (signed apt
# metadata, verified by apt with Debian's archive keyring) into a private directory — the report
# names the archive, the suite and the date of its Release file.
# Accepted findings: entries with `package:` in the ignore file (vuln-ignores.ts: id, reason, expiry).
# In GitHub Actions the release also runs Grype on the pushed image (vuln-image-live.sh): that covers
# the npm packages inside the image with a live advisory database.
# Usage: scripts/release/vuln-image.sh [LOCAL_IMAGE] [--ignore-file F] [--report F]   (default: the
#        image build-image.sh built)
#   DEBIAN_SECURITY_URI  the security archive or its mirror (default: the host's apt source for it,
#                        else http://deb.debian.org/debian-security)
source "$(dirname "$0")/lib.sh"
require_podman
image="$(cat "$release_out/image.tag" 2>/dev/null || echo "$IMAGE")"
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then image="$1"; shift; fi
ignore_file="$root/security/vulnerability-ignore.yaml" report="$release_out/vuln-image.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --ignore-file) ignore_file="$2"; shift 2 ;;
    --report) report="$2"; shift 2 ;;
    *) die "vuln-image: unknown option $1" ;;
  esac
done
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then die "vuln-image: needs apt-get and dpkg (a Debian or Ubuntu host)"; fi
PATH="$(node_path):$PATH"
work="$(mktemp -d)"
container="release-vuln-image-$$-$RANDOM"
trap 'podman rm --force "$container" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$(dirname "$report")"

# Accepted findings first: an expired or incomplete entry fails the gate before anything is scanned.
node "$root/scripts/release/vuln-ignores.ts" "$ignore_file" debian > "$work/ignored-packages"

# ---- the image's packages -----------------------------------------------------------------------
# Created, never started: only its files are read (`true` is a placeholder command for images without one).
podman create --name "$container" "$image" true >/dev/null 2> "$work/create.err" ||
  die "vuln-image: cannot read $image: $(tail -n 1 "$work/create.err")"
podman cp "$container:/etc/os-release" "$work/os-release" 2>/dev/null || die "vuln-image: $image has no /etc/os-release"
podman cp "$container:/var/lib/dpkg" "$work/dpkg" 2>/dev/null || die "vuln-image: $image has no dpkg records (/var/lib/dpkg)"
codename="$(sed -n 's/^VERSION_CODENAME=//p' "$work/os-release" | tr -d '"')"
[ "$(sed -n 's/^ID=//p' "$work/os-release" | tr -d '"')" = debian ] && [ -n "$codename" ] ||
  die "vuln-image: $image is not a Debian release with a VERSION_CODENAME"
# One record per installed package: "name version arch".
records() {
  if [ -f "$work/dpkg/status" ]; then cat "$work/dpkg/status"; echo; fi
  local f
  for f in "$work"/dpkg/status.d/*; do
    if [ -f "$f" ] && [[ "$f" != *.md5sums ]]; then cat "$f"; echo; fi
  done
}
records |
  awk '/^Package:/{p=$2} /^Version:/{v=$2} /^Architecture:/{a=$2} /^Status:/{s=$0} /^$/{ if (p!="" && s ~ /installed$/) print p, v, a; p=v=a=s="" } END{ if (p!="" && s ~ /installed$/) print p, v, a }' |
  sort -u > "$work/installed"
[ -s "$work/installed" ] || die "vuln-image: no installed Debian packages found in $image"

# ---- Debian's security archive, fresh ------------------------------------------------------------
uri="${DEBIAN_SECURITY_URI:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -m1 security || true)}"
uri="${uri:-http://deb.debian.org/debian-security}"
# The image's architecture, not the host's (Debian and OCI agree on amd64 and arm64).
arch="$(podman image inspect --format '{{.Architecture}}' "$image")"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/apt/etc/preferences.d" "$work/apt/etc/apt.conf.d"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg arch=$arch] $uri $codename-security main" > "$work/apt/etc/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/apt/etc/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::Etc::Preferences=$work/apt/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$work/apt/etc/preferences.d" -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::Languages=none)
apt-get "${apt_private[@]}" -qq update >/dev/null 2> "$work/apt.err" ||
  die "vuln-image: could not fetch the $codename-security metadata from $uri: $(tail -n 3 "$work/apt.err")"
release_file="$(find "$work/apt/lists" -maxdepth 1 -name '*_InRelease' | head -n 1)"
packages_file="$(find "$work/apt/lists" -maxdepth 1 -name '*_main_binary-*_Packages*' | head -n 1)"
[ -n "$release_file" ] && [ -n "$packages_file" ] || die "vuln-image: apt fetched no signed $codename-security index from $uri"
archive_date="$(sed -n 's/^Date: //p' "$release_file" | head -n 1)"
/usr/lib/apt/apt-helper cat-file "$packages_file" |
  awk '/^Package:/{p=$2} /^Version:/{v=$2} /^$/{ if (p!="") print p, v; p=v="" }' > "$work/security"

# ---- compare --------------------------------------------------------------------------------------
findings=0 ignored=0 checked=0
{
  echo "image: $image"
  echo "database: Debian security archive $uri $codename-security (Release file dated $archive_date; fetched $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "policy: a package with a newer version in $codename-security fails (pending security update)"
} > "$report"
while read -r name version _arch; do
  checked=$((checked + 1))
  newest=""
  while read -r candidate; do
    if [ -z "$newest" ] || dpkg --compare-versions "$candidate" gt "$newest"; then newest="$candidate"; fi
  done < <(awk -v p="$name" '$1 == p { print $2 }' "$work/security")
  if [ -z "$newest" ] || ! dpkg --compare-versions "$newest" gt "$version"; then continue; fi
  if grep -qx "$name" "$work/ignored-packages"; then
    ignored=$((ignored + 1)); echo "IGNORED $name $version -> $newest (accepted in $(basename "$ignore_file"))" >> "$report"
  else
    findings=$((findings + 1)); echo "FAIL $name $version installed, $codename-security has $newest" >> "$report"
  fi
done < "$work/installed"
echo "result: $checked packages checked, $findings with a pending security update, $ignored accepted" >> "$report"
cat "$report" >&2
[ "$findings" -eq 0 ] || die "vuln-image: $findings package(s) in $image have a pending Debian security update (see $report)"
