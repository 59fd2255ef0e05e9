// A closed set is not proof of success (docs/ces-api.md errata E2, docs/ces-fidelity.md item 2).
// After a generate/build set closes, its tasks say which were generated: BMC's Jenkins build step
// counts tasks of the closed set whose operation starts with G as generated and fails the job for
// tasks it asked for that are missing. After a deploy set closes, its deployment requests say whether
// the code reached the environments (BMC's PowerShell example reads them); a request still under way
// is followed for the rest of the wait budget.
import type { DeploymentInfo, TaskInfo } from '../../ces/dto/index.js';
import { CesError } from '../../ces/errors.js';
import { ops } from '../../ces/operations.js';
import type { ToolContext } from '../../mcp/kit/context.js';
import type { DeploymentRow, FailedTask, SetOutcome } from '../../mcp/kit/set-outcome.js';
import type { WaitClock } from '../../mcp/kit/wait-for-set.js';
import { clean, dropUndefined } from './fields.js';

/** What to check once the set has closed. `deploy-if-any`: a set action's set, of unknown kind. */
export type EvidenceKind = 'generate' | 'deploy' | 'deploy-if-any' | 'none';

/** A task the call asked for, by id (task_ids, or the tasks a build reply listed). */
export interface ExpectedTask {
  taskId?: string | undefined;
  moduleName?: string | undefined;
  moduleType?: string | undefined;
}

export interface SetEvidence {
  outcome: SetOutcome;
  failedTasks?: FailedTask[];
  deployments?: DeploymentRow[];
  /** Why the outcome is what it is, when the set's own state does not say it. */
  evidence?: string;
}

export async function closedSetEvidence(
  ctx: ToolContext,
  setId: string,
  kind: EvidenceKind,
  expected: readonly ExpectedTask[],
  clock: WaitClock,
): Promise<SetEvidence> {
  try {
    if (kind === 'generate') return await generateEvidence(ctx, setId, expected);
    if (kind === 'deploy' || kind === 'deploy-if-any') return await deploymentEvidence(ctx, setId, kind === 'deploy', clock);
    return { outcome: 'succeeded' };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // The change happened; only our reading of its result failed. Say so rather than guess.
    const why = error instanceof CesError ? error.message : 'an unexpected error';
    return { outcome: 'unverified', evidence: `The set closed, but its result could not be read: ${why}` };
  }
}

const isGenerated = (task: TaskInfo) => (task.operation ?? '').trim().toUpperCase().startsWith('G');

async function generateEvidence(ctx: ToolContext, setId: string, expected: readonly ExpectedTask[]): Promise<SetEvidence> {
  const { tasks } = await ctx.ces.call(ops.listSetTasks, { path: { setId } });
  const failedTasks: FailedTask[] = [];
  for (const task of tasks) {
    if (!isGenerated(task)) {
      const operation = clean(task.operation);
      failedTasks.push({ ...identify(task), reason: `not generated: the closed set shows operation ${operation ?? 'none'}` });
    }
  }
  const inSet = new Set(tasks.map((t) => clean(t.taskId)).filter(Boolean));
  const byName = new Set(tasks.map((t) => `${clean(t.moduleName)}/${clean(t.moduleType)}`));
  for (const want of expected) {
    const present = want.taskId ? inSet.has(want.taskId) : byName.has(`${want.moduleName}/${want.moduleType}`);
    if (!present) failedTasks.push({ ...dropUndefined(want), reason: 'not generated: missing from the closed set' });
  }
  const generated = tasks.filter(isGenerated).length;
  if (failedTasks.length === 0) {
    if (tasks.length > 0) return { outcome: 'succeeded', evidence: `${tasks.length} task(s) of the closed set were generated.` };
    return { outcome: 'unverified', evidence: 'The set closed, but CES lists no tasks in it.' };
  }
  return {
    outcome: generated > 0 ? 'partially_failed' : 'failed',
    failedTasks,
    evidence: `The set closed, but ${failedTasks.length} task(s) were not generated (${generated} were).`,
  };
}

// Deployment request statuses (docs/ces-api.md §4.2): Planned, Confirmed, Staged, Implemented and
// Pending are under way; CES spells them in either case (errata E10).
const DEPLOYED = new Set(['completed', 'complete']);
const NOT_DEPLOYED = new Set(['failed', 'terminated', 'deploy-failed']);

async function deploymentEvidence(ctx: ToolContext, setId: string, required: boolean, clock: WaitClock): Promise<SetEvidence> {
  for (;;) {
    const reply = await ctx.ces.call(ops.getSetDeployment, { path: { setId } });
    const deployments = reply.deployments.map(toDeploymentRow);
    if (deployments.length === 0) {
      if (!required) return { outcome: 'succeeded' };
      return { outcome: 'unverified', evidence: 'The deploy set closed, but CES lists no deployment request for it.' };
    }
    const status = (d: DeploymentRow) => (d.status ?? '').toLowerCase();
    const failed = deployments.filter((d) => NOT_DEPLOYED.has(status(d)));
    const pending = deployments.filter((d) => !DEPLOYED.has(status(d)) && !NOT_DEPLOYED.has(status(d)));
    if (pending.length === 0 || ctx.now() - clock.startedMs + ctx.wait.pollIntervalMs > clock.budgetMs) {
      return summarise(deployments, failed.length, pending.length);
    }
    await ctx.progress({
      progress: Math.round((ctx.now() - clock.startedMs) / 1000),
      total: Math.round(clock.budgetMs / 1000),
      message: `Set ${setId}: Closed; deployment ${pending.map((d) => `${d.requestId ?? '?'} ${d.status ?? 'unknown'}`).join(', ')}`,
    });
    await ctx.sleep(ctx.wait.pollIntervalMs);
  }
}

function summarise(deployments: DeploymentRow[], failed: number, pending: number): SetEvidence {
  const list = deployments.map((d) => `request ${d.requestId ?? '?'} (${d.environment ?? 'environment unknown'}) ${d.status ?? 'status unknown'}`).join('; ');
  if (failed > 0) {
    const someDeployed = deployments.length - failed - pending > 0;
    return { outcome: someDeployed ? 'partially_failed' : 'failed', deployments, evidence: `The set closed, but its deployment failed: ${list}.` };
  }
  if (pending > 0) return { outcome: 'deployment_pending', deployments, evidence: `The set closed; its deployment is not finished: ${list}.` };
  return { outcome: 'succeeded', deployments, evidence: `Deployed: ${list}.` };
}

const toDeploymentRow = (d: DeploymentInfo): DeploymentRow =>
  dropUndefined({ requestId: clean(d.requestId), environment: clean(d.environment), status: clean(d.status) });

const identify = (task: TaskInfo): ExpectedTask =>
  dropUndefined({ taskId: clean(task.taskId), moduleName: clean(task.moduleName), moduleType: clean(task.moduleType) });
