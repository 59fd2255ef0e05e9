// Set waits at scale (issue 19) on a virtual clock: interval back-off, one read shared by every wait
// on the same set, and the per-CES-instance poll budget. Time only moves when every wait in the test
// is asleep, so several concurrent waits against the real simulator stay deterministic.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { createCesDirectory } from '../../../src/ces/directory.js';
import type { CesDirectory } from '../../../src/ces/api.js';
import { CesError } from '../../../src/ces/errors.js';
import { ops } from '../../../src/ces/operations.js';
import type { ToolContext, WaitSettings } from '../../../src/mcp/kit/context.js';
import { RetryLaterError } from '../../../src/mcp/kit/errors.js';
import { pollIntervals } from '../../../src/mcp/kit/poll-intervals.js';
import { LIFECYCLE_WAIT } from '../../../src/mcp/kit/set-outcome.js';
import { SetPolls } from '../../../src/mcp/kit/set-polls.js';
import { waitForSet } from '../../../src/mcp/kit/wait-for-set.js';
import { silentLogger } from '../../../src/telemetry/logger.js';

const TOKEN = 'set-polls-token';
let sim: RunningSimulator | undefined;
let directory: CesDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  await sim?.close();
});

/** A clock that advances to the next timer only when all `live` waits are asleep. */
function virtualClock(start: number) {
  let now = start;
  let live = 0;
  const timers: { at: number; seq: number; wake: () => void }[] = [];
  let seq = 0;
  const kick = () =>
    queueMicrotask(() => {
      if (live === 0 || timers.length < live) return;
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers.shift()!;
      now = Math.max(now, next.at);
      next.wake();
    });
  return {
    now: () => now,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        timers.push({ at: now + ms, seq: seq++, wake });
        kick();
      }),
    /** Runs `fn` as one of the waits the clock waits for. */
    run: async <T>(fn: () => Promise<T>): Promise<T> => {
      live++;
      try {
        return await fn();
      } finally {
        live--;
        kick();
      }
    },
  };
}

async function setup(stepMs: number, wait: Partial<WaitSettings>) {
  const clock = virtualClock(Date.UTC(2026, 11, 4, 9, 0));
  sim = await startSimulator({ tokens: [TOKEN], stepMs, now: clock.now });
  directory = createCesDirectory({
    instances: [{ name: 'sim', url: sim.url, srids: sim.srids, token: () => TOKEN, runtimeConfig: DEMO.runtimeConfig, timeoutMs: 5000, retries: 0 }],
  });
  const target = directory.resolve();
  const context = (progress: number[] = []): ToolContext => {
    const signal = new AbortController().signal;
    return {
      ces: { ...target, call: (operation, input) => target.call(operation, input, { signal }) },
      signal,
      logger: silentLogger(),
      wait: { pollIntervalMs: 2_000, maxWaitSeconds: 600, ...wait },
      progress: async (update) => void progress.push(update.progress),
      sleep: clock.sleep,
      now: clock.now,
    };
  };
  const generate = async () =>
    (await target.call(ops.generateAssignment, { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1' }, body: {} })).setId!;
  const reads = (setId?: string) =>
    sim!.requests.filter((r) => r.method === 'GET' && (setId ? r.path.endsWith(`/sets/${setId}`) : /\/sets\/S\d+$/.test(r.path))).map((r) => r.time);
  return { clock, context, generate, reads };
}

describe('poll intervals', () => {
  it('the first is the configured interval exactly; later ones back off to the cap, jittered', () => {
    const settings = { pollIntervalMs: 2000, maxWaitSeconds: 600, maxPollIntervalMs: 4000, pollBackoff: 1.5, pollJitter: 0.1 };
    const low = pollIntervals(settings, () => 0);
    expect([0, 1, 2, 3].map(() => low.next().value)).toEqual([2000, 2700, 3600, 3600]);
    const high = pollIntervals(settings, () => 1);
    expect([0, 1, 2, 3].map(() => high.next().value)).toEqual([2000, 3300, 4400, 4400]);
    const fixed = pollIntervals({ pollIntervalMs: 2000, maxWaitSeconds: 600 }, () => 0);
    expect([0, 1, 2].map(() => fixed.next().value)).toEqual([2000, 2000, 2000]);
  });
});

describe('waitForSet with back-off, shared reads and a poll budget', () => {
  it('backs off: a 20 s set is read 6 times, not 10, and the first read still comes after one interval', async () => {
    const { clock, context, generate, reads } = await setup(10_000, { maxPollIntervalMs: 4000, pollBackoff: 1.5 });
    const setId = await generate();
    const start = clock.now();
    const progress: number[] = [];
    const wait = await clock.run(() => waitForSet(context(progress), setId, 600, { purpose: LIFECYCLE_WAIT }));
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', ended: true });
    // Reads at 2, 5, 9, 13, 17 and 21 s: the set closed at 20 s.
    expect(reads(setId).map((t) => (t - start) / 1000)).toEqual([2, 5, 9, 13, 17, 21]);
    expect(progress).toEqual([2, 5, 9, 13, 17, 21]);
  });

  it('waits on the same set share one read per poll; each still gets its own progress', async () => {
    const { clock, context, generate, reads } = await setup(5_000, {});
    const setId = await generate();
    const polls = new SetPolls();
    const progress = [[], [], []] as number[][];
    const waits = await Promise.all(
      progress.map((p) => clock.run(() => waitForSet({ ...context(p), wait: { ...context().wait, polls } }, setId, 600, { purpose: LIFECYCLE_WAIT }))),
    );
    expect(waits.map((w) => w.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(progress).toEqual([
      [2, 4, 6, 8, 10],
      [2, 4, 6, 8, 10],
      [2, 4, 6, 8, 10],
    ]);
    // Five polls of three waits: five reads, not fifteen.
    expect(reads(setId)).toHaveLength(5);
    expect(polls.stats).toEqual({ reads: 5, shared: 10 });
    expect(polls.size).toBe(0);
  });

  it('waits under different CES identities (per-user mode) never share a read', async () => {
    const { clock, context, generate, reads } = await setup(5_000, {});
    const setId = await generate();
    const polls = new SetPolls();
    const as = (identity: string) => {
      const base = context();
      return { ...base, ces: { ...base.ces, identity }, wait: { ...base.wait, polls } };
    };
    await Promise.all(['user:alice', 'user:bob', 'user:alice'].map((who) => clock.run(() => waitForSet(as(who), setId, 600, { purpose: LIFECYCLE_WAIT }))));
    // Alice's two waits share; Bob's reads are his own: ten reads, not five.
    expect(reads(setId)).toHaveLength(10);
    expect(polls.stats).toEqual({ reads: 10, shared: 5 });
  });

  it('without sharing the same three waits read fifteen times (the comparison the test above rests on)', async () => {
    const { clock, context, generate, reads } = await setup(5_000, {});
    const setId = await generate();
    await Promise.all([0, 1, 2].map(() => clock.run(() => waitForSet(context(), setId, 600, { purpose: LIFECYCLE_WAIT }))));
    expect(reads(setId)).toHaveLength(15);
  });

  it('the poll budget spreads reads of one CES instance evenly instead of bursting', async () => {
    const { clock, context, generate, reads } = await setup(5_000, { maxPollsPerSecond: 2 });
    const setIds = [await generate(), await generate(), await generate(), await generate()];
    const polls = new SetPolls();
    const start = clock.now();
    await Promise.all(
      setIds.map((id) => clock.run(() => waitForSet({ ...context(), wait: { ...context().wait, polls } }, id, 600, { purpose: LIFECYCLE_WAIT }))),
    );
    const times = reads().map((t) => t - start);
    // All four are due at 2 s; with 2 polls/s they leave 500 ms apart, and never two in one slot.
    expect(times.slice(0, 4)).toEqual([2000, 2500, 3000, 3500]);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
  });
});

describe("waitForSet under this replica's own CES limit", () => {
  it('a poll refused by the bulkhead (retry later) is retried at the next interval, not the end of the wait', async () => {
    const { clock, context, generate, reads } = await setup(5_000, {});
    const setId = await generate();
    const base = context();
    let refusals = 1;
    const ctx: ToolContext = {
      ...base,
      ces: {
        ...base.ces,
        call: (operation, input, options) =>
          refusals-- > 0 ? Promise.reject(new RetryLaterError('CES instance "sim" is at its limit', 2)) : base.ces.call(operation, input, options),
      },
    };
    const wait = await clock.run(() => waitForSet(ctx, setId, 600, { purpose: LIFECYCLE_WAIT }));
    expect(wait).toMatchObject({ state: 'Closed', outcome: 'succeeded', waitedSeconds: 10 });
    expect(reads(setId)).toHaveLength(4);
  });
});

describe('SetPolls.read', () => {
  const never = new AbortController().signal;

  it('joins a read in flight, reuses a fresh answer, reads again once it is stale', async () => {
    const polls = new SetPolls({ freshMs: 1000 });
    const leave = polls.enter('k');
    let calls = 0;
    let release: (v: string) => void = () => {};
    const read = () => {
      calls++;
      return new Promise<string>((r) => (release = r));
    };
    const a = polls.read('k', 0, read, never);
    const b = polls.read('k', 10, read, never);
    release('Executing');
    expect(await a).toEqual({ ok: true, value: 'Executing' });
    expect(await b).toEqual({ ok: true, value: 'Executing' });
    expect(await polls.read('k', 900, read, never)).toEqual({ ok: true, value: 'Executing' });
    expect(calls).toBe(1);
    const c = polls.read('k', 1200, read, never);
    release('Closed');
    expect(await c).toEqual({ ok: true, value: 'Closed' });
    expect(calls).toBe(2);
    leave();
    expect(polls.size).toBe(0);
  });

  it("shares CES errors, but a read ended by another wait's cancellation is read again for the joiner", async () => {
    const polls = new SetPolls();
    polls.enter('k');
    polls.enter('j');
    const unavailable = new CesError('ces_unavailable', 'down');
    let fail: (e: unknown) => void = () => {};
    const pending = () => new Promise<string>((_, reject) => (fail = reject));
    const a = polls.read('k', 0, pending, never);
    const b = polls.read('k', 0, () => Promise.resolve('unused'), never);
    fail(unavailable);
    expect(await a).toEqual({ ok: false, error: unavailable });
    expect(await b).toEqual({ ok: false, error: unavailable });

    const c = polls.read('j', 0, pending, never);
    const d = polls.read('j', 0, () => Promise.resolve('Closed'), never);
    fail(new DOMException('cancelled', 'AbortError'));
    expect((await c).ok).toBe(false);
    expect(await d).toEqual({ ok: true, value: 'Closed' });
  });
});
