// The young-generation pin of the stdio server (src/shared/young-generation.ts): it leaves an
// operator's heap flags alone, keeps V8's young generation at its initial size while long-lived
// data is built, and lets it grow again once released. The V8 effect is checked in a child
// process, so this test's own worker keeps its default heap.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { pinYoungGeneration } from '../../src/shared/young-generation.js';

const MODULE = fileURLToPath(new URL('../../src/shared/young-generation.ts', import.meta.url));

describe('pinYoungGeneration', () => {
  it.each([
    [[], '--semi-space-growth-factor=4'],
    [['--semi_space_growth_factor=4'], undefined],
    [['--max-heap-size=256'], ''],
    [['--min-semi-space-size=4'], undefined],
  ])('leaves the young generation to the operator when execArgv %j / NODE_OPTIONS %j set heap flags', (execArgv, nodeOptions) => {
    const pin = pinYoungGeneration(execArgv, nodeOptions);
    expect(pin.pinned).toBe(false);
    pin.release(); // a no-op, and safe to call
  });

  it.each([
    [['--max-semi-space-size=16'], undefined],
    [['--max_semi_space_size=64'], undefined],
    [[], '--max-old-space-size=512 --max-semi-space-size=16'],
  ])('pins under a mere cap on the young generation, execArgv %j / NODE_OPTIONS %j', (execArgv, nodeOptions) => {
    const pin = pinYoungGeneration(execArgv, nodeOptions);
    expect(pin.pinned).toBe(true);
    pin.release();
  });

  it('keeps the young generation at its initial size while survivors pile up, and lets it grow once released', () => {
    // Retains ~40 MB of small young objects in steps, as start-up does with modules and tool data.
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      import { pinYoungGeneration } from ${JSON.stringify(MODULE)};
      const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      const keep = [];
      const survive = () => { for (let i = 0; i < 400_000; i++) keep.push({ i, s: 'x' + i }); };
      const initial = newSpace();
      const pin = pinYoungGeneration([], undefined);
      survive();
      const pinned = newSpace();
      pin.release();
      survive();
      console.log(JSON.stringify({ pinnedFlag: pin.pinned, initial, pinned, released: newSpace(), kept: keep.length }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { pinnedFlag: boolean; initial: number; pinned: number; released: number };
    expect(result.pinnedFlag).toBe(true);
    expect(result.pinned).toBe(result.initial);
    expect(result.released).toBeGreaterThan(result.pinned);
  });
});
