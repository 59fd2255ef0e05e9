// The blocking `-await` endpoints (docs/ces-api.md §2.1 generate-await, §2.4 build-await, §3.2): wait,
// bounded by `awaitTimeoutMs`, until the set finishes, then summarise the generate results.
// Waiting polls the lazily-evaluated estate, so it follows an injected clock as well as real time.
import { setTimeout as sleep } from 'node:timers/promises';

import type { CesSet } from './estate.js';
import { FINISHED_SET_STATES } from './estate.js';
import type { RouteContext } from './router.js';
import { tasksOfSet } from './set-engine.js';

/** True once the set is finished; false when the wait timed out or the request went away. */
export async function waitForSet(ctx: RouteContext, set: CesSet): Promise<boolean> {
  const { estate } = ctx;
  const startClock = estate.now();
  const startWall = performance.now();
  for (;;) {
    estate.settle();
    if (FINISHED_SET_STATES.has(set.state)) return true;
    // Either clock running out ends the wait: an injected clock may stand still.
    if (estate.now() - startClock >= ctx.awaitTimeoutMs || performance.now() - startWall >= ctx.awaitTimeoutMs) {
      return false;
    }
    const dueIn = set.since + estate.stepOf(set) - estate.now();
    try {
      await sleep(Math.min(Math.max(dueIn, 1), ctx.awaitPollMs, ctx.awaitTimeoutMs), undefined, { signal: ctx.signal });
    } catch {
      return false;
    }
  }
}

/** AwaitResult (§3.2): `awaitStatus` when the set finished, else a `timed out` message only. */
export async function awaitReply(ctx: RouteContext, set: CesSet, verb: string): Promise<Record<string, unknown>> {
  const base = { setId: set.setId, url: `${ctx.ispwUrl}/sets/${set.setId}` };
  const finished = await waitForSet(ctx, set);
  if (!finished) return { ...base, message: `${verb} failed: timed out waiting for set ${set.setId}` };
  if (set.state === 'Terminated') return { ...base, message: `${verb} failed: set ${set.setId} was terminated` };
  const tasks = tasksOfSet(ctx.estate, set);
  const failed = tasks.filter((t) => t.lastGenerateFailed === true);
  const statusMsg = tasks.map((t, i) => {
    const outcome = t.lastGenerateFailed ? 'failed' : 'completed successfully';
    const job = `J${String(758_870 + i).padStart(7, '0')} XDEVREGG`;
    return `ISPW: Set ${set.setId} - The generate request ${outcome} for ${t.moduleName} in ${t.container}. Job ID and name: ${job}`;
  });
  return {
    ...base,
    message: failed.length > 0 ? `${verb} failed` : `${verb} completed successfully`,
    awaitStatus: {
      generateFailedCount: failed.length,
      generateSuccessCount: tasks.length - failed.length,
      hasFailures: failed.length > 0,
      taskCount: tasks.length,
      statusMsg,
    },
  };
}
