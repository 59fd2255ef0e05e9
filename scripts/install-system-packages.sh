#!/usr/bin/env bash
# The distribution packages the container tests need — podman, runc, mmdebstrap and AppArmor's
# parser — installed with apt-get when this runs as root (or with passwordless sudo) on
# Debian/Ubuntu. The apt lists are refreshed either way there: the local base images are assembled
# from Debian packages (scripts/image/base-images.sh). Elsewhere it says what is missing and the
# command that installs it; scripts/image/test.sh then skips loudly (no podman) or stops (podman
# without mmdebstrap or AppArmor's parser). Part of `npm run test:all`; CI (.ci/run) runs that.
set -euo pipefail
packages=(podman runc mmdebstrap apparmor)
commands=(podman runc mmdebstrap apparmor_parser)

missing=()
for cmd in "${commands[@]}"; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done

as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(none); fi
fi

if [ "${as_root[*]}" = none ] || ! command -v apt-get >/dev/null; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "WARNING: the container tests need ${missing[*]}, which cannot be installed from here (not root, or no apt-get)." >&2
    echo "  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  fi
  exit 0
fi

echo "refreshing apt lists (the local base images are built from Debian packages)" >&2
# Other apt runs on the machine hold the lock for a while: wait for it instead of failing.
wait_lock=(-o DPkg::Lock::Timeout=600)
"${as_root[@]}" apt-get "${wait_lock[@]}" update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing container tooling (missing: ${missing[*]})" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
