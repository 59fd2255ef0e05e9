#!/usr/bin/env bash
# Copies the project's monitoring artefacts (deploy/monitoring: Prometheus rule files, Grafana
# dashboards, the Alertmanager example) into the chart (charts/ispw-mcp/files/monitoring, same
# layout), which renders them as a PrometheusRule and dashboard ConfigMaps. Helm packages only
# files inside the chart, hence the copy; test/chart/static.test.ts fails when the two differ.
#   scripts/chart/sync-monitoring.sh           copy
#   scripts/chart/sync-monitoring.sh --check   exit 1 (and list the differences) when they differ
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source_dir="$root/deploy/monitoring"
target_dir="$root/charts/ispw-mcp/files/monitoring"
# Only the artefacts the chart renders or ships: rule files, dashboards, the Alertmanager example.
list() { # dir → relative paths, sorted
  [ -d "$1" ] || return 0
  (cd "$1" && find prometheus grafana alertmanager -type f \( -name '*.rules.yaml' -o -name '*.json' -o -path 'alertmanager/*' \) 2>/dev/null | LC_ALL=C sort)
}
if [ "${1:-}" = --check ]; then
  if ! diff <(list "$source_dir") <(list "$target_dir") >/dev/null; then
    echo "charts/ispw-mcp/files/monitoring lists other files than deploy/monitoring: run scripts/chart/sync-monitoring.sh" >&2
    diff <(list "$source_dir") <(list "$target_dir") >&2 || true
    exit 1
  fi
  status=0
  while read -r file; do
    [ -n "$file" ] || continue
    cmp -s "$source_dir/$file" "$target_dir/$file" || { echo "differs: $file (run scripts/chart/sync-monitoring.sh)" >&2; status=1; }
  done < <(list "$source_dir")
  exit "$status"
fi
rm -rf "$target_dir/prometheus" "$target_dir/grafana" "$target_dir/alertmanager"
while read -r file; do
  [ -n "$file" ] || continue
  mkdir -p "$target_dir/$(dirname "$file")"
  cp "$source_dir/$file" "$target_dir/$file"
done < <(list "$source_dir")
echo "synced $(list "$target_dir" | wc -l) monitoring files into charts/ispw-mcp/files/monitoring"
