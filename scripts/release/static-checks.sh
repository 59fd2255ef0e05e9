#!/usr/bin/env bash
# Static checks of the release machinery, the same in CI (ci.yml) and in the tests:
#   ShellCheck   every shell script in the repository (*.sh and the .ci/run entry point)
#   actionlint   the GitHub workflows (it also runs shellcheck over their run: blocks)
#   zizmor       the GitHub workflows' and Dependabot's security audit (--offline: no GitHub API here)
#   hadolint     the Dockerfile (.hadolint.yaml: every finding fails)
#   check-workflows.ts  the project's workflow policy (SHA pins, permissions, scripts/release/ only)
# Every finding fails; an accepted one is suppressed next to the code with its justification
# (`# shellcheck disable=…`, `# zizmor: ignore[…]`), never here.
# Usage: scripts/release/static-checks.sh [--github DIR] [--dockerfile F] [SCRIPT…]   (DIR: a .github folder)
source "$(dirname "$0")/lib.sh"
need shellcheck actionlint zizmor hadolint
github="$root/.github" dockerfile="$root/Dockerfile" scripts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --github) github="$2"; shift 2 ;;
    --dockerfile) dockerfile="$2"; shift 2 ;;
    *) scripts+=("$1"); shift ;;
  esac
done
if [ ${#scripts[@]} -eq 0 ]; then
  while IFS= read -r -d '' f; do [ -f "$root/$f" ] && scripts+=("$root/$f"); done < <(git -C "$root" ls-files -z --cached --others --exclude-standard '*.sh' .ci/run)
fi
failed=()
log "shellcheck: ${#scripts[@]} scripts"
"$tools_bin/shellcheck" --severity=style --external-sources --source-path=SCRIPTDIR "${scripts[@]}" >&2 || failed+=(shellcheck)
mapfile -t workflow_files < <(find "$github/workflows" -maxdepth 1 -name '*.y*ml' | sort)
[ ${#workflow_files[@]} -gt 0 ] || die "static-checks: no workflows in $github/workflows"
log "actionlint: ${#workflow_files[@]} workflows"
SHELLCHECK_OPTS=--severity=style "$tools_bin/actionlint" -shellcheck "$tools_bin/shellcheck" "${workflow_files[@]}" >&2 || failed+=(actionlint)
log "workflow policy: ${#workflow_files[@]} workflows"
"$(node_path)/node" "$root/scripts/release/check-workflows.ts" "${workflow_files[@]}" || failed+=(check-workflows)
# Files, not the folder: zizmor only collects a folder named .github.
zizmor_inputs=("${workflow_files[@]}")
[ -f "$github/dependabot.yml" ] && zizmor_inputs+=("$github/dependabot.yml")
log "zizmor: ${#zizmor_inputs[@]} files (persona auditor)"
"$tools_bin/zizmor" --offline --no-progress --persona auditor "${zizmor_inputs[@]}" >&2 || failed+=(zizmor)
if [ -f "$dockerfile" ]; then
  log "hadolint: $dockerfile"
  "$tools_bin/hadolint" --config "$root/.hadolint.yaml" "$dockerfile" >&2 || failed+=(hadolint)
fi
[ ${#failed[@]} -eq 0 ] || die "static checks failed: ${failed[*]}"
log "static checks passed: shellcheck, actionlint, workflow policy, zizmor, hadolint"
