// Waits for a CES set to reach an end state, polling GET /sets/{setId} (built from the configured
// base and the set id — never the `url` CES returned, docs/ces-api.md §4.3) and reporting each state as
// MCP progress. The waiting state lives in CES: a client that stops waiting can ask again later.
import { z } from 'zod';

import { CesError } from '../../ces/errors.js';
import { ops } from '../../ces/operations.js';
import type { ToolContext } from './context.js';

export const SET_OUTCOMES = ['succeeded', 'failed', 'waiting_approval', 'held', 'released', 'terminated', 'running'] as const;
export type SetOutcome = (typeof SET_OUTCOMES)[number];

// docs/ces-api.md §4.2. Anything not listed (Dispatched, Executing, Ready, unknown states) is running.
const END_STATES: Record<string, SetOutcome> = {
  closed: 'succeeded',
  complete: 'succeeded',
  completed: 'succeeded',
  failed: 'failed',
  'deploy-failed': 'failed',
  'waiting-approval': 'waiting_approval',
  held: 'held',
  released: 'released',
  'waiting-lock': 'released',
  terminated: 'terminated',
};

export const outcomeOfState = (state: string | undefined): SetOutcome => (state && END_STATES[state.trim().toLowerCase()]) || 'running';

export interface SetWait {
  state: string | undefined;
  outcome: SetOutcome;
  waitedSeconds: number;
}

export const setWaitOutput = {
  state: z.string().optional().describe('set state when the call returned'),
  outcome: z.enum(SET_OUTCOMES).optional(),
  waitedSeconds: z.number().optional(),
};

/** Transient CES trouble during a wait is retried until the deadline; the rest ends the wait. */
const isTransient = (error: unknown): error is CesError =>
  error instanceof CesError && ['ces_timeout', 'ces_unavailable', 'ces_server', 'ces_rate_limited', 'ces_bad_reply'].includes(error.code);

export async function waitForSet(ctx: ToolContext, setId: string, waitSeconds: number): Promise<SetWait> {
  const budgetMs = Math.min(waitSeconds, ctx.wait.maxWaitSeconds) * 1000;
  const started = ctx.now();
  let state: string | undefined;
  let lastError: CesError | undefined;
  for (;;) {
    try {
      const set = await ctx.ces.call(ops.getSet, { path: { setId } });
      state = set.state?.trim() || state;
      lastError = undefined;
    } catch (error) {
      if (!isTransient(error)) throw error;
      lastError = error;
    }
    const elapsedMs = ctx.now() - started;
    const outcome = outcomeOfState(state);
    await ctx.progress({
      progress: Math.round(elapsedMs / 1000),
      total: Math.round(budgetMs / 1000),
      message: `Set ${setId}: ${state ?? 'state unknown'}`,
    });
    if (outcome !== 'running') return { state, outcome, waitedSeconds: Math.round(elapsedMs / 1000) };
    if (elapsedMs + ctx.wait.pollIntervalMs > budgetMs) {
      if (state === undefined && lastError) throw lastError;
      return { state, outcome, waitedSeconds: Math.round(elapsedMs / 1000) };
    }
    await ctx.sleep(ctx.wait.pollIntervalMs);
  }
}
