// Supply chain: a CycloneDX SBOM of the built image (syft over a `podman save` archive) that lists
// Node and every production dependency, and a reproducible build — the same inputs built again
// without any cache give the very same image digest.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { IMAGE, ROOT, podman, podmanOk } from './podman.js';

const exec = promisify(execFile);
const CONTEXT = process.env.ISPW_MCP_TEST_CONTEXT; // the snapshot the image under test was built from

interface LockEntry { version?: string; dev?: boolean; optional?: boolean; devOptional?: boolean; link?: boolean }
function productionDependencies(lockPath: string): string[] {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages: Record<string, LockEntry> };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional && !entry.optional && !entry.link)
    .map(([path, entry]) => `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${entry.version}`);
}

describe('SBOM', () => {
  it('is CycloneDX and lists Node, the Debian packages and every production dependency', async () => {
    const { stdout } = await exec('bash', [join(ROOT, 'scripts/image/sbom.sh'), IMAGE], { timeout: 240_000 });
    const sbomPath = stdout.trim().split('\n').at(-1)!;
    const sbom = JSON.parse(readFileSync(sbomPath, 'utf8')) as {
      bomFormat: string;
      specVersion: string;
      components: { name: string; version?: string; purl?: string; group?: string }[];
    };
    expect(sbom.bomFormat).toBe('CycloneDX');
    const purls = new Set(sbom.components.map((c) => c.purl ?? ''));
    const node = sbom.components.find((c) => c.name === 'node' && c.purl?.startsWith('pkg:generic/node@'));
    const nodeVersion = readFileSync(join(ROOT, 'scripts/install-tools.sh'), 'utf8').match(/^NODE_VERSION=(\S+)$/m)![1];
    expect(node?.version).toBe(nodeVersion);
    expect([...purls].some((p) => p.startsWith('pkg:deb/debian/libc6@'))).toBe(true);
    const lock = join(CONTEXT ?? ROOT, 'package-lock.json');
    const expected = productionDependencies(lock);
    expect(expected.length).toBeGreaterThan(5);
    const npm = new Set(sbom.components.filter((c) => c.purl?.startsWith('pkg:npm/')).map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`));
    const missing = expected.filter((dep) => !npm.has(dep));
    expect(missing, `production dependencies missing from the SBOM (${sbomPath})`).toEqual([]);
    // …and no dev dependency made it into the image.
    expect([...npm].filter((dep) => /^(typescript|vitest|tsx|@types\/node)@/.test(dep))).toEqual([]);
  }, 300_000);
});

describe('reproducible build', () => {
  it.skipIf(!CONTEXT)('rebuilding the same inputs without cache gives the same image digest', async () => {
    const repro = `${IMAGE.replace(/:[^:/]+$/, '')}:repro-${process.pid}`;
    try {
      const started = Date.now();
      await exec('bash', [join(ROOT, 'scripts/image/build.sh'), '--no-cache', '--context', CONTEXT!, '--tag', repro], { timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
      console.log(`no-cache rebuild took ${Math.round((Date.now() - started) / 1000)} s`);
      const [first, second] = await Promise.all(
        [IMAGE, repro].map(async (image) => (await podmanOk(['image', 'inspect', '--format', '{{.Id}} {{.Digest}}', image])).trim()),
      );
      expect(second).toBe(first);
      // The timestamps really are fixed to SOURCE_DATE_EPOCH (the commit time), not "now".
      const created = (await podmanOk(['image', 'inspect', '--format', '{{.Created.Unix}}', repro])).trim();
      const commitTime = (await exec('git', ['-C', ROOT, 'log', '-1', '--format=%ct'])).stdout.trim();
      expect(created).toBe(commitTime);
    } finally {
      await podman(['rmi', '--force', repro]);
    }
  }, 900_000);
});
