// Finishing a set-creating call: report the set id at once, or wait for the set with progress
// (docs/architecture.md: long operations return the set id at once). A reply without `setId` is CES saying nothing qualified
// (docs/ces-api.md §3.1): a normal result that carries CES's message, not an error.
import type { ToolContext } from '../../mcp/kit/context.js';
import { waitForSet, type SetWait } from '../../mcp/kit/wait-for-set.js';
import { clean } from './fields.js';

export interface SetOpResult {
  setId?: string;
  message?: string;
  state?: string;
  outcome?: SetWait['outcome'];
  waitedSeconds?: number;
}

export async function finishSetOp(ctx: ToolContext, reply: { setId?: string; message?: string }, waitSeconds: number | undefined): Promise<SetOpResult> {
  const setId = clean(reply.setId);
  const result: SetOpResult = { setId, message: clean(reply.message) };
  if (setId && waitSeconds && waitSeconds > 0) {
    const wait = await waitForSet(ctx, setId, waitSeconds);
    Object.assign(result, { state: wait.state, outcome: wait.outcome, waitedSeconds: wait.waitedSeconds });
  }
  return dropUndefined(result);
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Two or three lines: what was submitted, and where the set stands. */
export function renderSetOp(label: string, result: SetOpResult): string {
  if (!result.setId) return `${label}: no set was created.${result.message ? ` CES said: ${result.message}` : ''}`;
  const lines = [`${label}: set ${result.setId} submitted.${result.message ? ` CES said: ${result.message}` : ''}`];
  const after = result.waitedSeconds === undefined ? '' : ` after ${result.waitedSeconds} s`;
  if (result.outcome === 'running') {
    lines.push(`Set ${result.setId} is still ${result.state ?? 'running'}${after}; check it later with ispw_get_set.`);
  } else if (result.outcome) {
    lines.push(`Set ${result.setId} ${result.state ? `ended ${result.state} (${result.outcome})` : result.outcome}${after}.`);
    if (result.outcome === 'failed') lines.push('Inspect the set and its tasks with ispw_get_set.');
  }
  return lines.join('\n');
}
