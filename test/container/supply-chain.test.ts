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

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
}
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
  // Two builds from scratch (no layer cache) of the same commit must give the same image. A build
  // that reuses cached layers is not compared: buildah keeps the history entries of the build that
  // first produced a cached layer, so the image ID depends on what the cache held before.
  it.skipIf(!CONTEXT)(
    'building the same commit twice without cache gives the same image digest',
    async () => {
      const base = IMAGE.replace(/:[^:/]+$/, '');
      const tags = [`${base}:repro-a-${process.pid}`, `${base}:repro-b-${process.pid}`];
      try {
        for (const tag of tags) {
          const started = Date.now();
          await exec('bash', [join(ROOT, 'scripts/image/build.sh'), '--no-cache', '--context', CONTEXT!, '--tag', tag], {
            timeout: 900_000,
            maxBuffer: 16 * 1024 * 1024,
          });
          console.log(`no-cache build ${tag} took ${Math.round((Date.now() - started) / 1000)} s`);
        }
        const [first, second] = await Promise.all(
          tags.map(async (image) => (await podmanOk(['image', 'inspect', '--format', '{{.Id}} {{.Digest}}', image])).trim()),
        );
        expect(second).toBe(first);
        // The timestamps really are fixed to SOURCE_DATE_EPOCH (the commit time), not "now".
        const created = (await podmanOk(['image', 'inspect', '--format', '{{.Created.Unix}}', tags[1]!])).trim();
        const commitTime = (await exec('git', ['-C', ROOT, 'log', '-1', '--format=%ct'])).stdout.trim();
        expect(created).toBe(commitTime);
      } finally {
        for (const tag of tags) await podman(['rmi', '--force', tag]);
      }
    },
    900_000,
  );
});
