// What a change will touch, read from CES before it is made: the container's stream and application
// (for policy rules that name them) and the tasks involved (for the confirmation preview). The same
// read at redemption gives the state digest a confirmation token is bound to, so a token cannot be
// redeemed after the state it showed has changed — for instance after it was already executed.
import type { CesTarget } from '../ces/api.js';
import type { TaskInfo } from '../ces/dto/index.js';
import { ops } from '../ces/operations.js';
import { readSetWithTasks } from '../ces/set-tasks.js';
import { digest } from './canonical.js';

export interface ChangeSubject {
  containerType: 'assignment' | 'release' | 'set';
  containerId: string;
  level?: string | undefined;
}

export interface PreviewTask {
  taskId: string;
  moduleName?: string | undefined;
  moduleType?: string | undefined;
  level?: string | undefined;
  status?: string | undefined;
}

export interface ContainerFacts {
  subject: ChangeSubject;
  stream?: string | undefined;
  application?: string | undefined;
  setState?: string | undefined;
  tasks: PreviewTask[];
  /** Number of tasks involved (the list above is capped). */
  taskCount: number;
  /** Digest of the tasks' CES state (ids, levels, last operation and set, time stamps). */
  state: string;
}

const PREVIEW_TASK_CAP = 50;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The container a call acts on, from its arguments; undefined for calls that act on none. */
export function subjectOf(args: Record<string, unknown>): ChangeSubject | undefined {
  const type = str(args.container_type);
  const id = str(args.container_id);
  if ((type === 'assignment' || type === 'release' || type === 'set') && id) return { containerType: type, containerId: id, level: str(args.level) };
  if (str(args.set_id)) return { containerType: 'set', containerId: str(args.set_id)! };
  // Tools that act on an existing container name it by id (cancel/close/remove/transfer…).
  if (str(args.assignment_id) && !str(args.stream)) return { containerType: 'assignment', containerId: str(args.assignment_id)!, level: str(args.level) };
  if (str(args.release_id) && !str(args.stream)) return { containerType: 'release', containerId: str(args.release_id)!, level: str(args.level) };
  return undefined;
}

function selected(tasks: readonly TaskInfo[], args: Record<string, unknown>): TaskInfo[] {
  const ids = Array.isArray(args.task_ids) && args.task_ids.length ? new Set(args.task_ids as string[]) : undefined;
  const mname = str(args.module_name)?.toUpperCase();
  const mtype = str(args.module_type)?.toUpperCase();
  return tasks.filter(
    (t) =>
      (!ids || (t.taskId !== undefined && ids.has(t.taskId.trim()))) &&
      (!mname || t.moduleName?.trim().toUpperCase() === mname) &&
      (!mtype || t.moduleType?.trim().toUpperCase() === mtype),
  );
}

/** Reads the container and its tasks (at the level, when the call names one) from CES. */
export async function readContainerFacts(
  ces: CesTarget,
  subject: ChangeSubject,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<ContainerFacts> {
  let stream: string | undefined;
  let application: string | undefined;
  let setState: string | undefined;
  let tasks: readonly TaskInfo[] = [];
  const level = subject.level;
  if (subject.containerType === 'assignment') {
    const info = await ces.call(ops.getAssignment, { path: { assignmentId: subject.containerId } }, { signal });
    ({ stream, application } = { stream: str(info.stream), application: str(info.application) });
    tasks = (await ces.call(ops.listAssignmentTasks, { path: { assignmentId: subject.containerId }, query: { level } }, { signal })).tasks ?? [];
  } else if (subject.containerType === 'release') {
    const info = await ces.call(ops.getRelease, { path: { releaseId: subject.containerId } }, { signal });
    ({ stream, application } = { stream: str(info.stream), application: str(info.application) });
    tasks = (await ces.call(ops.listReleaseTasks, { path: { releaseId: subject.containerId }, query: { level } }, { signal })).tasks ?? [];
  } else {
    // CES lists a set's tasks only with a level; readSetWithTasks falls back to the task list.
    const { set: info, tasks: setTasks } = await readSetWithTasks(ces, subject.containerId, level, signal);
    stream = str(info.streamName);
    application = str(info.applicationId);
    setState = str(info.state);
    tasks = setTasks;
  }
  const involved = selected(tasks, args);
  const state = digest({
    setState,
    tasks: involved
      .map((t) => [t.taskId, t.level, t.operation, t.set, t.status, t.dateTime, t.version].map((v) => str(v) ?? ''))
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)),
  });
  return {
    subject,
    stream,
    application,
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
