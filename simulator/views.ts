// Wire shapes of estate objects, exactly as ces-api.md §3 shows them: TaskInfo (§3.3),
// AssignmentInfo (§3.4), ReleaseInfo (§3.5), SetInfo with lower-case `setid` (§3.6),
// DeploymentInfo (§3.7), container items (§3.8) and work-list items (§3.9).
import { formatDate, formatDateTime, formatTime } from './clock.js';
import type { Assignment, CesSet, Deployment, Estate, Release, Task } from './estate.js';
import { FINISHED_SET_STATES } from './estate.js';

/** CES sends blank text fields as a single space (§3). */
export function blank(value: string | undefined): string {
  return value === undefined || value === '' ? ' ' : value;
}

/** Operation codes (§3.3) spelled as work-list operation names (§2.5 GetWorkList). */
export const OPERATION_NAMES: Record<string, string> = {
  B: 'Browse',
  C: 'Checkout',
  D: 'Delete',
  S: 'Edit',
  F: 'Fallback',
  G: 'Generate',
  GP: 'Generate',
  I: 'Implement',
  TL: 'Loaded',
  P: 'Promote',
  RE: 'Rename',
  X: 'Regress',
  T: 'Transfer',
  UV: 'Update Replace Version',
};

export function taskView(task: Task, estate: Estate): Record<string, unknown> {
  return {
    taskId: task.taskId,
    moduleName: task.moduleName,
    moduleType: task.moduleType,
    application: task.application,
    subAppl: task.subAppl,
    stream: task.stream,
    level: task.level,
    userId: task.userId,
    status: task.status,
    operation: task.operation,
    dateTime: formatDateTime(task.dateTime),
    set: blank(task.set),
    version: String(task.version),
    environment: estate.level(task.level)?.environment ?? ' ',
    release: blank(task.release),
    container: task.container,
    assignmentId: task.container,
    currentLevel: task.level,
    startingLevel: task.startingLevel,
    sql: false,
    ims: false,
    cics: false,
    program: task.program,
  };
}

export function assignmentView(a: Assignment): Record<string, unknown> {
  return {
    assignmentId: a.assignmentId,
    stream: a.stream,
    application: a.application,
    subAppl: blank(a.subAppl),
    defaultPath: a.defaultPath,
    description: a.description,
    owner: a.owner,
    refNumber: blank(a.refNumber),
    releaseId: blank(a.releaseId),
    userTag: blank(a.userTag),
  };
}

export function releaseView(r: Release): Record<string, unknown> {
  return {
    releaseId: r.releaseId,
    stream: r.stream,
    application: r.application,
    subAppl: blank(r.subAppl),
    description: r.description,
    owner: r.owner,
    referenceNumber: blank(r.referenceNumber),
    userTag: blank(r.userTag),
  };
}

export function setInfoView(set: CesSet, estate: Estate): Record<string, unknown> {
  return {
    setid: set.setId,
    state: set.state,
    applicationId: set.application,
    subAppl: blank(set.subAppl),
    streamName: set.stream,
    description: set.description,
    owner: set.owner,
    startDate: formatDate(set.createdAt),
    startTime: formatTime(set.createdAt),
    deployImplementationDate: blank(set.options.deployImplementationDate),
    deployImplementationTime: blank(set.options.deployImplementationTime),
    deployActiveDate: blank(set.options.deployActiveDate),
    deployActiveTime: blank(set.options.deployActiveTime),
    ...(set.message ? { message: set.message } : {}),
    tasks: setTasks(set, estate).map((t) => taskView(t, estate)),
  };
}

export function setTasks(set: CesSet, estate: Estate): Task[] {
  return set.taskIds.flatMap((id) => estate.tasks.get(id) ?? []);
}

export function deploymentView(d: Deployment, estate: Estate, ispwUrl: string): Record<string, unknown> {
  const tasks = d.taskIds.flatMap((id) => estate.tasks.get(id) ?? []);
  return {
    requestId: String(d.requestId),
    setId: d.setId,
    environment: d.environment,
    status: d.status,
    description: d.description,
    createDate: formatDate(d.createdAt),
    createDateTime: formatDateTime(d.createdAt),
    url: `${ispwUrl}/sets/${d.setId}/deployment`,
    packages: [
      {
        packageId: `P${String(d.requestId).padStart(7, '0')}`,
        subEnvironment: d.environment,
        system: 'SYSA',
        category: 'LOAD',
        status: d.status,
        startDate: formatDateTime(d.createdAt),
        endDate: d.status === 'Completed' || d.status === 'Failed' ? formatDateTime(d.since) : ' ',
        implementationDate: formatDateTime(d.createdAt),
        activeDate: formatDateTime(d.createdAt),
        deploymentItems: tasks.map((t, i) => ({
          item: String(i + 1),
          part: t.moduleName,
          name: t.moduleName,
          deploymentType: 'LOAD',
          application: t.application,
          subAppl: t.subAppl,
          type: t.moduleType === 'COB' ? 'LOAD' : t.moduleType,
          clazz: ' ',
          action: 'ADD',
          system: 'SYSA',
          status: d.status,
          storage: 'LOADLIB',
        })),
      },
    ],
  };
}

export type ContainerRow = Record<string, string>;

export function assignmentRow(a: Assignment): ContainerRow {
  return {
    containerId: a.assignmentId,
    containerType: 'A',
    application: a.application,
    subAppl: blank(a.subAppl),
    description: a.description,
    owner: a.owner,
    path: a.defaultPath,
    refNumber: blank(a.refNumber),
    releaseId: blank(a.releaseId),
    stream: a.stream,
    tag: blank(a.userTag),
    userId: a.owner,
  };
}

export function releaseRow(r: Release, estate: Estate): ContainerRow {
  const levels = estate.tasksOfRelease(r.releaseId).map((t) => t.level);
  return {
    containerId: r.releaseId,
    containerType: 'R',
    application: r.application,
    subAppl: blank(r.subAppl),
    description: r.description,
    owner: r.owner,
    path: blank(levels[0]),
    refNumber: blank(r.referenceNumber),
    releaseId: r.releaseId,
    stream: r.stream,
    tag: blank(r.userTag),
    userId: r.owner,
  };
}

export function setRow(s: CesSet): ContainerRow {
  return {
    containerId: s.setId,
    containerType: 'S',
    application: s.application,
    subAppl: blank(s.subAppl),
    description: s.description,
    owner: s.owner,
    path: s.level,
    refNumber: ' ',
    releaseId: s.containerType === 'R' ? s.containerId : ' ',
    stream: s.stream,
    tag: ' ',
    userId: s.owner,
  };
}

export function isClosedSet(s: CesSet): boolean {
  return FINISHED_SET_STATES.has(s.state);
}

export function workListItemView(task: Task, estate: Estate): Record<string, unknown> {
  const assignment = estate.assignments.get(task.container);
  return {
    taskId: task.taskId,
    name: task.moduleName,
    type: task.moduleType,
    application: task.application,
    subAppl: task.subAppl,
    stream: task.stream,
    level: task.level,
    path: task.level,
    assignmentId: task.container,
    releaseId: blank(task.release),
    refNumber: blank(assignment?.refNumber),
    operation: OPERATION_NAMES[task.operation] ?? task.operation,
    owner: assignment?.owner ?? task.userId,
    user: task.userId,
    version: String(task.version),
    environment: estate.level(task.level)?.environment ?? ' ',
    dateTime: formatDateTime(task.dateTime),
    action: ' ',
    clazz: ' ',
    group: ' ',
    technology: task.moduleType === 'COB' ? 'COBOL' : ' ',
  };
}
