// Finishing a set-creating call: report the set id at once, or wait for the set with progress
// (docs/architecture.md: long operations return the set id at once) and then check what the closed set
// actually did (set-evidence.ts). A lifecycle reply without `setId` is CES saying nothing was done
// (docs/ces-api.md §3.1): the call failed, and says so (docs/ces-fidelity.md, items 2 and 3).
import type { ToolContext } from '../../mcp/kit/context.js';
import type { SetCallback } from '../../mcp/kit/set-callbacks.js';
import { isFailedOutcome, type DeploymentRow, type FailedTask, type SetOutcome, type WaitPurpose } from '../../mcp/kit/set-outcome.js';
import { waitClock, waitForSet } from '../../mcp/kit/wait-for-set.js';
import { clean, dropUndefined } from './fields.js';

export { dropUndefined };
import { closedSetEvidence, type EvidenceKind, type ExpectedTask } from './set-evidence.js';

export interface SetOpResult {
  setId?: string;
  message?: string;
  state?: string;
  outcome?: SetOutcome;
  waitedSeconds?: number;
  failedTasks?: FailedTask[];
  deployments?: DeploymentRow[];
  /** Why the outcome is what it is: for the text only (structuredOf leaves it out). */
  evidence?: string;
}

/** The structured content of a set operation: the facts, without the prose that explains them. */
export function structuredOf<T extends SetOpResult>(result: T): Omit<T, 'evidence'> {
  const { evidence: _prose, ...facts } = result;
  return facts;
}

const sameState = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

export interface FinishOptions {
  purpose: WaitPurpose;
  /** A reply without a set id means CES did nothing (lifecycle calls); false: the set is known anyway. */
  setRequired: boolean;
  /** What to check once the set has closed. */
  evidence: EvidenceKind;
  /** Tasks the call asked for, when known (task_ids, a build reply's tasks). */
  expected?: readonly ExpectedTask[] | undefined;
  /** The set's state before a set action, read just before it. */
  stateBefore?: string | undefined;
  /** The CES callback the request asked for, if any (set-callbacks.ts). */
  callback?: SetCallback | undefined;
}

export async function finishSetOp(
  ctx: ToolContext,
  reply: { setId?: string; message?: string },
  waitSeconds: number | undefined,
  options: FinishOptions,
): Promise<SetOpResult> {
  const setId = clean(reply.setId);
  const result: SetOpResult = { setId, message: clean(reply.message) };
  if (!setId) {
    if (options.setRequired) result.outcome = 'no_set';
    return dropUndefined(result);
  }
  if (waitSeconds && waitSeconds > 0) {
    const clock = waitClock(ctx, waitSeconds);
    const wait = await waitForSet(ctx, setId, waitSeconds, { purpose: options.purpose, stateBefore: options.stateBefore, callback: options.callback }, clock);
    Object.assign(result, { state: wait.state, outcome: wait.outcome, waitedSeconds: wait.waitedSeconds });
    if (wait.ended && wait.outcome === 'succeeded') {
      Object.assign(result, await closedSetEvidence(ctx, setId, options.evidence, options.expected ?? [], clock));
      result.waitedSeconds = Math.round((ctx.now() - clock.startedMs) / 1000);
    }
  }
  return dropUndefined(result);
}

/** The call failed (a tool execution error, `isError`), with the structured result still attached. */
export const setOpFailed = (result: SetOpResult, purpose: WaitPurpose): boolean => isFailedOutcome(result.outcome, purpose);

const FAILED_TASKS_SHOWN = 20;

/**
 * A few lines: what was submitted, where the set stands, and what the closed set shows. `stateBefore`
 * (set actions) is said in the text only: every output schema byte is repeated in tools/list.
 */
export function renderSetOp(label: string, result: SetOpResult, stateBefore?: string): string {
  const said = result.message ? ` CES said: ${result.message}` : '';
  if (!result.setId) {
    if (result.outcome === 'no_set') return `${label} failed: CES created no set, so nothing was changed.${said}`;
    return `${label}: no set was created.${said}`;
  }
  const lines = [`${label}: set ${result.setId} submitted.${said}`];
  const id = result.setId;
  const after = result.waitedSeconds === undefined ? '' : ` after ${result.waitedSeconds} s`;
  const state = result.state ? ` (${result.state})` : '';
  switch (result.outcome) {
    case undefined:
      break;
    case 'running': {
      const unchanged = sameState(result.state, stateBefore);
      lines.push(
        unchanged
          ? `Set ${id} still shows ${result.state}, its state before the action,${after}; CES may not have acted yet. Check it with ispw_get_set; do not repeat the call.`
          : `Set ${id} is still ${result.state ?? 'running'}${after}; CES carries on. Check it later with ispw_get_set; do not repeat the call.`,
      );
      break;
    }
    case 'waiting_approval':
      lines.push(
        `Set ${id} is waiting for approval${state}${after}: an approver must approve it (ispw_set_action with action approve and approver) before it goes on.`,
      );
      break;
    case 'succeeded':
      lines.push(`Set ${id} succeeded${state}${after}.`);
      break;
    case 'partially_failed':
    case 'failed':
      lines.push(`Set ${id} ${result.outcome === 'failed' ? 'FAILED' : 'PARTIALLY FAILED'}${state}${after}.`);
      break;
    case 'terminated':
      lines.push(`Set ${id} was terminated${state}${after}.`);
      break;
    default:
      lines.push(`Set ${id} ended${state ? ` ${result.state}` : ''} (${result.outcome})${after}.`);
  }
  if (result.evidence) lines.push(result.evidence);
  for (const task of result.failedTasks?.slice(0, FAILED_TASKS_SHOWN) ?? []) {
    lines.push(`- ${[task.moduleName, task.moduleType, task.taskId && `task ${task.taskId}`].filter(Boolean).join(' ')}: ${task.reason}`);
  }
  if ((result.failedTasks?.length ?? 0) > FAILED_TASKS_SHOWN) lines.push(`- … ${result.failedTasks!.length - FAILED_TASKS_SHOWN} more in failedTasks`);
  if (result.outcome === 'failed' || result.outcome === 'partially_failed' || result.outcome === 'terminated') {
    lines.push('Inspect the set and its tasks with ispw_get_set.');
  }
  return lines.join('\n');
}
