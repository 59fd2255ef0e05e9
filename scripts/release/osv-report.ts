// Summarises OSV-Scanner's JSON result for the dependency gate's report and decides it: exit 1 when
// a finding is HIGH or CRITICAL (CVSS base score ≥ 7.0) or has no severity at all (it cannot be
// shown to be low), exit 0 otherwise — lower findings are listed as warnings. Findings the ignore
// file accepted never reach this file (OSV-Scanner filters them).
// Usage: node scripts/release/osv-report.ts RESULT_JSON
import { existsSync, readFileSync } from 'node:fs';

interface Group {
  ids: string[];
  aliases?: string[];
  max_severity?: string;
}
interface PackageResult {
  package: { name: string; version: string; ecosystem: string };
  groups?: Group[];
}
interface Result {
  results?: { source: { path: string }; packages?: PackageResult[] }[];
}

const HIGH = 7.0;
const path = process.argv[2];
// OSV-Scanner writes no JSON when the lockfile has no packages at all: report it, do not crash.
const result = (path && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8') || '{}') : {}) as Result;
let failing = 0;
let warnings = 0;
const lines: string[] = [];
for (const source of result.results ?? []) {
  for (const pkg of source.packages ?? []) {
    for (const group of pkg.groups ?? []) {
      const score = group.max_severity ? Number(group.max_severity) : Number.NaN;
      const blocking = Number.isNaN(score) || score >= HIGH;
      const level = Number.isNaN(score)
        ? 'unknown severity'
        : score >= 9
          ? `CRITICAL ${score}`
          : score >= HIGH
            ? `HIGH ${score}`
            : score >= 4
              ? `MEDIUM ${score}`
              : `LOW ${score}`;
      lines.push(
        `${blocking ? 'FAIL' : 'WARN'} ${pkg.package.ecosystem} ${pkg.package.name}@${pkg.package.version}: ${[...group.ids, ...(group.aliases ?? [])].filter((v, i, a) => a.indexOf(v) === i).join(', ')} (${level})`,
      );
      if (blocking) failing += 1;
      else warnings += 1;
    }
  }
}
console.log(lines.join('\n') || 'no advisory in the database matched a dependency');
console.log(`result: ${failing} blocking finding(s), ${warnings} below the threshold`);
process.exit(failing > 0 ? 1 : 0);
