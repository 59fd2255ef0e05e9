// Set actions (docs/ces-api.md §6): hold, release, lock, unlock, delete, restart, terminate, approve,
// deny, reset. Each checks the set's current state (409 `{message}` when the action makes no sense
// there) and moves it; the lazy engine then carries on from the new state.
import type { CesSet, Estate } from './estate.js';
import { FINISHED_SET_STATES } from './estate.js';
import { HttpError } from './http.js';
import { enterState, startExecuting } from './set-engine.js';

export const SET_ACTIONS = ['hold', 'release', 'lock', 'unlock', 'delete', 'restart', 'terminate', 'approve', 'deny', 'reset'] as const;
export type SetActionName = (typeof SET_ACTIONS)[number];
/** §6: these need `?approver=`. */
export const NEEDS_APPROVER: readonly SetActionName[] = ['approve', 'deny', 'reset'];

/** Applies the action and returns the reply message. */
export function applySetAction(estate: Estate, set: CesSet, action: SetActionName, approver?: string): string {
  const now = estate.now();
  const id = set.setId;
  const refuse = (why: string): never => {
    throw new HttpError(409, `Cannot ${action} set ${id}: ${why}`);
  };
  const finished = FINISHED_SET_STATES.has(set.state);
  switch (action) {
    case 'hold':
      if (finished || set.state === 'Held') refuse(`it is ${set.state}`);
      enterState(estate, set, 'Held', now);
      break;
    case 'release':
      if (set.state !== 'Held') refuse(`it is ${set.state}, not Held`);
      enterState(estate, set, 'Released', now); // resumes (Dispatched) after one step
      break;
    case 'lock':
      if (finished || set.state === 'Locked') refuse(`it is ${set.state}`);
      enterState(estate, set, 'Locked', now);
      break;
    case 'unlock':
      if (set.state !== 'Locked') refuse(`it is ${set.state}, not Locked`);
      enterState(estate, set, 'Held', now); // §6: "unlocked, currently held"
      break;
    case 'delete':
      if (set.state === 'Executing') refuse('it is Executing');
      estate.sets.delete(id);
      estate.activeSets.delete(id); // its queue entry, if any, is skipped as stale
      return `Set ${id} deleted`;
    case 'restart':
      if (!['Failed', 'Terminated', 'Held'].includes(set.state)) refuse(`it is ${set.state}`);
      enterState(estate, set, 'Dispatched', now);
      set.message = undefined;
      break;
    case 'terminate':
      if (finished) refuse(`it is already ${set.state}`);
      enterState(estate, set, 'Terminated', now);
      set.message = 'Terminated';
      break;
    case 'approve':
      if (set.state !== 'Waiting-Approval') refuse(`it is ${set.state}, not Waiting-Approval`);
      set.approved = true;
      set.approver = approver;
      startExecuting(estate, set, now);
      break;
    case 'deny':
      if (set.state !== 'Waiting-Approval') refuse(`it is ${set.state}, not Waiting-Approval`);
      enterState(estate, set, 'Terminated', now);
      set.message = `Approval denied by ${approver}`;
      break;
    case 'reset':
      if (!set.needsApproval) refuse('it needs no approval');
      if (finished || set.state === 'Executing') refuse(`it is ${set.state}`);
      set.approved = false;
      set.approver = undefined;
      enterState(estate, set, 'Waiting-Approval', now);
      break;
  }
  return `Set ${id} ${PAST[action]}`;
}

const PAST: Record<SetActionName, string> = {
  hold: 'held',
  release: 'released',
  lock: 'locked',
  unlock: 'unlocked, currently held',
  delete: 'deleted',
  restart: 'restarted',
  terminate: 'terminated',
  approve: 'approved',
  deny: 'denied',
  reset: 'approvals reset',
};
