// What a change will touch, read from CES before it is made (the subject comes from the tool's
// declaration, src/mcp/kit/access.ts): the container's stream and application
// (for policy rules that name them) and the tasks involved (for the confirmation preview). The same
// read at redemption gives the state digest a confirmation token is bound to, so a token cannot be
// redeemed after the state it showed has changed — for instance after it was already executed.
import type { CesTarget } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import type { TaskInfo } from '../ces/dto/index.js';
import { ops } from '../ces/operations.js';
import { readSetWithTasks } from '../ces/set-tasks.js';
import type { ChangeSubject, ContainerType } from '../mcp/kit/access.js';
import { digest } from './canonical.js';

export interface PreviewTask {
  taskId: string;
  moduleName?: string | undefined;
  moduleType?: string | undefined;
  level?: string | undefined;
  status?: string | undefined;
}

export interface ContainerFacts {
  /** The container read (for a deployment request: its set). */
  container: { type: ContainerType; id: string };
  /** The deployment request the change acts on, as CES lists it. */
  deployment?: { requestId: string; environment?: string | undefined; status?: string | undefined } | undefined;
  stream?: string | undefined;
  application?: string | undefined;
  /** The container's owner as CES records it (four eyes: the requester of a set). */
  owner?: string | undefined;
  setState?: string | undefined;
  tasks: PreviewTask[];
  /** Number of tasks involved (the list above is capped). */
  taskCount: number;
  /** Digest of the tasks' CES state (ids, levels, last operation and set, time stamps). */
  state: string;
}

const PREVIEW_TASK_CAP = 50;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function selected(tasks: readonly TaskInfo[], subject: ChangeSubject): TaskInfo[] {
  const ids = subject.tasks?.ids?.length ? new Set(subject.tasks.ids) : undefined;
  const mname = str(subject.tasks?.moduleName)?.toUpperCase();
  const mtype = str(subject.tasks?.moduleType)?.toUpperCase();
  return tasks.filter(
    (t) =>
      (!ids || (t.taskId !== undefined && ids.has(t.taskId.trim()))) &&
      (!mname || t.moduleName?.trim().toUpperCase() === mname) &&
      (!mtype || t.moduleType?.trim().toUpperCase() === mtype),
  );
}

/** Whether the subject names something to read from CES (creating a container names nothing yet). */
export const readable = (subject: ChangeSubject | undefined): subject is ChangeSubject =>
  subject?.container !== undefined || subject?.deploymentRequest !== undefined;

/**
 * Reads what the change acts on from CES: the container and its tasks (at the subject's level, when
 * it names one), or a deployment request and its set. Throws CesError (a request that CES does not
 * list is `ces_not_found`).
 */
export async function readContainerFacts(ces: CesTarget, subject: ChangeSubject, signal: AbortSignal): Promise<ContainerFacts> {
  let stream: string | undefined;
  let application: string | undefined;
  let setState: string | undefined;
  let owner: string | undefined;
  let tasks: readonly TaskInfo[] = [];
  let deployment: ContainerFacts['deployment'];
  const level = subject.level;
  let container = subject.container;
  if (subject.deploymentRequest !== undefined) {
    const requestId = subject.deploymentRequest;
    const listed = await ces.call(ops.listDeployments, { query: { requestId, priorWeek: 'false' } }, { signal });
    const request = listed.deployments.find((d) => str(d.requestId) === requestId);
    if (!request?.setId?.trim())
      throw new CesError('ces_not_found', `CES lists no deployment request ${requestId} with a set.`, { operation: ops.listDeployments.id });
    deployment = { requestId, environment: str(request.environment), status: str(request.status) };
    container = { type: 'set', id: request.setId.trim() };
  }
  if (container === undefined) throw new TypeError('readContainerFacts: the subject names no container or deployment request');
  if (container.type === 'assignment') {
    const info = await ces.call(ops.getAssignment, { path: { assignmentId: container.id } }, { signal });
    ({ stream, application, owner } = { stream: str(info.stream), application: str(info.application), owner: str(info.owner) });
    tasks = (await ces.call(ops.listAssignmentTasks, { path: { assignmentId: container.id }, query: { level } }, { signal })).tasks ?? [];
  } else if (container.type === 'release') {
    const info = await ces.call(ops.getRelease, { path: { releaseId: container.id } }, { signal });
    ({ stream, application, owner } = { stream: str(info.stream), application: str(info.application), owner: str(info.owner) });
    tasks = (await ces.call(ops.listReleaseTasks, { path: { releaseId: container.id }, query: { level } }, { signal })).tasks ?? [];
  } else {
    // CES lists a set's tasks only with a level; readSetWithTasks falls back to the task list.
    const { set: info, tasks: setTasks } = await readSetWithTasks(ces, container.id, level, signal);
    stream = str(info.streamName);
    application = str(info.applicationId);
    setState = str(info.state);
    owner = str(info.owner);
    tasks = setTasks;
  }
  const involved = selected(tasks, subject);
  const state = digest({
    deployment: deployment?.status,
    setState,
    tasks: involved
      .map((t) => [t.taskId, t.level, t.operation, t.set, t.status, t.dateTime, t.version].map((v) => str(v) ?? ''))
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)),
  });
  return {
    container,
    deployment,
    stream,
    application,
    owner,
    setState,
    state,
    taskCount: involved.length,
    tasks: involved.slice(0, PREVIEW_TASK_CAP).map((t) => ({
      taskId: str(t.taskId) ?? '',
      moduleName: str(t.moduleName),
      moduleType: str(t.moduleType),
      level: str(t.level),
      status: str(t.status),
    })),
  };
}
