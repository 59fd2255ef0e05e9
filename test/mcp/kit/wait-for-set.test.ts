// Waiting for a set (src/mcp/kit/wait-for-set.ts) on a fake clock: the simulator's clock and the
// wait's clock are the same hand-driven one, and `sleep` advances it, so a set that takes minutes
// of CES time is followed in milliseconds, with every poll and progress step deterministic.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { createCesDirectory } from '../../../src/ces/directory.js';
import type { CesDirectory } from '../../../src/ces/api.js';
import { ops } from '../../../src/ces/operations.js';
import type { ProgressUpdate, ToolContext } from '../../../src/mcp/kit/context.js';
import { waitForSet } from '../../../src/mcp/kit/wait-for-set.js';
import { silentLogger } from '../../../src/telemetry/logger.js';

const TOKEN = 'wait-for-set-token';
let sim: RunningSimulator | undefined;
let directory: CesDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  await sim?.close();
});

async function setup(stepMs: number) {
  let now = Date.UTC(2026, 10, 3, 9, 0);
  sim = await startSimulator({ tokens: [TOKEN], stepMs, now: () => now });
  directory = createCesDirectory({
    instances: [{ name: 'sim', url: sim.url, srids: sim.srids, token: () => TOKEN, runtimeConfig: DEMO.runtimeConfig, timeoutMs: 5000, retries: 0 }],
  });
  const target = directory.resolve();
  const progress: ProgressUpdate[] = [];
  const signal = new AbortController().signal;
  const ctx: ToolContext = {
    ces: { ...target, call: (operation, input) => target.call(operation, input, { signal }) },
    signal,
    logger: silentLogger(),
    wait: { pollIntervalMs: 2_000, maxWaitSeconds: 600 },
    progress: async (update) => void progress.push(update),
    sleep: async (ms) => void (now += ms),
    now: () => now,
  };
  return { ctx, progress, target };
}

describe('waitForSet on a fake clock', () => {
  it('follows a set through its states to the end, one poll per interval', async () => {
    const { ctx, progress, target } = await setup(5_000);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600);
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
    // Dispatched and Executing take 5 s each on the simulator's clock: the set closes after 10 s.
    expect(wait.waitedSeconds).toBe(10);
    expect(progress.map((p) => p.progress)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(progress.at(-1)?.message).toBe(`Set ${setId}: Closed`);
  });

  it('stops at the budget with the set still running', async () => {
    const { ctx, progress, target } = await setup(60_000);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 5);
    expect(wait.outcome).toBe('running');
    expect(wait.waitedSeconds).toBe(4);
    expect(progress.every((p) => p.total === 5)).toBe(true);
  });
});
