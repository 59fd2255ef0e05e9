// Wire shapes of estate objects, exactly as docs/ces-api.md §3 shows them: TaskInfo (§3.3),
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

export function assignmentView(assignment: Assignment): Record<string, unknown> {
  return {
    assignmentId: assignment.assignmentId,
    stream: assignment.stream,
    application: assignment.application,
    subAppl: blank(assignment.subAppl),
    defaultPath: assignment.defaultPath,
    description: assignment.description,
    owner: assignment.owner,
    refNumber: blank(assignment.refNumber),
    releaseId: blank(assignment.releaseId),
    userTag: blank(assignment.userTag),
  };
}

export function releaseView(release: Release): Record<string, unknown> {
  return {
    releaseId: release.releaseId,
    stream: release.stream,
    application: release.application,
    subAppl: blank(release.subAppl),
    description: release.description,
    owner: release.owner,
    referenceNumber: blank(release.referenceNumber),
    userTag: blank(release.userTag),
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

export function deploymentView(deployment: Deployment, estate: Estate, ispwUrl: string): Record<string, unknown> {
  const tasks = deployment.taskIds.flatMap((id) => estate.tasks.get(id) ?? []);
  return {
    requestId: String(deployment.requestId),
    setId: deployment.setId,
    environment: deployment.environment,
    status: deployment.status,
    description: deployment.description,
    createDate: formatDate(deployment.createdAt),
    createDateTime: formatDateTime(deployment.createdAt),
    url: `${ispwUrl}/sets/${deployment.setId}/deployment`,
    packages: [
      {
        packageId: `P${String(deployment.requestId).padStart(7, '0')}`,
        subEnvironment: deployment.environment,
        system: 'SYSA',
        category: 'LOAD',
        status: deployment.status,
        startDate: formatDateTime(deployment.createdAt),
        endDate: deployment.status === 'Completed' || deployment.status === 'Failed' ? formatDateTime(deployment.since) : ' ',
        implementationDate: formatDateTime(deployment.createdAt),
        activeDate: formatDateTime(deployment.createdAt),
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
          status: deployment.status,
          storage: 'LOADLIB',
        })),
      },
    ],
  };
}

export type ContainerRow = Record<string, string>;

export function assignmentRow(assignment: Assignment): ContainerRow {
  return {
    containerId: assignment.assignmentId,
    containerType: 'A',
    application: assignment.application,
    subAppl: blank(assignment.subAppl),
    description: assignment.description,
    owner: assignment.owner,
    path: assignment.defaultPath,
    refNumber: blank(assignment.refNumber),
    releaseId: blank(assignment.releaseId),
    stream: assignment.stream,
    tag: blank(assignment.userTag),
    userId: assignment.owner,
  };
}

export function releaseRow(release: Release, estate: Estate): ContainerRow {
  const levels = estate.tasksOfRelease(release.releaseId).map((t) => t.level);
  return {
    containerId: release.releaseId,
    containerType: 'R',
    application: release.application,
    subAppl: blank(release.subAppl),
    description: release.description,
    owner: release.owner,
    path: blank(levels[0]),
    refNumber: blank(release.referenceNumber),
    releaseId: release.releaseId,
    stream: release.stream,
    tag: blank(release.userTag),
    userId: release.owner,
  };
}

export function setRow(set: CesSet): ContainerRow {
  return {
    containerId: set.setId,
    containerType: 'S',
    application: set.application,
    subAppl: blank(set.subAppl),
    description: set.description,
    owner: set.owner,
    path: set.level,
    refNumber: ' ',
    releaseId: set.containerType === 'R' ? set.containerId : ' ',
    stream: set.stream,
    tag: ' ',
    userId: set.owner,
  };
}

export function isClosedSet(set: CesSet): boolean {
  return FINISHED_SET_STATES.has(set.state);
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
