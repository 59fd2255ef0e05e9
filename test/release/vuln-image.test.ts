// The image vulnerability gate for OS packages (scripts/release/vuln-image.sh): the image's Debian
// packages against the newest versions in Debian's security archive, fetched fresh. The runtime
// base passes; a test image with a real older package — an earlier ca-certificates (or similar)
// from the main archive, pinned over the current one — fails and names the package; an accepted
// (non-expired) ignore entry lets it through with the acceptance in the report.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, bash, run, runOk, tempDir, unique } from './support.js';

const work = tempDir('vuln-image');
const report = join(work.path, 'report.txt');
const nodeVersion = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(join(ROOT, 'scripts/install-tools.sh'), 'utf8'))![1];
const runtimeBase = `localhost/ispw-mcp-base/nodejs24-runtime:${nodeVersion}`;
const staleImage = `localhost/${unique('stale-package')}:test`;
const foreignImage = `localhost/${unique('not-debian')}:test`;
/** Packages small enough to pin in a test image; the first with an older main-archive version wins. */
const CANDIDATES = ['ca-certificates', 'tzdata', 'libssl3', 'openssl', 'libexpat1', 'zlib1g'];
let stale: { name: string; version: string; security: string } | undefined;

const gate = (image: string, extra: string[] = []) =>
  bash('vuln-image.sh', [image, '--report', report, ...extra], { env: { RELEASE_OUT: work.path }, timeoutMs: 300_000 });

/** A package whose main-archive version is older than its security-archive version (apt-cache madison). */
async function findStalePackage(): Promise<typeof stale> {
  for (const name of CANDIDATES) {
    const lines = (await run('apt-cache', ['madison', name])).stdout.split('\n').filter((l) => l.includes('|'));
    const rows = lines
      .map((l) => l.split('|').map((f) => f.trim()))
      .map(([, version, source]) => ({ version: version!, security: (source ?? '').includes('-security') }));
    const security = rows.filter((r) => r.security).map((r) => r.version);
    for (const old of rows.filter((r) => !r.security).map((r) => r.version)) {
      for (const sec of security) {
        if ((await run('dpkg', ['--compare-versions', old, 'lt', sec])).code === 0) return { name, version: old, security: sec };
      }
    }
  }
  return undefined;
}

beforeAll(async () => {
  await runOk('bash', [join(ROOT, 'scripts/image/base-images.sh')]);
  stale = await findStalePackage();
  if (!stale) throw new Error(`none of ${CANDIDATES.join(', ')} has an older version outside bookworm-security in the apt lists (run apt-get update)`);
  // The real older .deb, unpacked over the runtime base with its dpkg record (the base's own layout).
  const debs = join(work.path, 'debs');
  const rootfs = join(work.path, 'rootfs');
  mkdirSync(debs, { recursive: true });
  mkdirSync(join(rootfs, 'var/lib/dpkg/status.d'), { recursive: true });
  await runOk('apt-get', ['download', '-q', `${stale.name}=${stale.version}`], { cwd: debs });
  const deb = join(
    debs,
    readdirSync(debs).find((f) => f.endsWith('.deb'))!,
  );
  await runOk('dpkg-deb', ['-x', deb, rootfs]);
  const control = await runOk('dpkg-deb', ['-f', deb]);
  writeFileSync(join(rootfs, 'var/lib/dpkg/status.d', stale.name), `${control.trim()}\nStatus: install ok installed\n`);
  await runOk('tar', ['-C', rootfs, '-cf', join(work.path, 'rootfs.tar'), '.']);
  writeFileSync(join(work.path, 'Containerfile'), `FROM ${runtimeBase}\nADD rootfs.tar /\n`);
  await runOk('podman', ['build', '--quiet', '--runtime', 'runc', '-f', join(work.path, 'Containerfile'), '-t', staleImage, work.path]);
  // An image that is not Debian: an os-release of another distribution and no dpkg records.
  const foreign = join(work.path, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'os-release'), 'ID=alpine\nVERSION_ID=3.22.0\n');
  writeFileSync(join(foreign, 'Containerfile'), 'FROM scratch\nCOPY os-release /etc/os-release\n');
  await runOk('podman', ['build', '--quiet', '--runtime', 'runc', '-f', join(foreign, 'Containerfile'), '-t', foreignImage, foreign]);
}, 600_000);
afterAll(async () => {
  await run('podman', ['rmi', '--force', staleImage, foreignImage]);
  work.remove();
});

describe('image vulnerability gate (Debian security archive)', () => {
  it('passes the runtime base image and names the archive and the date of its metadata', async () => {
    const result = await gate(runtimeBase);
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/^database: Debian security archive \S+ bookworm-security \(Release file dated .+; fetched \d{4}-\d{2}-\d{2}T/m);
    expect(text).toMatch(/result: [5-9] packages checked, 0 with a pending security update, 0 accepted/);
  });

  it('fails on a test image with an older pinned package and names it with the pending version', async () => {
    const result = await gate(staleImage);
    expect(result.code).not.toBe(0);
    expect(readFileSync(report, 'utf8')).toContain(`FAIL ${stale!.name} ${stale!.version} installed, bookworm-security has `);
    expect(result.stderr).toMatch(/1 package\(s\) in .* have a pending Debian security update/);
  });

  it('lets an accepted package through while the acceptance is current, and says so', async () => {
    const ignore = join(work.path, 'ignore.yaml');
    const expires = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(
      ignore,
      `ignores:\n  - id: DSA-0000-1\n    package: ${stale!.name}\n    reason: test acceptance while the base image is rebuilt\n    expires: ${expires}\n`,
    );
    const result = await gate(staleImage, ['--ignore-file', ignore]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain(`IGNORED ${stale!.name} ${stale!.version} -> `);
  });

  it('refuses an image it cannot check (not Debian, no dpkg records) instead of passing it', async () => {
    const result = await gate(foreignImage);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/has no dpkg records|is not a Debian release/);
  });
});
