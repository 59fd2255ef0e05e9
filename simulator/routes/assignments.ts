// Assignment resources (docs/ces-api.md §2.1): create, info, task list/info, task load, task add,
// transfer, cancel and close. Lifecycle operations on assignments live in lifecycle.ts.
import type { Task } from '../estate.js';
import { HttpError } from '../http.js';
import { createSet, filterTasks, knownLevel } from '../lifecycle.js';
import type { Router, RouteContext } from '../router.js';
import { booleanField, parseSetOptions, requiredField, textField } from '../set-options.js';
import { assignmentView, taskView } from '../views.js';
import { containerUrl, findAssignment, findTaskIn, idParam, ok, posted, requireOpen } from './common.js';

const PREFIX = /^[A-Z0-9#@$]{1,4}$/;
const NAME = /^[A-Z0-9#@$_-]{1,40}$/;

export function assignmentRoutes(router: Router): void {
  router.post('/assignments', createAssignment);
  router.get('/assignments/:assignmentId', (ctx) => ok(assignmentView(findAssignment(ctx))));
  router.get('/assignments/:assignmentId/tasks', (ctx) => {
    const a = findAssignment(ctx);
    const level = ctx.query.get('level');
    const tasks = filterTasks(ctx.estate.tasksOfAssignment(a.assignmentId), { level });
    return ok({ tasks: tasks.map((t) => taskView(t, ctx.estate)) });
  });
  router.get('/assignments/:assignmentId/tasks/:taskId', (ctx) => {
    const a = findAssignment(ctx);
    return ok(taskView(findTaskIn(ctx, ctx.estate.tasksOfAssignment(a.assignmentId), a.assignmentId), ctx.estate));
  });
  router.post('/assignments/:assignmentId/tasks', loadTask);
  router.post('/assignments/:assignmentId/task/add', addTask);
  router.post('/assignments/:assignmentId/tasks/transfer', transferTasks);
  router.post('/assignments/:assignmentId/:action(cancel|close)', (ctx) => {
    const a = findAssignment(ctx);
    requireOpen(a, 'Assignment', a.assignmentId);
    const closing = ctx.params.action === 'close';
    a.status = closing ? 'Closed' : 'Cancelled';
    return posted(ctx, {
      assignmentId: a.assignmentId,
      message: `Assignment ${a.assignmentId} ${closing ? 'closed' : 'cancelled'}`,
      url: containerUrl(ctx, 'A', a.assignmentId),
    });
  });
}

/** §2.1 CreateAssignment: the id comes from `assignmentPrefix` + 6 digits (§7 row 10). */
function createAssignment(ctx: RouteContext) {
  const { body, estate } = ctx;
  const stream = requiredField(body, 'stream').toUpperCase();
  const application = requiredField(body, 'application').toUpperCase();
  const defaultPath = knownLevel(estate, requiredField(body, 'defaultPath'));
  const description = requiredField(body, 'description');
  const prefix = requiredField(body, 'assignmentPrefix').toUpperCase();
  if (!PREFIX.test(prefix)) throw new HttpError(400, `assignmentPrefix '${prefix}' must be 1 to 4 letters or digits`);
  if (!estate.isKnownApplication(stream, application)) {
    throw new HttpError(400, `Application ${application} is not defined in stream ${stream}`);
  }
  // §8.2: clients spell these two fields differently; accept both.
  const releaseId = textField(body, 'releaseId', 'release')?.toUpperCase() ?? '';
  if (releaseId && !estate.releases.has(releaseId)) throw new HttpError(400, `Release ${releaseId} not found`);
  const assignmentId = estate.newContainerId(prefix, estate.assignments.keys());
  estate.assignments.set(assignmentId, {
    assignmentId,
    stream,
    application,
    subAppl: textField(body, 'subAppl')?.toUpperCase() ?? application,
    defaultPath,
    description,
    owner: textField(body, 'owner')?.toUpperCase() ?? 'USER01',
    refNumber: textField(body, 'refNumber', 'referenceNumber') ?? '',
    releaseId,
    userTag: textField(body, 'userTag') ?? '',
    assignmentPrefix: prefix,
    status: 'Open',
  });
  return posted(ctx, {
    assignmentId,
    message: `Assignment ${assignmentId} created`,
    url: containerUrl(ctx, 'A', assignmentId),
  });
}

/** §2.1 TaskLoad: registers a component in the assignment at once (no set, reply TaskLoaded). */
function loadTask(ctx: RouteContext) {
  const a = findAssignment(ctx);
  requireOpen(a, 'Assignment', a.assignmentId);
  const { body, estate } = ctx;
  const stream = requiredField(body, 'stream').toUpperCase();
  const application = requiredField(body, 'application').toUpperCase();
  const moduleName = requiredField(body, 'moduleName').toUpperCase();
  const moduleType = requiredField(body, 'moduleType').toUpperCase();
  const currentLevel = knownLevel(estate, requiredField(body, 'currentLevel'));
  const startingLevel = knownLevel(estate, requiredField(body, 'startingLevel'));
  const userId = requiredField(body, 'userId').toUpperCase();
  if (!NAME.test(moduleName) || !NAME.test(moduleType)) throw new HttpError(400, 'Invalid moduleName or moduleType');
  const clash = estate.tasksOfAssignment(a.assignmentId).find((t) => t.moduleName === moduleName && t.moduleType === moduleType && t.level === currentLevel);
  if (clash) {
    throw new HttpError(409, `${moduleName} (${moduleType}) is already in ${a.assignmentId} at ${currentLevel}`);
  }
  const taskId = estate.newTaskId();
  const program = booleanField(body, 'program') ?? moduleType === 'COB';
  const task: Task = {
    taskId,
    moduleName,
    moduleType,
    application,
    subAppl: textField(body, 'subAppl')?.toUpperCase() ?? a.subAppl,
    stream,
    level: currentLevel,
    history: [],
    userId,
    status: 'Active',
    operation: 'TL',
    version: 1,
    container: a.assignmentId,
    release: textField(body, 'release', 'releaseId')?.toUpperCase() ?? a.releaseId,
    set: '',
    dateTime: estate.now(),
    startingLevel,
    program,
  };
  estate.tasks.set(taskId, task);
  return posted(ctx, {
    taskId,
    message: `Task ${moduleName} loaded into ${a.assignmentId}`,
    url: `${containerUrl(ctx, 'A', a.assignmentId)}/tasks/${taskId}`,
  });
}

/** §2.1 AddTask (`task/add`, `?checkout=`): runs as a set; the task appears when it closes. */
function addTask(ctx: RouteContext) {
  const a = findAssignment(ctx);
  requireOpen(a, 'Assignment', a.assignmentId);
  const { body, estate } = ctx;
  const checkout = ctx.query.flag('checkout', false);
  const taskName = requiredField(body, 'taskName').toUpperCase();
  const type = requiredField(body, 'type').toUpperCase();
  requiredField(body, 'stream');
  requiredField(body, 'application');
  const level = knownLevel(estate, requiredField(body, 'path'));
  knownLevel(estate, requiredField(body, 'checkoutFromLevel'));
  if (!NAME.test(taskName) || !NAME.test(type)) throw new HttpError(400, 'Invalid taskName or type');
  const set = createSet(estate, {
    kind: 'addTask',
    containerType: 'A',
    containerId: a.assignmentId,
    level,
    tasks: [],
    options: parseSetOptions(body),
    description: `${checkout ? 'Checkout' : 'Add'} ${taskName} to ${a.assignmentId} ${level}`,
    pendingTask: {
      moduleName: taskName,
      moduleType: type,
      level,
      checkout,
      owner: textField(body, 'owner')?.toUpperCase() ?? a.owner,
      releaseId: textField(body, 'releaseId')?.toUpperCase() ?? a.releaseId,
      subAppl: textField(body, 'subAppl')?.toUpperCase() ?? a.subAppl,
    },
  });
  return posted(ctx, {
    setId: set.setId,
    message: `${checkout ? 'Checkout' : 'Add'} request submitted for ${taskName}`,
    url: `${ctx.ispwUrl}/sets/${set.setId}`,
    taskName,
  });
}

/** §2.1 TransferTask: moves tasks to another assignment (A) or into a release (R) at once. */
function transferTasks(ctx: RouteContext) {
  const a = findAssignment(ctx);
  const { body, estate, query } = ctx;
  const targetId = requiredField(body, 'containerId').toUpperCase();
  const targetType = requiredField(body, 'containerType').toUpperCase();
  if (targetType !== 'A' && targetType !== 'R') throw new HttpError(400, `containerType must be A or R`);
  const target = targetType === 'A' ? estate.assignments.get(targetId) : estate.releases.get(targetId);
  if (!target) throw new HttpError(404, `${targetType === 'A' ? 'Assignment' : 'Release'} ${targetId} not found`);
  requireOpen(target, targetType === 'A' ? 'Assignment' : 'Release', targetId);
  const tasks = filterTasks(estate.tasksOfAssignment(a.assignmentId), {
    taskIds: query.all('taskId'),
    level: query.get('level'),
    mname: query.get('mname'),
    mtype: query.get('mtype'),
  });
  return {
    status: ctx.postStatus,
    body: moveTasks(
      ctx,
      tasks,
      idParam(ctx, 'assignmentId'),
      'transferred',
      (t) => {
        if (targetType === 'A') t.container = targetId;
        else t.release = targetId;
        t.operation = 'T';
      },
      containerUrl(ctx, targetType, targetId),
    ),
  };
}

/** Shared by transfer and remove-from-release: MultiTask reply with `failedTasks` (§3.10). */
export function moveTasks(ctx: RouteContext, tasks: Task[], sourceId: string, verb: string, move: (task: Task) => void, url: string): Record<string, unknown> {
  if (tasks.length === 0) return { message: `No tasks of ${sourceId} matched the selection`, url, failedTasks: [] };
  const failedTasks: Record<string, string>[] = [];
  let moved = 0;
  for (const task of tasks) {
    const lock = ctx.estate.lockingSet(task.taskId);
    if (lock) {
      failedTasks.push({
        mname: task.moduleName,
        mtype: task.moduleType,
        taskId: task.taskId,
        errorMessage: `Task is locked by set ${lock.setId} (${lock.state})`,
      });
      continue;
    }
    move(task);
    task.dateTime = ctx.estate.now();
    moved++;
  }
  return { message: `${moved} task${moved === 1 ? '' : 's'} ${verb}`, url, failedTasks };
}
