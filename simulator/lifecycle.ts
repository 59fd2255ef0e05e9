// Starting lifecycle work: which tasks an operation applies to (level / mname / mtype / taskId
// filters, docs/ces-api.md §2.1–2.2) and creating the set that carries it out (§4.1). Promotes into a
// level and deploys at a level that requires approval wait in `Waiting-Approval` (§4.2, §6).
import type { CesSet, Estate, PendingTask, SetKind, SetOptions, Task } from './estate.js';
import { HttpError } from './http.js';
import type { RouteContext } from './router.js';

export interface TaskFilter {
  level?: string;
  mname?: string;
  mtype?: string;
  taskIds?: string[];
}

/** Case-insensitive match with `*` wildcards (docs/ces-api.md §2.5: trailing `*`, tolerated anywhere). */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern.toUpperCase() === value.toUpperCase();
  const re = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`, 'i').test(value);
}

export function filterTasks(tasks: Task[], filter: TaskFilter): Task[] {
  const ids = filter.taskIds && filter.taskIds.length > 0 ? new Set(filter.taskIds.map((t) => t.toUpperCase())) : undefined;
  return tasks.filter(
    (t) =>
      (!ids || ids.has(t.taskId)) &&
      (!filter.level || t.level === filter.level.toUpperCase()) &&
      (!filter.mname || wildcardMatch(filter.mname, t.moduleName)) &&
      (!filter.mtype || wildcardMatch(filter.mtype, t.moduleType)),
  );
}

/** A `level` that must exist in the lifecycle (400 otherwise). */
export function knownLevel(estate: Estate, level: string): string {
  const def = estate.level(level);
  if (!def) throw new HttpError(400, `Level '${level}' is not defined in the lifecycle`);
  return def.name;
}

export interface NewSet {
  kind: SetKind;
  containerType: 'A' | 'R';
  containerId: string;
  level: string;
  targetLevel?: string;
  tasks: Task[];
  options: SetOptions;
  description: string;
  setId?: string;
  pendingTask?: PendingTask;
  fallbackOf?: string;
  owner?: string;
}

export function createSet(estate: Estate, init: NewSet): CesSet {
  const now = estate.now();
  const first = init.tasks[0];
  const container = init.containerType === 'A' ? estate.assignments.get(init.containerId) : estate.releases.get(init.containerId);
  const approvalLevel = init.kind === 'promote' ? init.targetLevel : init.kind === 'deploy' ? init.level : undefined;
  const setId = init.setId ?? estate.newSetId();
  estate.reservedSetIds.delete(setId);
  const set: CesSet = {
    setId,
    kind: init.kind,
    containerId: init.containerId,
    containerType: init.containerType,
    level: init.level,
    targetLevel: init.targetLevel,
    taskIds: init.tasks.map((t) => t.taskId),
    owner: init.owner ?? container?.owner ?? first?.userId ?? 'USER01',
    description: init.description,
    stream: first?.stream ?? container?.stream ?? 'PLAY',
    application: first?.application ?? container?.application ?? 'PLAY',
    subAppl: first?.subAppl ?? container?.subAppl ?? '',
    options: init.options,
    createdAt: now,
    // executionStatus H creates the request on hold (§2.7); `release` starts it.
    state: init.options.executionStatus === 'H' ? 'Held' : 'Dispatched',
    since: now,
    needsApproval: approvalLevel !== undefined && estate.level(approvalLevel)?.approval === true,
    approved: false,
    deploymentIds: [],
    pendingTask: init.pendingTask,
    fallbackOf: init.fallbackOf,
  };
  const stepMs = estate.newSetStepMs();
  if (stepMs !== undefined) set.stepMs = stepMs;
  estate.sets.set(setId, set);
  estate.track(set);
  if (init.options.events?.length) {
    estate.watchedSets.add(setId);
    estate.callbacksOf.set(setId, init.options.events);
  }
  return set;
}

const VERBS: Record<string, string> = {
  generate: 'Generate',
  promote: 'Promote',
  deploy: 'Deploy',
  regress: 'Regress',
  fallback: 'Fallback',
  build: 'Build',
};

export type LifecycleAction = 'generate' | 'promote' | 'deploy' | 'regress' | 'fallback' | 'build';

export interface Planned {
  tasks: Task[];
  targetLevel?: string;
}

/** Tasks of the selection an action can act on at `level`, and where they go. */
export function planAction(estate: Estate, action: LifecycleAction, level: string, selected: Task[]): Planned {
  const atLevel = selected.filter((t) => t.level === level);
  if (action === 'promote') {
    const next = estate.level(level)?.next;
    return { tasks: next ? atLevel : [], targetLevel: next };
  }
  if (action === 'regress') {
    const previous = estate.previousLevel(level);
    return { tasks: atLevel.filter((t) => t.history.length > 0 || previous !== undefined), targetLevel: previous };
  }
  return { tasks: atLevel };
}

/**
 * Runs a lifecycle action on the chosen tasks: a set and a SetOp reply (§3.1), or — when nothing
 * qualifies — a 2xx reply carrying only `message` with "must contain tasks" (§3.1, §5).
 */
export function startLifecycle(
  ctx: RouteContext,
  action: LifecycleAction,
  container: { type: 'A' | 'R'; id: string },
  level: string,
  selected: Task[],
  options: SetOptions,
): { set?: CesSet; reply: Record<string, unknown> } {
  const plan = planAction(ctx.estate, action, level, selected);
  const noun = container.type === 'A' ? 'Assignment' : 'Release';
  if (plan.tasks.length === 0) {
    const why = action === 'promote' && !plan.targetLevel ? ` (${level} is the top of the lifecycle)` : '';
    return {
      reply: { message: `${noun} ${container.id} must contain tasks at level ${level} eligible for ${action}${why}` },
    };
  }
  const kind: SetKind = action;
  const to = plan.targetLevel ? ` to ${plan.targetLevel}` : '';
  const set = createSet(ctx.estate, {
    kind,
    containerType: container.type,
    containerId: container.id,
    level,
    targetLevel: plan.targetLevel,
    tasks: plan.tasks,
    options,
    description: `${VERBS[action]} ${container.id} ${level}${action === 'promote' || action === 'regress' ? to : ''}`,
  });
  return { set, reply: setOpReply(ctx, set, `${VERBS[action]} request submitted`) };
}

export function setOpReply(ctx: RouteContext, set: CesSet, message: string): Record<string, unknown> {
  return { setId: set.setId, message, url: `${ctx.ispwUrl}/sets/${set.setId}` };
}
