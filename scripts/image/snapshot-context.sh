#!/usr/bin/env bash
# Copies the working tree's files (tracked and untracked, minus what .gitignore excludes) into DIR,
# so an image build reads one fixed set of inputs even while files change, and two builds can read
# the very same inputs. .dockerignore then narrows it to what the Dockerfile needs.
# Usage: scripts/image/snapshot-context.sh DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${1:?usage: snapshot-context.sh DIR}"
mkdir -p "$dest"
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Deleted-but-tracked files are listed by ls-files; keep only those that exist.
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$dest"
else
  tar --exclude=./node_modules --exclude=./dist --exclude=./.tools --exclude=./.git -cf - . | tar -xf - -C "$dest"
fi
