// How sets and deployment requests progress over time, and what a finished set does to the estate.
// Nothing runs on timers: `settleEstate` replays every transition that is due at `now()` with the
// exact time it became due, so results are deterministic under an injected clock (docs/ces-api.md §4).
// Set: Dispatched → [Waiting-Approval →] Executing → Closed | Failed, each step `stepMs` long.
// Deployment: Pending → Implemented → Completed | Failed (docs/ces-api.md §3.7, §4.2).
import type { CesSet, Deployment, Estate, Task } from './estate.js';
import { RUNNING_SET_STATES } from './estate.js';

/**
 * Applies every transition due by `now()`; only due entries are looked at. A set action that takes
 * effect later (SetRealism.actionLagMs) is applied at its own time, after what was due before it.
 */
export function settleEstate(estate: Estate): void {
  const now = estate.now();
  while (estate.pendingEffects.length > 0 && estate.pendingEffects[0]!.due <= now) {
    const effect = estate.pendingEffects.shift()!;
    settleUntil(estate, effect.due);
    effect.apply(effect.due);
  }
  settleUntil(estate, now);
}

function settleUntil(estate: Estate, now: number): void {
  for (let entry = estate.dueSets.popDue(now); entry; entry = estate.dueSets.popDue(now)) {
    const set = estate.sets.get(entry.id);
    // Skip stale entries: the set was deleted, or moved on (held, approved, ...) since.
    if (!set || !RUNNING_SET_STATES.has(set.state) || set.since + estate.stepOf(set) !== entry.due) continue;
    advanceSet(estate, set, now);
  }
  for (let entry = estate.dueDeployments.popDue(now); entry; entry = estate.dueDeployments.popDue(now)) {
    const deployment = estate.deployments.get(entry.id);
    if (!deployment || !deployment.progressing || deployment.since + estate.realism.deploymentStepMs !== entry.due) continue;
    advanceDeployment(estate, deployment, now);
  }
}

/** Moves a set to `state` at time `at` and schedules its next step. */
export function enterState(estate: Estate, set: CesSet, state: string, at: number): void {
  set.state = state;
  set.since = at;
  estate.track(set);
}

function advanceSet(estate: Estate, set: CesSet, now: number): void {
  for (;;) {
    const due = set.since + estate.stepOf(set);
    if (now < due) return;
    switch (set.state) {
      case 'Released':
        // A released hold resumes from the start; approval is asked again if still needed.
        enterState(estate, set, 'Dispatched', due);
        break;
      case 'Dispatched':
        if (set.needsApproval && !set.approved) {
          enterState(estate, set, 'Waiting-Approval', due);
          return;
        }
        if (estate.realism.waitForLock && !set.lockWaited) {
          // Another set holds a lock on the tasks for a while: running, not finished (errata E1).
          set.lockWaited = true;
          enterState(estate, set, 'Waiting-Lock', due);
          break;
        }
        startExecuting(estate, set, due);
        break;
      case 'Waiting-Lock':
        startExecuting(estate, set, due);
        break;
      case 'Executing':
        completeSet(estate, set, due);
        return;
      default:
        return; // stable states only change through set actions (§6)
    }
  }
}

/** Executing begins: a deploy set creates its deployment request now (visible while it runs). */
export function startExecuting(estate: Estate, set: CesSet, at: number): void {
  enterState(estate, set, 'Executing', at);
  if (set.kind !== 'deploy' || set.deploymentIds.length > 0) return;
  const level = estate.level(set.level);
  const tasks = tasksOfSet(estate, set);
  const requestId = estate.newRequestId();
  const deployment: Deployment = {
    requestId,
    setId: set.setId,
    environment: level?.environment ?? set.level,
    level: set.level,
    status: 'Pending',
    since: at,
    createdAt: at,
    description: `Deploy ${set.containerId} ${set.level}`,
    taskIds: tasks.map((t) => t.taskId),
    failing: tasks.some((t) => t.failDeploy === true),
    progressing: true,
  };
  estate.deployments.set(requestId, deployment);
  estate.trackDeployment(deployment);
  set.deploymentIds.push(requestId);
}

function advanceDeployment(estate: Estate, deployment: Deployment, now: number): void {
  while (deployment.progressing) {
    const due = deployment.since + estate.realism.deploymentStepMs;
    if (now < due) {
      estate.trackDeployment(deployment);
      return;
    }
    if (deployment.status === 'Pending') {
      deployment.status = deployment.failing ? 'Failed' : 'Implemented';
      deployment.progressing = !deployment.failing;
    } else if (deployment.status === 'Implemented') {
      deployment.status = 'Completed';
      deployment.progressing = false;
    } else {
      deployment.progressing = false;
    }
    deployment.since = due;
  }
}

export function tasksOfSet(estate: Estate, set: CesSet): Task[] {
  const tasks: Task[] = [];
  for (const id of set.taskIds) {
    const task = estate.tasks.get(id);
    if (task) tasks.push(task);
  }
  return tasks;
}

/** The set finished executing: apply its effect to the estate and pick Closed or Failed. */
function completeSet(estate: Estate, set: CesSet, at: number): void {
  const tasks = tasksOfSet(estate, set);
  let failed = false;
  const touch = (task: Task, operation: string): void => {
    task.operation = operation;
    task.set = set.setId;
    task.dateTime = at;
  };
  switch (set.kind) {
    case 'generate':
    case 'generateWithParms':
    case 'build':
      for (const task of tasks) {
        task.lastGenerateFailed = task.failGenerate === true;
        if (task.lastGenerateFailed) failed = true;
        else touch(task, set.kind === 'generateWithParms' ? 'GP' : 'G');
      }
      break;
    case 'promote':
      for (const task of tasks) {
        if (task.level !== set.level || !set.targetLevel) continue;
        task.history.push(task.level);
        task.level = set.targetLevel;
        touch(task, 'P');
      }
      break;
    case 'regress':
      for (const task of tasks) {
        if (task.level !== set.level) continue;
        const back = task.history.pop() ?? set.targetLevel;
        if (back) task.level = back;
        touch(task, 'X');
      }
      break;
    case 'deploy':
      failed = tasks.some((t) => t.failDeploy === true);
      if (!failed) for (const task of tasks) touch(task, 'I');
      break;
    case 'fallback':
      for (const task of tasks) touch(task, 'F');
      reverseDeployments(estate, set, tasks);
      break;
    case 'addTask':
      addPendingTask(estate, set, at);
      break;
  }
  // Real CES may close a set whose tasks failed (errata E2): then only its tasks and deployments tell.
  const setFails = failed && !estate.realism.closeWithFailures;
  enterState(estate, set, setFails ? 'Failed' : 'Closed', at);
  set.message = setFails ? `${capitalize(set.kind)} failed` : `${capitalize(set.kind)} completed`;
  if (!failed && set.options.autoDeploy && (set.kind === 'promote' || set.kind === 'generate')) {
    autoDeploy(estate, set, tasks, at);
  }
}

/** Fallback backs out deployed code: requests of those tasks at that level end Terminated. */
function reverseDeployments(estate: Estate, set: CesSet, tasks: Task[]): void {
  const ids = new Set(tasks.map((t) => t.taskId));
  const source = set.fallbackOf ? estate.sets.get(set.fallbackOf) : undefined;
  for (const deployment of estate.deployments.values()) {
    const hit = source ? source.deploymentIds.includes(deployment.requestId) : deployment.level === set.level && deployment.taskIds.some((id) => ids.has(id));
    if (hit && (deployment.status === 'Completed' || deployment.status === 'Implemented')) {
      deployment.status = 'Terminated';
      deployment.progressing = false;
    }
  }
}

function addPendingTask(estate: Estate, set: CesSet, at: number): void {
  const pending = set.pendingTask;
  if (!pending) return;
  const previous = [...estate.tasks.values()].filter((t) => t.moduleName === pending.moduleName && t.moduleType === pending.moduleType);
  const version = previous.reduce((max, t) => Math.max(max, t.version), 0) + (pending.checkout ? 1 : 0);
  const taskId = estate.newTaskId();
  estate.tasks.set(taskId, {
    taskId,
    moduleName: pending.moduleName,
    moduleType: pending.moduleType,
    application: set.application,
    subAppl: pending.subAppl,
    stream: set.stream,
    level: pending.level,
    history: [],
    userId: pending.owner,
    status: 'Active',
    operation: pending.checkout ? 'C' : 'TL',
    version: Math.max(version, 1),
    container: set.containerId,
    release: pending.releaseId,
    set: set.setId,
    dateTime: at,
    startingLevel: pending.level,
    program: pending.moduleType === 'COB',
  });
  set.taskIds.push(taskId);
}

/** `autoDeploy` (§2.7): a deploy set follows a successful generate/promote at the new level. */
function autoDeploy(estate: Estate, set: CesSet, tasks: Task[], at: number): void {
  const level = set.kind === 'promote' ? (set.targetLevel ?? set.level) : set.level;
  const setId = estate.newSetId();
  const deploy: CesSet = {
    ...set,
    setId,
    kind: 'deploy',
    level,
    targetLevel: undefined,
    taskIds: tasks.map((t) => t.taskId),
    description: `Deploy ${set.containerId} ${level}`,
    options: { ...set.options, autoDeploy: false },
    createdAt: at,
    state: 'Dispatched',
    since: at,
    needsApproval: estate.level(level)?.approval === true,
    approved: false,
    approver: undefined,
    deploymentIds: [],
    message: undefined,
  };
  estate.sets.set(setId, deploy);
  estate.track(deploy);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
