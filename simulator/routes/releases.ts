// Release resources (docs/ces-api.md §2.2): create, info, task list/info, generate listing, remove
// tasks, cancel, close and release-wide deployment restart/terminate. Lifecycle ops: lifecycle.ts.
import { HttpError } from '../http.js';
import { filterTasks } from '../lifecycle.js';
import type { Router, RouteContext } from '../router.js';
import { requiredField, textField } from '../set-options.js';
import { deploymentView, releaseView, taskView } from '../views.js';
import { moveTasks } from './assignments.js';
import { containerUrl, findRelease, findTaskIn, ok, posted, requireOpen } from './common.js';

const RELEASE_ID = /^[A-Z0-9#@$]{1,10}$/;

export function releaseRoutes(router: Router): void {
  router.post('/releases', createRelease);
  router.get('/releases/:releaseId', (ctx) => ok(releaseView(findRelease(ctx))));
  router.get('/releases/:releaseId/tasks', (ctx) => {
    const r = findRelease(ctx);
    const tasks = filterTasks(ctx.estate.tasksOfRelease(r.releaseId), { level: ctx.query.get('level') });
    return ok({ tasks: tasks.map((t) => taskView(t, ctx.estate)) });
  });
  router.get('/releases/:releaseId/tasks/:taskId', (ctx) => {
    const r = findRelease(ctx);
    return ok(taskView(findTaskIn(ctx, ctx.estate.tasksOfRelease(r.releaseId), r.releaseId), ctx.estate));
  });
  router.get('/releases/:releaseId/tasks/:taskId/listing', (ctx) => {
    const r = findRelease(ctx);
    const task = findTaskIn(ctx, ctx.estate.tasksOfRelease(r.releaseId), r.releaseId);
    if (!['G', 'GP', 'P', 'I'].includes(task.operation)) {
      throw new HttpError(404, `No generate listing for task ${task.taskId}: ${task.moduleName} has not been generated`);
    }
    return ok({ listing: compileListing(task.moduleName, task.moduleType, task.level), message: ' ' });
  });
  router.post('/releases/:releaseId/tasks/remove', (ctx) => {
    const r = findRelease(ctx);
    const tasks = filterTasks(ctx.estate.tasksOfRelease(r.releaseId), {
      taskIds: ctx.query.all('taskId'),
      level: ctx.query.get('level'),
      mname: ctx.query.get('mname'),
      mtype: ctx.query.get('mtype'),
    });
    const reply = moveTasks(
      ctx,
      tasks,
      r.releaseId,
      'removed from the release',
      (t) => {
        t.release = '';
      },
      containerUrl(ctx, 'R', r.releaseId),
    );
    return posted(ctx, reply);
  });
  router.post('/releases/:releaseId/:action(cancel|close)', (ctx) => {
    const r = findRelease(ctx);
    requireOpen(r, 'Release', r.releaseId);
    const closing = ctx.params.action === 'close';
    r.status = closing ? 'Closed' : 'Cancelled';
    return posted(ctx, {
      releaseId: r.releaseId,
      message: `Release ${r.releaseId} ${closing ? 'closed' : 'cancelled'}`,
      url: containerUrl(ctx, 'R', r.releaseId),
    });
  });
  router.post('/releases/:releaseId/deployments/:action(restart|terminate)', releaseDeployments);
}

/** §2.2 CreateRelease: exactly one of `releaseId` / `releasePrefix` (§7 row 11). */
function createRelease(ctx: RouteContext) {
  const { body, estate } = ctx;
  const stream = requiredField(body, 'stream').toUpperCase();
  const application = requiredField(body, 'application').toUpperCase();
  const description = requiredField(body, 'description');
  const given = textField(body, 'releaseId')?.toUpperCase();
  const prefix = textField(body, 'releasePrefix')?.toUpperCase();
  if (given && prefix) throw new HttpError(400, 'Give either releaseId or releasePrefix, not both');
  if (!given && !prefix) throw new HttpError(400, "Missing required field 'releaseId' (or 'releasePrefix')");
  if (!estate.isKnownApplication(stream, application)) {
    throw new HttpError(400, `Application ${application} is not defined in stream ${stream}`);
  }
  let releaseId: string;
  if (given) {
    if (!RELEASE_ID.test(given)) throw new HttpError(400, `releaseId '${given}' must be 1 to 10 letters or digits`);
    if (estate.releases.has(given)) throw new HttpError(409, `Release ${given} already exists`);
    releaseId = given;
  } else {
    if (!/^[A-Z0-9#@$]{1,8}$/.test(prefix!)) throw new HttpError(400, `releasePrefix '${prefix}' must be 1 to 8 letters or digits`);
    releaseId = estate.newContainerId(prefix!, estate.releases.keys());
  }
  estate.releases.set(releaseId, {
    releaseId,
    stream,
    application,
    subAppl: textField(body, 'subAppl')?.toUpperCase() ?? application,
    description,
    owner: textField(body, 'owner')?.toUpperCase() ?? 'USER01',
    referenceNumber: textField(body, 'referenceNumber', 'refNumber') ?? '',
    userTag: textField(body, 'userTag') ?? '',
    releasePrefix: prefix ?? '',
    status: 'Open',
  });
  return posted(ctx, { releaseId, message: `Release ${releaseId} created`, url: containerUrl(ctx, 'R', releaseId) });
}

/** §2.2 ReleaseDeployAction: terminate running requests or restart failed/terminated ones. */
function releaseDeployments(ctx: RouteContext) {
  const r = findRelease(ctx);
  const { estate } = ctx;
  const restart = ctx.params.action === 'restart';
  const now = estate.now();
  const sets = [...estate.sets.values()].filter((s) => s.deploymentIds.length > 0 && isInRelease(ctx, s.taskIds, r.releaseId));
  const out = sets.map((s) => {
    const deployments = s.deploymentIds.flatMap((id) => estate.deployments.get(id) ?? []);
    for (const d of deployments) {
      if (restart && (d.status === 'Failed' || d.status === 'Terminated')) {
        Object.assign(d, { status: 'Pending', since: now, failing: false, progressing: true });
        estate.trackDeployment(d);
      } else if (!restart && ['Pending', 'Implemented', 'Staged', 'Confirmed', 'Planned'].includes(d.status)) {
        Object.assign(d, { status: 'Terminated', since: now, progressing: false });
      }
    }
    return { id: s.setId, deployments: deployments.map((d) => deploymentView(d, estate, ctx.ispwUrl)) };
  });
  const verb = restart ? 'restarted' : 'terminated';
  return posted(ctx, { message: `Deployments of release ${r.releaseId} ${verb}`, sets: out });
}

function isInRelease(ctx: RouteContext, taskIds: string[], releaseId: string): boolean {
  return taskIds.some((id) => ctx.estate.tasks.get(id)?.release === releaseId);
}

function compileListing(name: string, type: string, level: string): string {
  return [
    '1PP 5655-EC6 IBM Enterprise COBOL for z/OS  6.4.0',
    `0Invocation parameters: LIB,OPT(1),RENT,LIST,MAP,XREF`,
    `   000100 IDENTIFICATION DIVISION.`,
    `   000200 PROGRAM-ID. ${name}.`,
    `   000300* ${type} component at level ${level}`,
    '0Messages    Total    Informational    Warning    Error    Severe    Terminating',
    '0Printed:       0              0            0         0         0            0',
    `-* Statistics for COBOL program ${name}:`,
    '0End of compilation 1,  program ' + name + ',  no statements flagged.',
  ].join('\n');
}
