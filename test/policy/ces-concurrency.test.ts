// Time queued behind the per-instance CES concurrency limit counts against the request's own
// deadline (its CES timeout): a request that cannot start within half of it is not sent and fails
// at once with a rate-limit error and a retry-after; one that starts late gets only what is left of
// its timeout; a caller who gives up while queued is answered at once. Real CES simulator, real
// client, latency faults; assertions are about outcomes and their order, not wall-clock bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CesDirectory, CesTarget } from '../../src/ces/api.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { createCesConcurrency, LimitError, QUEUE_SHARE } from '../../src/policy/limits.js';

const TOKEN = 'concurrency-5d1c7a90-2b3e';
const TIMEOUT_MS = 4000;
let sim: RunningSimulator;
let directory: CesDirectory;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
  directory = createCesDirectory({ instances: [{ name: 'sim', url: sim.url, srids: sim.srids, token: () => TOKEN, timeoutMs: TIMEOUT_MS, retries: 0 }] });
});
afterAll(async () => {
  await directory?.close();
  await sim?.close();
});

const getAssignment = (target: CesTarget, signal?: AbortSignal) =>
  target.call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } }, signal ? { signal } : {});
const listAssignments = (target: CesTarget) => target.call(ops.listContainers, { query: { containerType: 'A', containerId: DEMO.assignmentId } });

/** Settles `promise` into an entry of `order` (name), keeping its value or error. */
function track<T>(order: string[], name: string, promise: Promise<T>) {
  return promise.then(
    (value) => (order.push(name), { value, error: undefined as unknown }),
    (error: unknown) => (order.push(name), { value: undefined as T | undefined, error }),
  );
}

describe('queue time counts against the CES deadline', () => {
  it('a request that cannot start within its share of the timeout is not sent: rate-limit error with retry-after', async () => {
    const rejected: string[] = [];
    const target = createCesConcurrency(1, 4, (instance) => rejected.push(instance)).limit(directory.resolve());
    sim.setFaults([{ kind: 'latency', ms: TIMEOUT_MS - 1000, path: '/assignments/', count: 1 }]);
    sim.clearRequests();
    const order: string[] = [];
    const slow = track(order, 'slow', getAssignment(target));
    const queued = track(order, 'queued', getAssignment(target));
    const [first, second] = await Promise.all([slow, queued]);
    expect(order).toEqual(['queued', 'slow']); // it gave up before the slot freed
    expect(first.error).toBeUndefined();
    expect(second.error).toBeInstanceOf(LimitError);
    expect((second.error as LimitError).retryAfterSeconds).toBe(Math.ceil((TIMEOUT_MS * QUEUE_SHARE) / 1000));
    expect((second.error as LimitError).message).toMatch(/CES instance "sim" is busy.*not sent.*Retry after 2 s/);
    expect(sim.requests.filter((r) => r.path.includes('/assignments/'))).toHaveLength(1); // never sent
    expect(rejected).toEqual(['sim']);
  });

  it('a request that starts late gets only the rest of its timeout', async () => {
    const target = createCesConcurrency(1, 4).limit(directory.resolve());
    const holdMs = 800;
    const laterMs = TIMEOUT_MS - 400; // within the full timeout, beyond what is left after the queue
    sim.setFaults([
      { kind: 'latency', ms: holdMs, path: '/assignments/', count: 1 },
      { kind: 'latency', ms: laterMs, path: '/containers/list', count: 1 },
    ]);
    const holder = getAssignment(target);
    const late = listAssignments(target).catch((error: unknown) => error);
    expect(await holder).toBeDefined();
    const error = await late;
    expect(error).toBeInstanceOf(CesError);
    expect((error as CesError).code).toBe('ces_timeout');
    const budget = Number(/within (\d+) ms/.exec((error as CesError).message)?.[1]);
    expect(budget).toBeLessThan(TIMEOUT_MS - holdMs / 2);
    expect(budget).toBeGreaterThanOrEqual(TIMEOUT_MS * QUEUE_SHARE);
    sim.setFaults([]);
    // Without a queue the same request gets the whole timeout and succeeds.
    sim.setFaults([{ kind: 'latency', ms: laterMs, path: '/containers/list', count: 1 }]);
    expect(await listAssignments(target)).toBeDefined();
  });

  it('a caller who cancels while queued is answered at once, not when a slot frees', async () => {
    const target = createCesConcurrency(1, 4).limit(directory.resolve());
    sim.setFaults([{ kind: 'latency', ms: 1500, path: '/assignments/', count: 1 }]);
    const order: string[] = [];
    const controller = new AbortController();
    const slow = track(order, 'slow', getAssignment(target));
    const cancelled = track(order, 'cancelled', getAssignment(target, controller.signal));
    controller.abort(new Error('client went away'));
    const [, result] = await Promise.all([slow, cancelled]);
    expect(order).toEqual(['cancelled', 'slow']);
    expect((result.error as Error).message).toBe('client went away');
  });
});

describe('awaited requests have their own slots (issue 19)', () => {
  // generate-await: CES holds the reply until the set ends; stepMs 0 ends it at once, so a latency
  // fault on the await path stands in for the held reply.
  const awaitGenerate = (target: CesTarget) =>
    target.call(
      ops.generateTasksAwait,
      { path: { assignmentId: DEMO.assignmentId }, query: { level: 'DEV1', taskId: [DEMO.taskIds.TPROG01] }, body: {} },
      { timeoutMs: 60_000 },
    );

  it.each([
    ['with a separate await limit, a held awaited call does not hold the read behind it', 2, ['read', 'await']],
    ['without it (0), the read queues behind the awaited call', 0, ['await', 'read']],
  ])('%s', async (_name, awaitLimit, expected) => {
    const target = createCesConcurrency(1, 4, undefined, awaitLimit).limit(directory.resolve());
    sim.setFaults([{ kind: 'latency', ms: 1500, path: 'generate-await', count: 1 }]);
    const order: string[] = [];
    const held = track(order, 'await', awaitGenerate(target));
    const read = track(order, 'read', getAssignment(target));
    await Promise.all([held, read]);
    expect(order).toEqual(expected);
  });
});
