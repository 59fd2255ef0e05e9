// Routing of the lifecycle tools (generate, build, promote, deploy, regress, fallback) to the CES
// operation that exists for the chosen container and selection (docs/ces-api.md §2.1–2.4). Combinations
// CES has no endpoint for are refused with a hint instead of being approximated.
import { z } from 'zod';

import type { AwaitResult, BuildOp, SetOp } from '../../ces/dto/index.js';
import { ops, type LifecycleAction, type Operation } from '../../ces/operations.js';
import { toSetOptionsBody, type SetOptionsInput } from '../../ces/set-options.js';
import type { ChangeSubject } from '../../mcp/kit/access.js';
import type { ToolContext } from '../../mcp/kit/context.js';
import type { ToolOutcome } from '../../mcp/kit/define-tool.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import type { WaitPurpose } from '../../mcp/kit/set-outcome.js';
import { CesError } from '../../ces/errors.js';
import { containerTypeParam, levelParam, moduleNameParam, moduleTypeParam, requiredMessage, taskIdsParam, waitSecondsParam } from '../../mcp/kit/params.js';
import { cap, clean, setOpOutput, taskRow, toTaskRow, type TaskRow } from './fields.js';
import type { EvidenceKind, ExpectedTask } from './set-evidence.js';
import { dropUndefined, finishSetOp, renderSetOp, setOpFailed, structuredOf, type SetOpResult } from './set-op.js';
import { table } from './render.js';

export type LifecycleVerb = LifecycleAction | 'build';
type ContainerType = z.output<typeof containerTypeParam>;

export const containerIdParam = z
  .string({ error: requiredMessage('the assignment, release or set id, e.g. PLAY000313') })
  .regex(/^[A-Za-z0-9@#$]{1,16}$/, 'container_id must look like PLAY000313 or S000238588');

/** Arguments every lifecycle tool takes. `task_ids` is declared on all of them so that an
 * unsupported selection is refused rather than silently stripped (which would widen the action). */
export const lifecycleInput = {
  container_type: containerTypeParam,
  container_id: containerIdParam,
  level: levelParam,
  task_ids: taskIdsParam.optional(),
  module_name: moduleNameParam.optional(),
  module_type: moduleTypeParam.optional(),
  wait_seconds: waitSecondsParam,
};

export const awaitParam = z.boolean().optional();

export const lifecycleOutput = {
  containerType: z.string(),
  containerId: z.string(),
  level: z.string(),
  ...setOpOutput,
};

export const awaitOutput = {
  succeededCount: z.number().optional(),
  failedCount: z.number().optional(),
  statusMessages: z.array(z.string()).optional(),
};

export const buildOutput = {
  tasks: z.array(taskRow).optional(),
  truncated: z.boolean().optional(),
};

export interface LifecycleArgs extends SetOptionsInput {
  container_type: ContainerType;
  container_id: string;
  level: string;
  task_ids?: string[] | undefined;
  module_name?: string | undefined;
  module_type?: string | undefined;
  wait_seconds?: number | undefined;
  /** build: the assignment that receives a release's impacted tasks. */
  assignment_id?: string | undefined;
  await_in_ces?: boolean | undefined;
}

export type LifecycleResult = {
  containerType: ContainerType;
  containerId: string;
  level: string;
  tasks?: TaskRow[];
  truncated?: boolean;
  succeededCount?: number;
  failedCount?: number;
  statusMessages?: string[];
} & SetOpResult;

type Reply = SetOp | BuildOp | AwaitResult;
interface Route {
  op: Operation<Reply>;
  path: Record<string, string>;
  query: Record<string, string | readonly string[] | undefined>;
  awaited?: boolean;
}

const ASSIGNMENT_OPS: Record<LifecycleVerb, Operation<Reply>> = {
  generate: ops.generateAssignment,
  promote: ops.promoteAssignment,
  deploy: ops.deployAssignment,
  regress: ops.regressAssignment,
  fallback: ops.fallbackAssignment,
  build: ops.buildAssignment,
};
const RELEASE_OPS: Record<LifecycleVerb, Operation<Reply>> = {
  generate: ops.generateRelease,
  promote: ops.promoteRelease,
  deploy: ops.deployRelease,
  regress: ops.regressRelease,
  fallback: ops.fallbackRelease,
  build: ops.buildRelease,
};
// docs/ces-api.md §2.1: only generate and deploy have `taskIds/…` endpoints; build by task id is §2.4.
const TASK_ID_OPS: Partial<Record<LifecycleVerb, Operation<Reply>>> = {
  generate: ops.generateTasks,
  deploy: ops.deployTasks,
};

const SELECT_HINT = 'Select tasks with module_name/module_type instead, or act on the whole level.';

export function routeLifecycle(verb: LifecycleVerb, args: LifecycleArgs): Route {
  const byModule = args.module_name !== undefined || args.module_type !== undefined;
  const taskIds = args.task_ids?.length ? args.task_ids : undefined;
  if (taskIds && byModule) {
    throw new ToolInputError('Give either task_ids or module_name/module_type, not both.');
  }
  const filter = { level: args.level, mname: args.module_name, mtype: args.module_type };

  if (args.container_type === 'set') {
    if (verb !== 'fallback') {
      throw new ToolInputError(`CES cannot ${verb} a set.`, 'Use container_type assignment or release.');
    }
    if (taskIds || byModule) {
      throw new ToolInputError('A set falls back as a whole.', 'Drop task_ids/module_name/module_type, or fall back the assignment.');
    }
    return { op: ops.fallbackSet, path: { setId: args.container_id }, query: {} };
  }

  if (args.await_in_ces) return routeAwait(verb, args, taskIds, byModule);

  if (args.container_type === 'release') {
    if (taskIds) throw new ToolInputError(`CES cannot ${verb} release tasks by task id.`, SELECT_HINT);
    if (verb === 'build') {
      // docs/ces-api.md §2.2 BuildRelease: impacted tasks are added to an assignment, which CES requires.
      if (!args.assignment_id) {
        throw new ToolInputError('Building a release needs assignment_id.', 'Give the assignment that receives the impacted tasks.');
      }
      return { op: ops.buildRelease, path: { releaseId: args.container_id }, query: { ...filter, assignmentId: args.assignment_id } };
    }
    return { op: RELEASE_OPS[verb], path: { releaseId: args.container_id }, query: filter };
  }

  const path = { assignmentId: args.container_id };
  if (taskIds) {
    // docs/ces-api.md §2.4: with taskId the other build filters are ignored by CES, so none are sent.
    if (verb === 'build') return { op: ops.buildTasks, path: {}, query: { taskId: taskIds, assignmentId: args.container_id } };
    const op = TASK_ID_OPS[verb];
    if (!op) throw new ToolInputError(`CES cannot ${verb} by task id.`, SELECT_HINT);
    return { op, path, query: { taskId: taskIds, level: args.level } };
  }
  return { op: ASSIGNMENT_OPS[verb], path, query: filter };
}

// docs/ces-api.md §2.1 generate-await and §2.4 build-await: the blocking variants CES offers.
function routeAwait(verb: LifecycleVerb, a: LifecycleArgs, taskIds: string[] | undefined, byModule: boolean): Route {
  const hint = 'Drop await_in_ces and use wait_seconds instead.';
  if (a.container_type !== 'assignment' || byModule || (verb !== 'build' && verb !== 'generate')) {
    throw new ToolInputError('await_in_ces works only for an assignment, by task_ids (build: or the whole level).', hint);
  }
  if (verb === 'generate') {
    if (!taskIds) throw new ToolInputError('await_in_ces for generate needs task_ids.', hint);
    return { op: ops.generateTasksAwait, path: { assignmentId: a.container_id }, query: { taskId: taskIds, level: a.level }, awaited: true };
  }
  // build-await: task ids win over assignment + level (docs/ces-api.md §2.4), so send only one form.
  const query = taskIds ? { taskId: taskIds } : { assignmentId: a.container_id, level: a.level };
  return { op: ops.buildAwait, path: {}, query, awaited: true };
}

/**
 * The change subject of a lifecycle call: the container, the level its tasks are at and which of
 * them; `levelMove` says where promote and regress take them, a deploy names its environments.
 */
export const lifecycleSubject =
  (levelMove?: 'next' | 'previous') =>
  (args: LifecycleArgs): ChangeSubject => ({
    container: { type: args.container_type, id: args.container_id },
    level: args.level,
    tasks: { ids: args.task_ids, moduleName: args.module_name, moduleType: args.module_type },
    target: { levelMove, environments: args.dpenvlst?.split(' ').filter(Boolean) },
    changeType: args.change_type,
  });

const VERB_LABEL: Record<LifecycleVerb, string> = {
  generate: 'Generate',
  build: 'Build',
  promote: 'Promote',
  deploy: 'Deploy',
  regress: 'Regress',
  fallback: 'Fallback',
};

const BUILD_TASK_CAP = 100;

// What a closed set of each verb is checked for (set-evidence.ts).
const EVIDENCE: Record<LifecycleVerb, EvidenceKind> = {
  generate: 'generate',
  build: 'generate',
  deploy: 'deploy',
  promote: 'none',
  regress: 'none',
  fallback: 'none',
};

// gh-build treats this reply (no set) as success: build found nothing to build (docs/ces-api.md §3.2).
const NOTHING_TO_BUILD = /impacted tasks not found|no impacts have been detected/i;

export async function runLifecycle(verb: LifecycleVerb, args: LifecycleArgs, ctx: ToolContext): Promise<ToolOutcome<Omit<LifecycleResult, 'evidence'>>> {
  const route = routeLifecycle(verb, args);
  const body = toSetOptionsBody(args, ctx.ces.runtimeConfig, route.op.setOptions);
  const echo = { containerType: args.container_type, containerId: args.container_id, level: args.level };
  const label = `${VERB_LABEL[verb]} of ${args.container_type} ${args.container_id} at ${args.level}`;
  const purpose: WaitPurpose = { kind: 'lifecycle', heldEnds: args.execution_status === 'H' };

  let result: LifecycleResult;
  let reply: Reply;
  if (route.awaited) {
    const awaited = await callAwaited(ctx, route, body, args.wait_seconds, VERB_LABEL[verb].toLowerCase());
    if (awaited.cutOff !== undefined) {
      result = { ...echo, outcome: 'running', waitedSeconds: awaited.cutOff };
      return { text: renderCutOff(label, verb, args, awaited.cutOff), structured: dropUndefined(result) };
    }
    reply = awaited.reply;
    result = { ...echo, ...fromAwait(reply) };
  } else {
    // A call that waits asks CES to call back when the set ends, where the site allows it.
    const callback = args.wait_seconds ? ctx.wait.callbacks?.register() : undefined;
    try {
      reply = await ctx.ces.call(route.op, { path: route.path, query: route.query, body: callback ? { ...body, events: callback.events } : body });
      const nothingToDo = verb === 'build' && !clean(reply.setId) && NOTHING_TO_BUILD.test(reply.message ?? '');
      const expected = expectedTasks(args, reply);
      const finished = await finishSetOp(ctx, reply, args.wait_seconds, { purpose, setRequired: !nothingToDo, evidence: EVIDENCE[verb], expected, callback });
      result = { ...echo, ...finished };
    } finally {
      callback?.close();
    }
  }
  if (verb === 'build' && 'tasks' in reply && Array.isArray(reply.tasks) && reply.tasks.length > 0) {
    const capped = cap((reply as BuildOp).tasks.map(toTaskRow), BUILD_TASK_CAP);
    result.tasks = capped.items;
    if (capped.truncated) result.truncated = true;
  }
  const text = [
    renderSetOp(label, result),
    result.succeededCount !== undefined && `Tasks succeeded: ${result.succeededCount}, failed: ${result.failedCount ?? 0}.`,
    ...(result.statusMessages ?? []),
    result.tasks && `Tasks to build:\n${table(result.tasks, ['taskId', 'moduleName', 'moduleType', 'level'])}`,
  ]
    .filter(Boolean)
    .join('\n');
  return { text, structured: dropUndefined(structuredOf(result)), isError: setOpFailed(result, purpose) };
}

/** The tasks the call asked for, when it names them: task ids, one module, or the build reply's list. */
function expectedTasks(args: LifecycleArgs, reply: Reply): ExpectedTask[] {
  if (args.task_ids?.length) return args.task_ids.map((taskId) => ({ taskId }));
  const built = 'tasks' in reply && Array.isArray(reply.tasks) ? (reply as BuildOp).tasks : [];
  if (built.length > 0) return built.map((t) => ({ taskId: clean(t.taskId), moduleName: clean(t.moduleName), moduleType: clean(t.moduleType) }));
  if (args.module_name && args.module_type) return [{ moduleName: args.module_name, moduleType: args.module_type }];
  return [];
}

/**
 * Calls a blocking `…-await` operation. CES answers only when generate/build has finished (errata E3),
 * so the request gets its own timeout, bounded by wait_seconds and the server's maximum and never
 * shorter than the instance's normal timeout; progress is reported while CES works. When the wait
 * ends first, the work carries on in CES: `cutOff` says after how many seconds.
 */
async function callAwaited(
  ctx: ToolContext,
  route: Route,
  body: Record<string, unknown>,
  waitSeconds: number | undefined,
  verb: string,
): Promise<{ reply: AwaitResult; cutOff?: undefined } | { reply?: undefined; cutOff: number }> {
  const budgetSeconds = Math.min(waitSeconds || ctx.wait.maxWaitSeconds, ctx.wait.maxWaitSeconds);
  const timeoutMs = Math.max(budgetSeconds * 1000, ctx.ces.timeoutMs ?? 0);
  const started = ctx.now();
  const elapsed = () => Math.round((ctx.now() - started) / 1000);
  // A real timer, not ctx.sleep: the ticks must not depend on an injected clock that may not move.
  const ticker = setInterval(() => {
    void ctx
      .progress({ progress: elapsed(), total: Math.round(timeoutMs / 1000), message: `CES is running the ${verb} and answers when it ends` })
      .catch(() => {});
  }, ctx.wait.pollIntervalMs);
  ticker.unref();
  try {
    return { reply: await ctx.ces.call(route.op, { path: route.path, query: route.query, body }, { timeoutMs }) };
  } catch (error) {
    if (error instanceof CesError && error.code === 'ces_timeout' && !ctx.signal.aborted) return { cutOff: elapsed() };
    throw error;
  } finally {
    clearInterval(ticker);
  }
}

function renderCutOff(label: string, verb: LifecycleVerb, args: LifecycleArgs, seconds: number): string {
  return [
    `${label}: CES had not answered after ${seconds} s. The ${verb} carries on in CES; its set id is not known yet.`,
    `Do not repeat the call. Find the set with ispw_list_sets (application, newest first) or ispw_list_tasks for ${args.container_id}, and follow it with ispw_get_set.`,
  ].join('\n');
}

// An await reply carries counts, or only a "timed out" message when CES stopped waiting
// while the set may still run (docs/ces-api.md §3.2, §4.1).
function fromAwait(reply: AwaitResult): SetOpResult & Partial<LifecycleResult> {
  const status = reply.awaitStatus;
  const message = clean(reply.message);
  const statusMsg = status?.statusMsg;
  const failedCount = status?.generateFailedCount ?? 0;
  const succeededCount = status?.generateSuccessCount ?? 0;
  const setId = clean(reply.setId);
  let outcome: SetOpResult['outcome'] = 'running';
  if (status) outcome = status.hasFailures || failedCount > 0 ? (succeededCount > 0 ? 'partially_failed' : 'failed') : 'succeeded';
  else if (!setId && !NOTHING_TO_BUILD.test(message ?? '')) outcome = 'no_set';
  else if (!setId) outcome = 'succeeded';
  return dropUndefined({
    setId,
    message,
    outcome,
    succeededCount: status?.generateSuccessCount,
    failedCount: status?.generateFailedCount,
    statusMessages: statusMsg === undefined ? undefined : Array.isArray(statusMsg) ? statusMsg : [statusMsg],
  } as const);
}
