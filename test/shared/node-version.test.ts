// The Node.js minimum is real (the highest engines floor of the runtime dependencies), and
// package.json, the README and QUICKSTART state the same number as the start-up check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import semver from 'semver';
import { describe, expect, it } from 'vitest';

import { MINIMUM_NODE, nodeVersionAtLeast, unsupportedNodeMessage } from '../../src/shared/node-version.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;

/** `engines.node` of every package installed for production (package-lock.json, not dev). */
function runtimeEngineRanges(): { name: string; range: string }[] {
  const lock = readJson('package-lock.json') as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.engines?.node !== undefined)
    .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), range: entry.engines!.node! }));
}

/** The Node version a set of engine ranges needs at least: the highest of their lowest versions. */
function highestFloor(ranges: { name: string; range: string }[]): { name: string; floor: string } {
  return ranges.map(({ name, range }) => ({ name, floor: semver.minVersion(range)!.version })).reduce((a, b) => (semver.gt(b.floor, a.floor) ? b : a));
}

describe('the Node.js minimum', () => {
  it('compares versions numerically, with or without the v', () => {
    expect(nodeVersionAtLeast('22.19.0')).toBe(true);
    expect(nodeVersionAtLeast('v24.21.0')).toBe(true);
    expect(nodeVersionAtLeast('23.0.0')).toBe(true);
    expect(nodeVersionAtLeast('22.18.9')).toBe(false);
    expect(nodeVersionAtLeast('22.12.0')).toBe(false);
    expect(nodeVersionAtLeast('v20.20.2')).toBe(false);
    expect(nodeVersionAtLeast('9.99.99', '10.0.0')).toBe(false);
  });

  it('says which Node is needed, which one ran, and how to get a newer one', () => {
    expect(unsupportedNodeMessage('v24.21.0', '/x/node')).toBeUndefined();
    const message = unsupportedNodeMessage('v22.12.0', '/usr/bin/node')!;
    expect(message).toContain(`Node.js ${MINIMUM_NODE} or later`);
    expect(message).toContain('this is Node.js 22.12.0 (/usr/bin/node)');
    expect(message).toMatch(/nvm install 24/);
  });

  it('is the highest engines floor of the runtime dependencies, and satisfies every one of them', () => {
    const ranges = runtimeEngineRanges();
    expect(ranges.length).toBeGreaterThan(5);
    for (const { name, range } of ranges) expect(semver.satisfies(MINIMUM_NODE, range), `${name} needs node ${range}`).toBe(true);
    const { name, floor } = highestFloor(ranges);
    expect(MINIMUM_NODE, `${name} sets the floor`).toBe(floor);
  });

  it('the floor computation would notice a dependency that needs a newer Node (negative)', () => {
    const ranges = [...runtimeEngineRanges(), { name: 'imaginary', range: '>=24.2.0' }];
    expect(highestFloor(ranges)).toEqual({ name: 'imaginary', floor: '24.2.0' });
    expect(semver.satisfies(MINIMUM_NODE, '>=24.2.0')).toBe(false);
  });

  it('package.json engines, README and QUICKSTART state the same minimum', () => {
    expect((readJson('package.json').engines as { node: string }).node).toBe(`>=${MINIMUM_NODE}`);
    for (const doc of ['README.md', 'QUICKSTART.md']) {
      const text = readFileSync(join(root, doc), 'utf8');
      expect(text, doc).toContain(`Node.js ${MINIMUM_NODE} or later`);
      // Any other "Node.js N or later" must be about the scripts' bootstrap, never the server.
      for (const match of text.matchAll(/Node\.js (\d[\d.]*) or later/g)) {
        if (match[1] !== MINIMUM_NODE) expect(text.slice(match.index, match.index + 200), doc).toMatch(/scripts|bootstrap|\.tools/);
      }
    }
  });
});
