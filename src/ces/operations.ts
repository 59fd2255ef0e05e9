// The catalogue of CES Code Pipeline operations this server calls (docs/ces-api.md §2.1–2.5, §2.7).
// Each entry is the wire contract of one call: method, path template under /ispw/{srid}, the query
// parameters it may carry and the schema of its reply. Tools call `ces.call(op, input)`; only the
// CES client turns an entry into an HTTP request, so the conventions live in one place:
// ids in the path, `level`/`mname`/`mtype`/`taskId`/`approver`/`checkout` in the query string,
// set options in the JSON body.
import type { z } from 'zod';

import * as dto from './dto/index.js';

export type HttpMethod = 'GET' | 'POST';

export interface Operation<R = unknown> {
  /** Stable id, used in logs, metrics and errors (never contains ids or user data). */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path template below `/ispw/{srid}`, e.g. `/assignments/{assignmentId}/tasks/{taskId}`. */
  readonly path: string;
  /** Query parameters the operation accepts; anything else is refused before sending. */
  readonly query: readonly string[];
  /** Whether the request carries a JSON body (POST) — GETs never do. */
  readonly body: boolean;
  /** Reply schema; lenient about unknown fields and the one-element-list quirk. */
  readonly reply: z.ZodType<R>;
  /** `zip`: a 2xx body is a zip handed over as bytes (docs/ces-api.md §2.6), not JSON. Default `json`. */
  readonly replyBody?: 'json' | 'zip';
  /** Largest reply accepted for this operation, when it differs from the client's limit (downloads). */
  readonly maxReplyBytes?: number;
  /**
   * `unverified`: no BMC client uses this operation; it rests on third-party integrations only
   * (docs/ces-api.md errata E9). Tools that call it say so in their description.
   */
  readonly evidence?: 'unverified';
  /**
   * The set-options body as this endpoint's own BMC client spells it (docs/ces-api.md errata E7):
   * `actions` — `runtimeConfig`, `execStat`, boolean `autoDeploy` (the generate-await and promote
   * GitHub actions); otherwise Jenkins' `runtimeConfiguration`, `executionStatus`, "true"/"false".
   */
  readonly setOptions?: 'actions';
}

const op = <R>(def: Operation<R>): Operation<R> => Object.freeze(def);

/** Lifecycle operations that create a set from the tasks of an assignment or release. */
export const LIFECYCLE_ACTIONS = ['generate', 'promote', 'deploy', 'regress', 'fallback'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Set actions (docs/ces-api.md §6). */
export const SET_ACTIONS = ['hold', 'release', 'lock', 'unlock', 'delete', 'restart', 'terminate', 'approve', 'deny', 'reset'] as const;
export type SetAction = (typeof SET_ACTIONS)[number];
/** Set actions that CES requires an `approver` for. */
export const SET_ACTIONS_NEEDING_APPROVER: readonly SetAction[] = ['approve', 'deny', 'reset'];

const FILTER = ['level', 'mname', 'mtype'] as const;

function lifecycle(container: 'assignments' | 'releases', action: LifecycleAction): Operation<dto.SetOp> {
  const idParam = container === 'assignments' ? 'assignmentId' : 'releaseId';
  return op({
    id: `${container === 'assignments' ? 'assignment' : 'release'}.${action}`,
    method: 'POST',
    path: `/${container}/{${idParam}}/tasks/${action}`,
    query: FILTER,
    body: true,
    reply: dto.SetOp,
    ...(action === 'promote' ? { setOptions: 'actions' as const } : {}),
  });
}

/** Download replies may be larger than the JSON ones; the zip is opened with its own bounds (source-zip.ts). */
export const DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024;

function download(id: string, path: string): Operation<dto.SourceDownload> {
  return op({
    id: `download.${id}`,
    method: 'POST',
    path,
    query: [],
    body: true,
    reply: dto.SourceDownload,
    replyBody: 'zip',
    maxReplyBytes: DOWNLOAD_MAX_BYTES,
  });
}

export const ops = {
  // §2.1 Assignments
  createAssignment: op({ id: 'assignment.create', method: 'POST', path: '/assignments', query: [], body: true, reply: dto.AssignmentCreated }),
  getAssignment: op({ id: 'assignment.get', method: 'GET', path: '/assignments/{assignmentId}', query: ['rtConfig'], body: false, reply: dto.AssignmentInfo }),
  listAssignmentTasks: op({
    id: 'assignment.tasks',
    method: 'GET',
    path: '/assignments/{assignmentId}/tasks',
    query: ['level', 'rtConfig'],
    body: false,
    reply: dto.TaskList,
  }),
  getAssignmentTask: op({
    id: 'assignment.task',
    method: 'GET',
    path: '/assignments/{assignmentId}/tasks/{taskId}',
    query: ['rtConfig'],
    body: false,
    reply: dto.TaskInfo,
    evidence: 'unverified',
  }),
  loadTask: op({ id: 'assignment.task.load', method: 'POST', path: '/assignments/{assignmentId}/tasks', query: [], body: true, reply: dto.TaskLoaded }),
  addTask: op({
    id: 'assignment.task.add',
    method: 'POST',
    path: '/assignments/{assignmentId}/task/add',
    query: ['checkout'],
    body: true,
    reply: dto.TaskAdded,
  }),
  generateAssignment: lifecycle('assignments', 'generate'),
  promoteAssignment: lifecycle('assignments', 'promote'),
  deployAssignment: lifecycle('assignments', 'deploy'),
  regressAssignment: lifecycle('assignments', 'regress'),
  fallbackAssignment: lifecycle('assignments', 'fallback'),
  buildAssignment: op({
    id: 'assignment.build',
    method: 'POST',
    path: '/assignments/{assignmentId}/tasks/build',
    query: FILTER,
    body: true,
    reply: dto.BuildOp,
  }),
  generateTasks: op({
    id: 'assignment.taskIds.generate',
    method: 'POST',
    path: '/assignments/{assignmentId}/taskIds/generate',
    query: ['taskId', 'level'],
    body: true,
    reply: dto.SetOp,
  }),
  generateTasksAwait: op({
    id: 'assignment.taskIds.generateAwait',
    method: 'POST',
    path: '/assignments/{assignmentId}/taskIds/generate-await',
    query: ['taskId', 'level'],
    body: true,
    reply: dto.AwaitResult,
    setOptions: 'actions',
  }),
  deployTasks: op({
    id: 'assignment.taskIds.deploy',
    method: 'POST',
    path: '/assignments/{assignmentId}/taskIds/deploy',
    query: ['taskId', 'level'],
    body: true,
    reply: dto.SetOp,
  }),
  transferTasks: op({
    id: 'assignment.tasks.transfer',
    method: 'POST',
    path: '/assignments/{assignmentId}/tasks/transfer',
    query: [...FILTER, 'taskId'],
    body: true,
    reply: dto.MultiTask,
  }),
  cancelAssignment: op({
    id: 'assignment.cancel',
    method: 'POST',
    path: '/assignments/{assignmentId}/cancel',
    query: [],
    body: true,
    reply: dto.AssignmentCreated,
  }),
  closeAssignment: op({
    id: 'assignment.close',
    method: 'POST',
    path: '/assignments/{assignmentId}/close',
    query: [],
    body: true,
    reply: dto.AssignmentCreated,
  }),

  // §2.2 Releases
  createRelease: op({ id: 'release.create', method: 'POST', path: '/releases', query: [], body: true, reply: dto.ReleaseCreated }),
  getRelease: op({ id: 'release.get', method: 'GET', path: '/releases/{releaseId}', query: ['rtConfig'], body: false, reply: dto.ReleaseInfo }),
  listReleaseTasks: op({
    id: 'release.tasks',
    method: 'GET',
    path: '/releases/{releaseId}/tasks',
    query: ['level', 'rtConfig'],
    body: false,
    reply: dto.TaskList,
  }),
  getReleaseTask: op({
    id: 'release.task',
    method: 'GET',
    path: '/releases/{releaseId}/tasks/{taskId}',
    query: ['rtConfig'],
    body: false,
    reply: dto.TaskInfo,
  }),
  getReleaseTaskListing: op({
    id: 'release.task.listing',
    method: 'GET',
    path: '/releases/{releaseId}/tasks/{taskId}/listing',
    query: ['rtConfig'],
    body: false,
    reply: dto.Listing,
  }),
  generateRelease: lifecycle('releases', 'generate'),
  promoteRelease: lifecycle('releases', 'promote'),
  deployRelease: lifecycle('releases', 'deploy'),
  regressRelease: lifecycle('releases', 'regress'),
  fallbackRelease: lifecycle('releases', 'fallback'),
  buildRelease: op({
    id: 'release.build',
    method: 'POST',
    path: '/releases/{releaseId}/tasks/build',
    query: [...FILTER, 'assignmentId'],
    body: true,
    reply: dto.BuildOp,
  }),
  removeFromRelease: op({
    id: 'release.tasks.remove',
    method: 'POST',
    path: '/releases/{releaseId}/tasks/remove',
    query: [...FILTER, 'taskId'],
    body: true,
    reply: dto.MultiTask,
  }),
  cancelRelease: op({ id: 'release.cancel', method: 'POST', path: '/releases/{releaseId}/cancel', query: [], body: true, reply: dto.ReleaseCreated }),
  closeRelease: op({ id: 'release.close', method: 'POST', path: '/releases/{releaseId}/close', query: [], body: true, reply: dto.ReleaseCreated }),
  releaseDeploymentAction: op({
    id: 'release.deployments.action',
    method: 'POST',
    path: '/releases/{releaseId}/deployments/{action}',
    query: [],
    body: true,
    reply: dto.ReleaseDeployOp,
  }),

  // §2.3 Sets
  getSet: op({ id: 'set.get', method: 'GET', path: '/sets/{setId}', query: ['level', 'rtConfig'], body: false, reply: dto.SetInfo }),
  listSetTasks: op({ id: 'set.tasks', method: 'GET', path: '/sets/{setId}/tasks', query: ['rtConfig'], body: false, reply: dto.TaskList }),
  getSetDeployment: op({ id: 'set.deployment', method: 'GET', path: '/sets/{setId}/deployment', query: [], body: false, reply: dto.SetDeployment }),
  setAction: op({ id: 'set.action', method: 'POST', path: '/sets/{setId}/{action}', query: ['approver'], body: true, reply: dto.SetOp }),
  fallbackSet: op({
    id: 'set.fallback',
    method: 'POST',
    path: '/sets/{setId}/tasks/fallback',
    query: [],
    body: true,
    reply: dto.SetOp,
    evidence: 'unverified',
  }),

  // §2.4 Build (task level) and generate with parameters
  buildTasks: op({
    id: 'build',
    method: 'POST',
    path: '/build',
    query: ['taskId', 'application', 'subAppl', 'level', 'mname', 'mtype', 'assignmentId'],
    body: true,
    reply: dto.BuildOp,
  }),
  getGenerateParms: op({
    id: 'task.generateParms.get',
    method: 'GET',
    path: '/tasks/{taskId}/generateWithParms',
    query: ['containerId', 'containerType', 'rtConfig'],
    body: false,
    reply: dto.GenParmForm,
  }),
  generateWithParms: op({
    id: 'task.generateParms.submit',
    method: 'POST',
    path: '/tasks/{taskId}/generateWithParms',
    query: [],
    body: true,
    reply: dto.SetOp,
  }),
  buildAwait: op({ id: 'build.await', method: 'POST', path: '/build-await', query: ['taskId', 'assignmentId', 'level'], body: true, reply: dto.AwaitResult }),

  // §2.5 Lists and deployments
  listContainers: op({
    id: 'containers.list',
    method: 'GET',
    path: '/containers/list',
    query: [
      'userId',
      'containerId',
      'containerType',
      'application',
      'subAppl',
      'owner',
      'description',
      'refNumber',
      'releaseId',
      'stream',
      'path',
      'tag',
      'includeClosedContainers',
      'rtConfig',
    ],
    body: false,
    reply: dto.ContainerList,
  }),
  getWorkList: op({
    id: 'worklist.get',
    method: 'GET',
    path: '/worklist',
    query: [
      'inProgress',
      'production',
      'historical',
      'startDate',
      'endDate',
      'type',
      'name',
      'operation',
      'level',
      'environment',
      'application',
      'subAppl',
      'stream',
      'lastUpdatedBy',
      'owner',
      'releaseId',
      'refNumber',
      'group',
      'rtConfig',
    ],
    body: false,
    reply: dto.WorkList,
  }),
  listDeployments: op({
    id: 'deployments.list',
    method: 'GET',
    path: '/deployments',
    query: ['todaysDate', 'priorWeek', 'startDate', 'endDate', 'requestId', 'setId', 'environment', 'status', 'rtConfig'],
    body: false,
    reply: dto.DeploymentList,
  }),
  cancelDeployment: op({
    id: 'deployment.cancel',
    method: 'POST',
    path: '/deployments/{requestId}/cancel',
    query: [],
    body: true,
    reply: dto.DeploymentCancel,
  }),

  // §2.6 Source download: a POST that changes nothing and answers with a zip of the members.
  downloadContainer: download('container', '/downloads/{containerType}/{containerId}'),
  downloadRepository: download('repository', '/downloads/repository/{stream}/{application}/{level}'),
  downloadRepositorySubAppl: download('repository.subAppl', '/downloads/repository/{stream}/{application}/{subAppl}/{level}'),
} as const;

export type OperationName = keyof typeof ops;
