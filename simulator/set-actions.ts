// Set actions (docs/ces-api.md §6): hold, release, lock, unlock, delete, restart, terminate, approve,
// deny, reset. Each checks the set's current state (409 `{message}` when the action makes no sense
// there) and moves it; the lazy engine then carries on from the new state. With
// SetRealism.actionLagMs the move happens that much later, as on real CES, where the set shows its
// old state for a while after the action was accepted (errata E1).
import type { CesSet, Estate } from './estate.js';
import { FINISHED_SET_STATES } from './estate.js';
import { HttpError } from './http.js';
import { enterState, startExecuting } from './set-engine.js';

export const SET_ACTIONS = ['hold', 'release', 'lock', 'unlock', 'delete', 'restart', 'terminate', 'approve', 'deny', 'reset'] as const;
export type SetActionName = (typeof SET_ACTIONS)[number];
/** §6: these need `?approver=`. */
export const NEEDS_APPROVER: readonly SetActionName[] = ['approve', 'deny', 'reset'];

/** Checks the action against the set's state now, applies it (now or after the lag) and returns the reply message. */
export function applySetAction(estate: Estate, set: CesSet, action: SetActionName, approver?: string): string {
  const effect = checkAction(estate, set, action, approver);
  const lag = estate.realism.actionLagMs;
  if (lag > 0) estate.pendingEffects.push({ due: estate.now() + lag, apply: effect });
  else effect(estate.now());
  return `Set ${set.setId} ${PAST[action]}`;
}

/** Refuses an action the set's state does not allow; otherwise returns what the action does, at a given time. */
function checkAction(estate: Estate, set: CesSet, action: SetActionName, approver?: string): (at: number) => void {
  const id = set.setId;
  const refuse = (why: string): never => {
    throw new HttpError(409, `Cannot ${action} set ${id}: ${why}`);
  };
  const finished = FINISHED_SET_STATES.has(set.state);
  switch (action) {
    case 'hold':
      if (finished || set.state === 'Held') refuse(`it is ${set.state}`);
      return (at) => enterState(estate, set, 'Held', at);
    case 'release':
      if (set.state !== 'Held') refuse(`it is ${set.state}, not Held`);
      return (at) => enterState(estate, set, 'Released', at); // resumes (Dispatched) after one step
    case 'lock':
      if (finished || set.state === 'Locked') refuse(`it is ${set.state}`);
      return (at) => enterState(estate, set, 'Locked', at);
    case 'unlock':
      if (set.state !== 'Locked') refuse(`it is ${set.state}, not Locked`);
      return (at) => enterState(estate, set, 'Held', at); // §6: "unlocked, currently held"
    case 'delete':
      if (set.state === 'Executing') refuse('it is Executing');
      return () => {
        estate.sets.delete(id);
        estate.activeSets.delete(id); // its queue entry, if any, is skipped as stale
      };
    case 'restart':
      if (!['Failed', 'Terminated', 'Held'].includes(set.state)) refuse(`it is ${set.state}`);
      return (at) => {
        enterState(estate, set, 'Dispatched', at);
        set.message = undefined;
      };
    case 'terminate':
      if (finished) refuse(`it is already ${set.state}`);
      return (at) => {
        enterState(estate, set, 'Terminated', at);
        set.message = 'Terminated';
      };
    case 'approve':
      if (set.state !== 'Waiting-Approval') refuse(`it is ${set.state}, not Waiting-Approval`);
      return (at) => {
        set.approved = true;
        set.approver = approver;
        startExecuting(estate, set, at);
      };
    case 'deny':
      if (set.state !== 'Waiting-Approval') refuse(`it is ${set.state}, not Waiting-Approval`);
      return (at) => {
        enterState(estate, set, 'Terminated', at);
        set.message = `Approval denied by ${approver}`;
      };
    case 'reset':
      if (!set.needsApproval) refuse('it needs no approval');
      if (finished || set.state === 'Executing') refuse(`it is ${set.state}`);
      return (at) => {
        set.approved = false;
        set.approver = undefined;
        enterState(estate, set, 'Waiting-Approval', at);
      };
  }
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
