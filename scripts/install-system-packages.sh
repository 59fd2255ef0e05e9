#!/usr/bin/env bash
# The distribution packages the container tests need, installed with apt-get when this runs as root
# (or with passwordless sudo) on Debian/Ubuntu: podman, runc, mmdebstrap, AppArmor's parser and
# catatonit (which `podman kube play` needs for the chart tests); and
# for the tools scripts/install-tools.sh builds, Python 3 with venv and — where the distribution's Go
# is 1.21 or later, so it can fetch the toolchain a tool asks for through the Go module proxy — Go.
# The apt lists are refreshed either way there: the local base images are assembled from Debian
# packages (scripts/image/base-images.sh). Elsewhere it says what is missing and the command that
# installs it; scripts/image/test.sh then skips loudly (no podman) or stops (podman without
# mmdebstrap or AppArmor's parser). Part of `npm run test:all`; CI (.ci/run) runs that.
set -euo pipefail
packages=(podman runc mmdebstrap apparmor catatonit)
commands=(podman runc mmdebstrap apparmor_parser catatonit)

missing=()
for cmd in "${commands[@]}"; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
python_ok() { command -v python3 >/dev/null && python3 -c 'import ensurepip, venv' 2>/dev/null; }

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

# Other apt runs on the machine hold the lock for a while: wait for it instead of failing.
wait_lock=(-o DPkg::Lock::Timeout=600)
echo "refreshing apt lists (the local base images are built from Debian packages)" >&2
"${as_root[@]}" apt-get "${wait_lock[@]}" update -qq

python_ok || { missing+=(python3-venv); packages+=(python3 python3-venv); }
if ! command -v go >/dev/null; then
  # "2:1.24~2" → 1.24: older Go cannot switch to the toolchain a module needs (GOTOOLCHAIN).
  go_candidate="$(apt-cache policy golang-go | awk '/Candidate:/{print $2}' | sed -E 's/^[0-9]+://; s/[~+-].*//')"
  if [ -n "$go_candidate" ] && [ "$(printf '%s\n1.21\n' "$go_candidate" | sort -V | head -n 1)" = 1.21 ]; then
    missing+=(go)
    packages+=(golang-go)
  else
    echo "WARNING: Go is missing and this distribution's Go (${go_candidate:-none}) is too old to build the pinned tools: install Go 1.21 or later from https://go.dev/dl/" >&2
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing with apt-get (missing: ${missing[*]})" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
