// The closing line of `npm run test:all`: sums every vitest JSON report in the results directory
// (one per test group: vitest.json, container.json, chart.json, …), the Inspector smoke checks and
// the conformance runs. A group named in EXPECTED that wrote no report counts as one skipped test,
// so a group that skipped itself (e.g. no podman) can never pass unnoticed.
// Usage: node scripts/lib/test-summary.mjs RESULTS_DIR [EXPECTED_GROUP ...]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...expected] = process.argv.slice(2);
const CONFORMANCE_RUNS = 4;
let passed = CONFORMANCE_RUNS,
  failed = 0,
  skipped = 0;
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests;
  console.log(`${file.replace(/\.json$/, '')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
}
for (const group of expected) {
  if (existsSync(join(dir, `${group}.json`))) continue;
  console.log(`${group} tests: SKIPPED (see the banner above)`);
  skipped += 1;
}
const inspector = join(dir, 'inspector.txt');
if (existsSync(inspector)) passed += Number(readFileSync(inspector, 'utf8').trim());
console.log(`all: ${passed} passed, ${failed} failed, ${skipped} skipped`);
