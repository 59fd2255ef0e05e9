// Waits for a CES set to reach an end state for the purpose of the call (set-outcome.ts), polling
// GET /sets/{setId} (built from the configured base and the set id — never the `url` CES returned,
// docs/ces-api.md §4.3) and reporting each state as MCP progress. The waiting state lives in CES: a
// client that stops waiting can ask again later.
//
// Two guards against reporting the state from before the change as its outcome (docs/ces-fidelity.md,
// item 1): every poll comes after one interval (BMC's pipeline step sleeps 2 s before each poll), and
// after a set action the state the set had before it does not end the wait until the set has been
// seen in another state. When the budget runs out the last state is reported as it is.
//
// At scale (issue 19, docs/performance.md "Waits"): the interval backs off from pollIntervalMs to
// maxPollIntervalMs with jitter (poll-intervals.ts), and with `ctx.wait.polls` the waits of one
// replica share reads of the same set and a per-CES-instance poll budget (set-polls.ts). Where CES
// may call back, a callback ends the current sleep and polling is the fallback (set-callbacks.ts).
import { z } from 'zod';

import { CesError } from '../../ces/errors.js';
import { ops } from '../../ces/operations.js';
import type { ToolContext } from './context.js';
import { RetryLaterError } from './errors.js';
import { endOfWait, SET_OUTCOMES, type SetOutcome, type WaitPurpose } from './set-outcome.js';
import { pollCapMs, pollIntervals } from './poll-intervals.js';
import type { SetCallback } from './set-callbacks.js';
import { setKey, type SetRead } from './set-polls.js';

export interface SetWait {
  state: string | undefined;
  outcome: SetOutcome;
  waitedSeconds: number;
  /** The wait ended on an end state (false: the budget ran out first). */
  ended: boolean;
}

export interface WaitOptions {
  purpose: WaitPurpose;
  /** The set's state before the action (set actions); it cannot end the wait until the set has moved. */
  stateBefore?: string | undefined;
  /** A CES callback registered for this set (set-callbacks.ts): it ends a sleep early. */
  callback?: SetCallback | undefined;
}

export const setWaitOutput = {
  state: z.string().optional().describe('set state when the call returned'),
  outcome: z.enum(SET_OUTCOMES).optional(),
  waitedSeconds: z.number().optional(),
};

/** Transient CES trouble during a wait is retried until the deadline; the rest ends the wait. */
export const isTransient = (error: unknown): error is CesError =>
  error instanceof CesError && ['ces_timeout', 'ces_unavailable', 'ces_server', 'ces_rate_limited', 'ces_bad_reply'].includes(error.code);

/** One wait's budget and start (monotonic ms): the set wait and the evidence read after it share it. */
export interface WaitClock {
  readonly budgetMs: number;
  readonly startedMs: number;
}

export const waitClock = (ctx: ToolContext, waitSeconds: number): WaitClock => ({
  budgetMs: Math.min(waitSeconds, ctx.wait.maxWaitSeconds) * 1000,
  startedMs: ctx.now(),
});

export async function waitForSet(
  ctx: ToolContext,
  setId: string,
  waitSeconds: number,
  options: WaitOptions,
  clock = waitClock(ctx, waitSeconds),
): Promise<SetWait> {
  const { budgetMs, startedMs } = clock;
  const before = options.stateBefore?.trim().toLowerCase();
  let moved = before === undefined;
  let state: string | undefined;
  let lastError: CesError | RetryLaterError | undefined;
  const waited = () => Math.round((ctx.now() - startedMs) / 1000);
  const polls = ctx.wait.polls;
  const key = setKey(ctx.ces.instance, ctx.ces.srid, setId, ctx.ces.identity);
  const leave = polls?.enter(key);
  const callback = options.callback;
  // With a callback expected, polling is the fallback: the interval may back off further — but only
  // once the set is executing. Before that it may stop in Waiting-Approval, which ends a lifecycle
  // wait and for which no event is asked, so until then the usual cap applies.
  const settings = callback ? { ...ctx.wait, maxPollIntervalMs: Math.max(ctx.wait.maxPollIntervalMs ?? 0, callback.maxPollIntervalMs) } : ctx.wait;
  const usualCapMs = pollCapMs(ctx.wait);
  const interval = pollIntervals(settings, polls?.random ?? Math.random);
  let executing = false;
  try {
    for (;;) {
      const leftMs = budgetMs - (ctx.now() - startedMs);
      if (leftMs <= 0) break;
      const nextMs = interval.next().value;
      const sleepMs = Math.min(executing ? nextMs : Math.min(nextMs, usualCapMs), leftMs);
      // Woken by a callback: read now, and not an answer older than the wake-up.
      const wokenAt = callback ? await sleepUnlessWoken(ctx, sleepMs, callback) : (await ctx.sleep(sleepMs), undefined);
      // The replica's poll budget for this CES instance: wait for an even slot, within the budget.
      const slotMs = polls?.reserve(ctx.ces.instance, ctx.now(), ctx.wait.maxPollsPerSecond ?? 0) ?? 0;
      if (slotMs > 0) await ctx.sleep(Math.min(slotMs, Math.max(0, budgetMs - (ctx.now() - startedMs))));
      const read = () => ctx.ces.call(ops.getSet, { path: { setId } });
      const seen = polls ? await polls.read(key, ctx.now(), read, ctx.signal, wokenAt) : await read().then(ok, failed);
      if (seen.ok) {
        state = seen.value.state?.trim() || state;
        lastError = undefined;
      } else {
        const error = seen.error;
        // A deleted set cannot be read any more: for `delete`, that is the outcome asked for.
        if (options.purpose.kind === 'action' && options.purpose.action === 'delete' && error instanceof CesError && error.code === 'ces_not_found') {
          return { state: 'Deleted', outcome: 'succeeded', waitedSeconds: waited(), ended: true };
        }
        // This replica's own CES limits (the bulkhead's full queue) are as passing as CES's 429.
        if (!isTransient(error) && !(error instanceof RetryLaterError)) throw error;
        lastError = error;
      }
      if (state !== undefined && state.toLowerCase() !== before) moved = true;
      if (state?.toLowerCase() === 'executing') executing = true;
      await ctx.progress({
        progress: waited(),
        total: Math.round(budgetMs / 1000),
        message: `Set ${setId}: ${state ?? 'state unknown'}`,
      });
      const outcome = moved ? endOfWait(state, options.purpose) : undefined;
      if (outcome) return { state, outcome, waitedSeconds: waited(), ended: true };
    }
  } finally {
    leave?.();
  }
  if (state === undefined && lastError) throw lastError;
  // The budget ran out: the last state as it is (an unchanged Failed after restart is still failed).
  return { state, outcome: endOfWait(state, options.purpose) ?? 'running', waitedSeconds: waited(), ended: false };
}

/**
 * Sleeps `ms`, or less if the callback wakes the wait first: then the time of the wake-up (ctx.now()),
 * else undefined. A cancelled call still rejects.
 */
async function sleepUnlessWoken(ctx: ToolContext, ms: number, callback: SetCallback): Promise<number | undefined> {
  // A callback that came while the last poll was on its way may have missed that poll: read now.
  if (callback.takeWake()) return ctx.now();
  const woken = new AbortController();
  const stopListening = callback.onWake(() => woken.abort());
  try {
    await ctx.sleep(ms, woken.signal);
  } catch (error) {
    if (!woken.signal.aborted || ctx.signal.aborted) throw error;
  } finally {
    stopListening();
  }
  return callback.takeWake() ? ctx.now() : undefined;
}

const ok = <T>(value: T): SetRead<T> => ({ ok: true, value });
const failed = (error: unknown): SetRead<never> => ({ ok: false, error });
