// Waiting for a set (src/mcp/kit/wait-for-set.ts) on a fake clock: the simulator's clock and the
// wait's clock are the same hand-driven one, and `sleep` advances it, so a set that takes minutes
// of CES time is followed in milliseconds, with every poll and progress step deterministic.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator, type SetRealism } from '../../../simulator/index.js';
import { createCesDirectory } from '../../../src/ces/directory.js';
import type { CesDirectory } from '../../../src/ces/api.js';
import { ops } from '../../../src/ces/operations.js';
import type { ProgressUpdate, ToolContext } from '../../../src/mcp/kit/context.js';
import { SetCallbacks } from '../../../src/mcp/kit/set-callbacks.js';
import { LIFECYCLE_WAIT } from '../../../src/mcp/kit/set-outcome.js';
import { SetPolls } from '../../../src/mcp/kit/set-polls.js';
import { waitForSet } from '../../../src/mcp/kit/wait-for-set.js';
import { silentLogger } from '../../../src/telemetry/logger.js';

const TOKEN = 'wait-for-set-token';
let sim: RunningSimulator | undefined;
let directory: CesDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  await sim?.close();
});

async function setup(stepMs: number, realism: Partial<SetRealism> = {}) {
  let now = Date.UTC(2026, 10, 3, 9, 0);
  sim = await startSimulator({ tokens: [TOKEN], stepMs, now: () => now, realism });
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
  const states = () => sim!.requests.filter((r) => r.method === 'GET' && /^\/ispw\/[^/]+\/sets\/S\d+$/.test(r.path)).map((r) => r.time);
  return { ctx, progress, target, states, advance: (ms: number) => void (now += ms) };
}

describe('waitForSet on a fake clock', () => {
  it('follows a set through its states to the end, one poll per interval, the first after one interval', async () => {
    const { ctx, progress, target } = await setup(5_000);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT });
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', ended: true });
    // Dispatched and Executing take 5 s each on the simulator's clock: the set closes after 10 s.
    expect(wait.waitedSeconds).toBe(10);
    expect(progress.map((p) => p.progress)).toEqual([2, 4, 6, 8, 10]);
    expect(progress.at(-1)?.message).toBe(`Set ${setId}: Closed`);
  });

  it('stops at the budget with the set still running', async () => {
    const { ctx, progress, target } = await setup(60_000);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 5, { purpose: LIFECYCLE_WAIT });
    expect(wait).toMatchObject({ outcome: 'running', ended: false });
    // Polls at 2, 4 and, with the last second of the budget, at 5.
    expect(wait.waitedSeconds).toBe(5);
    expect(progress.every((p) => p.total === 5)).toBe(true);
  });

  it('a set waiting for a lock during generate is still running, not released', async () => {
    const { ctx, progress, target } = await setup(5_000, { waitForLock: true });
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT });
    expect(progress.some((p) => p.message?.endsWith('Waiting-Lock'))).toBe(true);
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
  });

  it('a set created held ends the wait Held; a lifecycle set held by someone else does not', async () => {
    const { ctx, target } = await setup(5_000);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    await target.call(ops.setAction, { path: { setId: setId!, action: 'hold' }, body: {} });
    expect(await waitForSet(ctx, setId!, 10, { purpose: LIFECYCLE_WAIT })).toMatchObject({ state: 'Held', outcome: 'running', ended: false });
    expect(await waitForSet(ctx, setId!, 10, { purpose: { kind: 'lifecycle', heldEnds: true } })).toMatchObject({
      state: 'Held',
      outcome: 'held',
      ended: true,
    });
  });
});

describe('waitForSet after a set action, when CES shows the new state only later', () => {
  const LAG = { actionLagMs: 7_000 };

  it('approve: the Waiting-Approval CES still shows is not the outcome; the wait follows the set to Closed', async () => {
    const { ctx, target, progress } = await setup(5_000, LAG);
    const setId = DEMO.sets.waitingApproval;
    await target.call(ops.setAction, { path: { setId, action: 'approve' }, query: { approver: 'USER09' }, body: {} });
    const wait = await waitForSet(ctx, setId, 600, { purpose: { kind: 'action', action: 'approve' }, stateBefore: 'Waiting-Approval' });
    expect(progress[0]?.message).toBe(`Set ${setId}: Waiting-Approval`);
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', ended: true });
  });

  it('the guard is what makes the difference: without the state from before, the old state would be reported', async () => {
    const { ctx, target } = await setup(5_000, LAG);
    const setId = DEMO.sets.waitingApproval;
    await target.call(ops.setAction, { path: { setId, action: 'approve' }, query: { approver: 'USER09' }, body: {} });
    const wait = await waitForSet(ctx, setId, 600, { purpose: { kind: 'action', action: 'approve' } });
    expect(wait).toMatchObject({ state: 'Waiting-Approval', outcome: 'waiting_approval' });
  });

  it('restart of a failed set: the old Failed is not the outcome; the Failed of the rerun is', async () => {
    const { ctx, target, progress } = await setup(5_000, LAG);
    // The demo's failed generate set holds TPROG25, whose generate always fails: the rerun fails too.
    const setId = DEMO.sets.failedGenerate;
    await target.call(ops.setAction, { path: { setId, action: 'restart' }, body: {} });
    const wait = await waitForSet(ctx, setId, 600, { purpose: { kind: 'action', action: 'restart' }, stateBefore: 'Failed' });
    const seen = progress.map((p) => p.message?.split(': ')[1]);
    // Polls every 2 s: the old Failed until the restart shows at 7 s, the rerun (5 s per state), its own Failed at 17 s.
    expect(seen).toEqual(['Failed', 'Failed', 'Failed', 'Dispatched', 'Dispatched', 'Executing', 'Executing', 'Executing', 'Failed']);
    expect(wait).toMatchObject({ state: 'Failed', outcome: 'failed', ended: true, waitedSeconds: 18 });
  });

  it('release ends on Released; hold ends on Held; an unchanged state at the end of the budget is reported as it is', async () => {
    const { ctx, target } = await setup(5_000, LAG);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    await target.call(ops.setAction, { path: { setId: setId!, action: 'hold' }, body: {} });
    expect(await waitForSet(ctx, setId!, 3, { purpose: { kind: 'action', action: 'hold' }, stateBefore: 'Dispatched' })).toMatchObject({
      state: 'Dispatched',
      outcome: 'running',
      ended: false,
    });
    expect(await waitForSet(ctx, setId!, 60, { purpose: { kind: 'action', action: 'hold' }, stateBefore: 'Dispatched' })).toMatchObject({
      state: 'Held',
      outcome: 'held',
    });
    await target.call(ops.setAction, { path: { setId: setId!, action: 'release' }, body: {} });
    expect(await waitForSet(ctx, setId!, 60, { purpose: { kind: 'action', action: 'release' }, stateBefore: 'Held' })).toMatchObject({
      state: 'Released',
      outcome: 'released',
    });
  });
});

describe('waitForSet with a CES callback (set-callbacks.ts)', () => {
  // The callback "arrives" at a chosen moment of the fake clock, during whichever sleep spans it.
  async function withCallback(stepMs: number, callbackAt: number[]) {
    const env = await setup(stepMs);
    const callbacks = new SetCallbacks({ url: 'http://127.0.0.1:1', events: ['completed'], maxPollIntervalMs: 60_000 }, 'h');
    const callback = callbacks.register();
    const id = callback.events[0]!.url.split('/').at(-1)!;
    const start = env.ctx.now();
    const due = callbackAt.map((ms) => start + ms);
    const ctx: ToolContext = {
      ...env.ctx,
      // Back off at once to the callback's fallback interval: without a callback, the second poll would be a minute later.
      wait: { pollIntervalMs: 2_000, maxWaitSeconds: 600, maxPollIntervalMs: 4_000, pollBackoff: 30, polls: new SetPolls({ freshMs: 1_000 }) },
      sleep: async (ms, until) => {
        const end = env.ctx.now() + ms;
        const next = due[0];
        if (next !== undefined && next <= end) {
          due.shift();
          env.advance(next - env.ctx.now());
          callbacks.receive(id);
          if (until?.aborted) throw until.reason;
        }
        env.advance(end - env.ctx.now());
      },
    };
    return { ...env, ctx, callback };
  }

  it('polls as soon as CES calls back, instead of after the long fallback interval', async () => {
    // Dispatched and Executing take 5 s each: the set closes at 10 s, and CES calls back then.
    const { ctx, target, callback, states } = await withCallback(5_000, [10_000]);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT, callback });
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', ended: true, waitedSeconds: 10 });
    // At 2 s (Dispatched: the usual 4 s cap, it may stop for approval), 6 s (Executing), then the callback at 10 s.
    expect(states()).toHaveLength(3);
  });

  it('without a callback, falls back to polling at the longer interval', async () => {
    const { ctx, target, callback, states } = await withCallback(5_000, []);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT, callback });
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
    expect(wait.waitedSeconds).toBeGreaterThanOrEqual(60);
    expect(states()).toHaveLength(3);
  });

  it('a callback right after a poll gets a new read, not the shared answer from before it', async () => {
    // The set closes at 2.5 s; the poll at 2 s saw it Executing, CES calls back at 2.5 s.
    const { ctx, target, callback, states } = await withCallback(1_250, [2_500]);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT, callback });
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', waitedSeconds: 3 });
    expect(states()).toHaveLength(2);
  });

  it('a set that stops for approval is seen at the usual interval, not the callback fallback', async () => {
    // PLAY000287 at STG: promoting it to PRD waits for approval after its first step (5 s); no event is asked for that.
    const { ctx, target, callback } = await withCallback(5_000, []);
    const { setId } = await target.call(ops.promoteAssignment, { path: { assignmentId: DEMO.approvalAssignmentId }, query: { level: 'STG' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT, callback });
    expect(wait).toMatchObject({ state: 'Waiting-Approval', outcome: 'waiting_approval', waitedSeconds: 6 });
  });

  it('an early (or forged) callback costs one read and the wait goes on to the real end', async () => {
    const { ctx, target, callback, states } = await withCallback(5_000, [3_000, 10_000]);
    const { setId } = await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} });
    const wait = await waitForSet(ctx, setId!, 600, { purpose: LIFECYCLE_WAIT, callback });
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', waitedSeconds: 10 });
    expect(states()).toHaveLength(4); // 2 s, the early callback at 3 s (Dispatched), 7 s (Executing), the real one at 10 s
  });
});
