# shellcheck shell=bash
# Helpers for scripts/install-tools.sh (source it): pinned tools built once per machine and linked
# into .tools/bin with a version stamp.
#
# Go tools are slow to build from source (minutes each, see docs/ci.md), so each build lands in a
# machine-level cache (like Go's own build cache) keyed by name and version:
#   ${ISPW_MCP_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ispw-mcp/tools}/<name>-<version>/
# A fresh clone then only links the cached binary. Builds of the same tool are serialised with
# flock, so parallel clones (or parallel test groups) never race on one build. Delete the cache
# directory to measure a cold build.
set -euo pipefail
: "${tools:?tools (the .tools directory) must be set before sourcing scripts/lib/tools.sh}"
tools_bin="$tools/bin"
tool_cache="${ISPW_MCP_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ispw-mcp/tools}"

tool_stamped() { # name version: true when .tools/bin has that exact version
  [ -x "$tools_bin/$1" ] && [ "$(cat "$tools_bin/.$1.spec" 2>/dev/null)" = "$2" ]
}

tool_link() { # name version cached-path: links the cached binary into .tools/bin and stamps it
  mkdir -p "$tools_bin"
  ln -sfn "$3" "$tools_bin/$1"
  echo "$2" > "$tools_bin/.$1.spec"
}

# cached_build NAME VERSION BUILDER [BINARY]
# Runs `BUILDER <output-dir>` once per machine (under a lock); BUILDER must leave BINARY (default
# NAME) in the output directory. Prints the build time to stderr when it builds.
cached_build() {
  local name="$1" version="$2" builder="$3" binary="${4:-$1}"
  tool_stamped "$name" "$version" && return 0
  local dest="$tool_cache/$name-$version"
  mkdir -p "$tool_cache"
  (
    flock 9
    # Built in place (virtualenvs cannot move); `.complete` marks a finished build.
    if [ ! -f "$dest/.complete" ] || [ ! -x "$dest/$binary" ]; then
      rm -rf "$dest" && mkdir -p "$dest"
      local started=$SECONDS
      echo "install-tools: building $name $version (cached under $tool_cache) ..." >&2
      "$builder" "$dest" >&2 || { rm -rf "$dest"; exit 1; }
      [ -x "$dest/$binary" ] || { echo "install-tools: building $name left no $binary" >&2; rm -rf "$dest"; exit 1; }
      touch "$dest/.complete"
      echo "install-tools: built $name $version in $((SECONDS - started)) s" >&2
    fi
  ) 9> "$tool_cache/$name.lock"
  tool_link "$name" "$version" "$dest/$binary"
}

require_go() {
  command -v go >/dev/null || { echo "install-tools: Go is needed to build $1 (https://go.dev/dl/)" >&2; exit 1; }
}

# go_tool NAME VERSION MODULE@VERSION [go install flags...]
# `go install` of a module that installs as-is (no replace directives). Extra arguments go before
# the module (e.g. -tags, -ldflags). Environment such as GOTOOLCHAIN is taken from the caller.
go_tool() {
  local name="$1" version="$2" module="$3"
  shift 3
  _go_tool_flags=("$@") _go_tool_module="$module"
  require_go "$name"
  cached_build "$name" "$version" _go_install_into
}
_go_install_into() {
  GOBIN="$1" GOFLAGS=-buildvcs=false go install -trimpath "${_go_tool_flags[@]}" "$_go_tool_module"
}

# pip_tool NAME VERSION REQUIREMENT [ENTRYPOINT]
# A Python tool in its own virtualenv in the machine cache; ENTRYPOINT (default NAME) is linked.
pip_tool() {
  local name="$1" version="$2"
  _pip_requirement="$3"
  command -v python3 >/dev/null || { echo "install-tools: Python 3 is needed for $name" >&2; exit 1; }
  cached_build "$name" "$version" _pip_into "venv/bin/${4:-$1}"
}
_pip_into() {
  python3 -m venv "$1/venv"
  "$1/venv/bin/pip" install --quiet --disable-pip-version-check "$_pip_requirement"
}
