// What a set's state means for the call that waits on it. One table of end states cannot serve
// every action (docs/ces-fidelity.md, item 1): BMC's own pipeline step stops on Held only after
// hold/unlock, on Released/Waiting-Lock only after release and on Terminated only after terminate,
// and right after an action CES still shows the state from before it (docs/ces-api.md errata E1).
import { z } from 'zod';

import type { SetAction } from '../../ces/operations.js';

export const SET_OUTCOMES = [
  'succeeded',
  'partially_failed',
  'failed',
  'terminated',
  'waiting_approval',
  'held',
  'released',
  'locked',
  'deployment_pending',
  'unverified',
  'running',
  'no_set',
] as const;
export type SetOutcome = (typeof SET_OUTCOMES)[number];

/**
 * Why the caller waits: for a lifecycle operation's set (generate, build, promote, deploy, …) or
 * after a set action. `heldEnds`: the set was created held (execution_status H), so Held is its
 * expected resting state rather than an interruption to wait out.
 */
export type WaitPurpose = { readonly kind: 'lifecycle'; readonly heldEnds?: boolean } | { readonly kind: 'action'; readonly action: SetAction };

export const LIFECYCLE_WAIT: WaitPurpose = { kind: 'lifecycle' };

// Anything not here (Dispatched, Executing, Ready, Starting, Pending, unknown states) is running.
const SETTLED: Record<string, SetOutcome> = {
  closed: 'succeeded',
  complete: 'succeeded',
  completed: 'succeeded',
  failed: 'failed',
  'deploy-failed': 'failed',
  terminated: 'terminated',
  'waiting-approval': 'waiting_approval',
  held: 'held',
  released: 'released',
  'waiting-lock': 'released',
  locked: 'locked',
};

/** States that end a wait only after the action that leads to them (E1). */
const ONLY_AFTER: Partial<Record<SetOutcome, readonly SetAction[]>> = {
  held: ['hold', 'unlock'],
  released: ['release'],
  locked: ['lock'],
};

/** The state's class, whatever the purpose: what a read of the set reports. */
export const classOfState = (state: string | undefined): SetOutcome => (state && SETTLED[state.trim().toLowerCase()]) || 'running';

/**
 * The outcome a state means for this purpose, or undefined while the caller should keep waiting.
 * Terminated ends every wait: nothing moves a terminated set on but a person's restart, so waiting
 * longer only hides a failure (a deliberate difference from Jenkins, docs/ces-fidelity.md).
 */
export function endOfWait(state: string | undefined, purpose: WaitPurpose): SetOutcome | undefined {
  const outcome = classOfState(state);
  if (outcome === 'running') return undefined;
  const after = ONLY_AFTER[outcome];
  if (!after) return outcome;
  if (purpose.kind === 'action') return after.includes(purpose.action) ? outcome : undefined;
  return outcome === 'held' && purpose.heldEnds ? outcome : undefined;
}

/** Actions whose intended result is a terminated set: reaching it is their success. */
const ENDS_TERMINATED: readonly SetAction[] = ['terminate', 'deny'];

/**
 * Whether the call failed (a tool execution error, `isError`): the set failed or was terminated,
 * some of its tasks failed, its deployment failed, or CES created no set for a lifecycle call.
 */
export function isFailedOutcome(outcome: SetOutcome | undefined, purpose: WaitPurpose): boolean {
  switch (outcome) {
    case 'failed':
    case 'partially_failed':
    case 'no_set':
      return true;
    case 'terminated':
      return !(purpose.kind === 'action' && ENDS_TERMINATED.includes(purpose.action));
    default:
      return false;
  }
}

/** A task of the set that did not do what the operation asked, and why we think so. */
export const failedTask = z.object({ taskId: z.string().optional(), moduleName: z.string().optional(), moduleType: z.string().optional(), reason: z.string() });
export type FailedTask = z.output<typeof failedTask>;

/** A deployment request of the set, as CES reported it after the set closed. */
export const deploymentRow = z.object({ requestId: z.string().optional(), environment: z.string().optional(), status: z.string().optional() });
export type DeploymentRow = z.output<typeof deploymentRow>;
