// Lifecycle operations on containers (docs/ces-api.md §2.1, §2.2): `tasks/{generate|promote|deploy|
// regress|fallback}` with `level` + optional `mname`/`mtype`, the `taskIds/*` variants with a
// repeated `taskId`, `taskIds/generate-await`, and `tasks/build` (assignment and release).
import type { Task } from '../estate.js';
import { HttpError } from '../http.js';
import type { Reply } from '../http.js';
import { createSet, filterTasks, knownLevel, setOpReply, startLifecycle } from '../lifecycle.js';
import type { LifecycleAction } from '../lifecycle.js';
import type { Router, RouteContext } from '../router.js';
import { awaitReply } from '../set-await.js';
import { parseSetOptions } from '../set-options.js';
import { taskView } from '../views.js';
import { findAssignment, findRelease, posted, requireOpen } from './common.js';

const ACTIONS = 'generate|promote|deploy|regress|fallback';

export function lifecycleRoutes(router: Router): void {
  router.post(`/assignments/:assignmentId/tasks/:action(${ACTIONS})`, (ctx) => containerAction(ctx, 'A'));
  router.post(`/releases/:releaseId/tasks/:action(${ACTIONS})`, (ctx) => containerAction(ctx, 'R'));
  router.post('/assignments/:assignmentId/taskIds/:action(generate|deploy)', taskIdsAction);
  router.post('/assignments/:assignmentId/taskIds/generate-await', generateAwait);
  router.post('/assignments/:assignmentId/tasks/build', (ctx) => containerBuild(ctx, 'A'));
  router.post('/releases/:releaseId/tasks/build', (ctx) => containerBuild(ctx, 'R'));
}

function container(ctx: RouteContext, type: 'A' | 'R'): { type: 'A' | 'R'; id: string; tasks: Task[] } {
  const c = type === 'A' ? findAssignment(ctx) : findRelease(ctx);
  const id = 'assignmentId' in c ? c.assignmentId : c.releaseId;
  requireOpen(c, type === 'A' ? 'Assignment' : 'Release', id);
  return { type, id, tasks: ctx.estate.tasksOf(type, id) };
}

/** Lifecycle on all tasks of a container at `level` (400 without it), filtered by mname/mtype. */
function containerAction(ctx: RouteContext, type: 'A' | 'R'): Reply {
  const c = container(ctx, type);
  const level = knownLevel(ctx.estate, ctx.query.required('level'));
  const options = parseSetOptions(ctx.body);
  const selected = filterTasks(c.tasks, { mname: ctx.query.get('mname'), mtype: ctx.query.get('mtype') });
  const { reply } = startLifecycle(ctx, ctx.params.action as LifecycleAction, c, level, selected, options);
  return posted(ctx, reply);
}

/** The given task ids (each must belong to the assignment: 404 otherwise). */
function namedTasks(ctx: RouteContext, tasks: Task[], containerId: string): Task[] {
  const ids = ctx.query.all('taskId');
  if (ids.length === 0) throw new HttpError(400, `Missing required query parameter 'taskId'`);
  return ids.map((id) => {
    const task = tasks.find((t) => t.taskId === id.toUpperCase());
    if (!task) throw new HttpError(404, `Task ${id} not found in ${containerId}`);
    return task;
  });
}

function taskIdsAction(ctx: RouteContext): Reply {
  const c = container(ctx, 'A');
  const selected = namedTasks(ctx, c.tasks, c.id);
  const level = knownLevel(ctx.estate, ctx.query.required('level'));
  const options = parseSetOptions(ctx.body);
  const { reply } = startLifecycle(ctx, ctx.params.action as LifecycleAction, c, level, selected, options);
  return posted(ctx, reply);
}

async function generateAwait(ctx: RouteContext): Promise<Reply> {
  const c = container(ctx, 'A');
  const selected = namedTasks(ctx, c.tasks, c.id);
  const level = knownLevel(ctx.estate, ctx.query.required('level'));
  const options = parseSetOptions(ctx.body);
  const { set, reply } = startLifecycle(ctx, 'generate', c, level, selected, options);
  if (!set) return posted(ctx, reply);
  return posted(ctx, await awaitReply(ctx, set, 'Generate'));
}

/**
 * Build = generate of the selected tasks plus the programs a selected copybook impacts (same
 * container and level). Reply: Build (§3.10) with the tasks that will be built.
 */
export function impactedTasks(selected: Task[], candidates: Task[]): Task[] {
  const chosen = new Map(selected.map((t) => [t.taskId, t]));
  if (selected.some((t) => t.moduleType === 'COPY')) {
    const levels = new Set(selected.filter((t) => t.moduleType === 'COPY').map((t) => t.level));
    for (const t of candidates) if (t.program && levels.has(t.level)) chosen.set(t.taskId, t);
  }
  return [...chosen.values()];
}

function containerBuild(ctx: RouteContext, type: 'A' | 'R'): Reply {
  const c = container(ctx, type);
  const level = knownLevel(ctx.estate, ctx.query.required('level'));
  // §2.2 BuildRelease: `assignmentId` names the assignment that receives impacted tasks.
  let assignmentId = c.id;
  if (type === 'R') {
    assignmentId = ctx.query.required('assignmentId').toUpperCase();
    if (!ctx.estate.assignments.has(assignmentId)) throw new HttpError(404, `Assignment ${assignmentId} not found`);
  }
  const options = parseSetOptions(ctx.body);
  const atLevel = c.tasks.filter((t) => t.level === level);
  const selected = filterTasks(atLevel, { mname: ctx.query.get('mname'), mtype: ctx.query.get('mtype') });
  const tasks = impactedTasks(selected, atLevel);
  if (tasks.length === 0) {
    const noun = type === 'A' ? 'Assignment' : 'Release';
    return posted(ctx, { message: `${noun} ${c.id} must contain tasks at level ${level} eligible for build` });
  }
  return posted(ctx, buildReply(ctx, { type, id: c.id }, assignmentId, level, tasks, options));
}

export function buildReply(
  ctx: RouteContext,
  container: { type: 'A' | 'R'; id: string },
  assignmentId: string,
  level: string,
  tasks: Task[],
  options: ReturnType<typeof parseSetOptions>,
): Record<string, unknown> {
  const set = createSet(ctx.estate, {
    kind: 'build',
    containerType: container.type,
    containerId: container.id,
    level,
    tasks,
    options,
    description: `Build ${container.id} ${level}`,
  });
  return {
    ...setOpReply(ctx, set, 'Build request submitted'),
    assignmentId,
    tasks: tasks.map((t) => taskView(t, ctx.estate)),
  };
}
