#!/usr/bin/env bash
# Dependency vulnerability gate: OSV-Scanner over the npm lockfile; fails on a HIGH or CRITICAL
# advisory (CVSS ≥ 7.0) or one without a severity, unless the reviewed ignore file accepts it.
#   --live            the OSV.dev API (GitHub Actions: the live advisory database)
#   --offline-db DIR  a local database, OSV-Scanner's offline layout DIR/osv-scalibr/<ecosystem>/all.zip
#                     (a mirrored copy in air-gapped sites; fixture records in the tests). DIR/snapshot.json
#                     ({"source": …, "date": …}) names it in the report; without it the zip file dates are used.
# The report (RELEASE_OUT/vuln-deps.txt) always names the database it used and how many advisories
# it held: a pass against an empty database says so instead of "no vulnerabilities".
# Usage: scripts/release/vuln-deps.sh (--live | --offline-db DIR) [--lockfile F] [--ignore-file F] [--report F]
source "$(dirname "$0")/lib.sh"
need osv-scanner
mode="" db="" lockfile="$root/package-lock.json" ignore_file="$root/security/vulnerability-ignore.yaml" report="$release_out/vuln-deps.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --live) mode=live; shift ;;
    --offline-db) mode=offline db="$2"; shift 2 ;;
    --lockfile) lockfile="$2"; shift 2 ;;
    --ignore-file) ignore_file="$2"; shift 2 ;;
    --report) report="$2"; shift 2 ;;
    *) die "vuln-deps: unknown option $1" ;;
  esac
done
[ -n "$mode" ] || die "vuln-deps: choose the database: --live (OSV.dev) or --offline-db DIR"
[ -f "$lockfile" ] || die "vuln-deps: no lockfile at $lockfile"
PATH="$(node_path):$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$report")"

# Accepted findings first: an expired or incomplete entry fails the gate before anything is scanned.
node "$root/scripts/release/vuln-ignores.ts" "$ignore_file" osv > "$work/osv-scanner.toml"

# "package-lock.json:" parses the file as an npm lockfile whatever its name.
scan=(scan source --lockfile "package-lock.json:$lockfile" --config "$work/osv-scanner.toml" --format json --output-file "$work/result.json")
if [ "$mode" = offline ]; then
  [ -d "$db/osv-scalibr" ] || die "vuln-deps: $db has no osv-scalibr/<ecosystem>/all.zip database"
  db="$(cd "$db" && pwd)"
  advisories=0
  for zip in "$db"/osv-scalibr/*/all.zip; do
    [ -f "$zip" ] && advisories=$((advisories + $(unzip -Z1 "$zip" | grep -c '\.json$' || true)))
  done
  if [ -f "$db/snapshot.json" ]; then
    # shellcheck disable=SC2016 # JavaScript in single quotes: ${…} is a template literal, not shell
    described="$(node -p 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); `${s.source}, snapshot of ${s.date}`' "$db/snapshot.json")"
  else
    described="local copy, files dated $(find "$db/osv-scalibr" -name all.zip -printf '%TY-%Tm-%Td\n' | sort | tail -n 1)"
  fi
  database="offline OSV database $db ($described; $advisories advisories)"
  [ "$advisories" -gt 0 ] || database="$database — EMPTY: this run cannot find any vulnerability"
  export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$db"
  scan+=(--offline)
else
  database="live OSV.dev API (queried $(date -u +%Y-%m-%dT%H:%M:%SZ))"
fi

set +e
"$tools_bin/osv-scanner" "${scan[@]}" > "$work/stdout" 2> "$work/stderr"
status=$?
set -e
# 0: nothing found, 1: vulnerabilities found; anything else is the scanner failing.
if [ "$status" -gt 1 ]; then
  cat "$work/stderr" >&2
  die "vuln-deps: osv-scanner failed (exit $status) on $lockfile"
fi
{
  echo "lockfile: $lockfile"
  echo "database: $database"
  echo "policy: fail on HIGH or CRITICAL (CVSS >= 7.0) or unknown severity; accepted findings: $ignore_file"
} > "$report"
set +e
node "$root/scripts/release/osv-report.ts" "$work/result.json" >> "$report"
verdict=$?
set -e
cat "$report" >&2
[ "$verdict" -eq 0 ] || die "vuln-deps: vulnerable dependencies in $lockfile (see $report)"
