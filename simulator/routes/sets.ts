// Set resources (docs/ces-api.md §2.3, §6): set info (`setid`, `state`, `tasks`), set tasks, the set's
// deployment requests (`{deployments:[...]}`), set actions and set fallback.
import { HttpError } from '../http.js';
import { createSet, setOpReply } from '../lifecycle.js';
import type { Router } from '../router.js';
import { applySetAction, NEEDS_APPROVER, SET_ACTIONS } from '../set-actions.js';
import type { SetActionName } from '../set-actions.js';
import { tasksOfSet } from '../set-engine.js';
import { parseSetOptions } from '../set-options.js';
import { deploymentView, setInfoView, taskView } from '../views.js';
import { findSet, ok, posted } from './common.js';

export function setRoutes(router: Router): void {
  router.get('/sets/:setId', (ctx) => ok(setInfoView(findSet(ctx), ctx.estate)));
  router.get('/sets/:setId/tasks', (ctx) => {
    const set = findSet(ctx);
    return ok({ tasks: tasksOfSet(ctx.estate, set).map((t) => taskView(t, ctx.estate)) });
  });
  router.get('/sets/:setId/deployment', (ctx) => {
    const set = findSet(ctx);
    const deployments = set.deploymentIds.flatMap((id) => ctx.estate.deployments.get(id) ?? []);
    const views = deployments.map((d) => deploymentView(d, ctx.estate, ctx.ispwUrl));
    if (views.length === 0) return ok({ deployments: [], message: `Set ${set.setId} has no deployment requests` });
    return ok({ deployments: views });
  });
  router.post(`/sets/:setId/:action(${SET_ACTIONS.join('|')})`, (ctx) => {
    const set = findSet(ctx);
    const action = ctx.params.action as SetActionName;
    const approver = ctx.query.get('approver');
    if (NEEDS_APPROVER.includes(action) && !approver) {
      throw new HttpError(400, `Missing required query parameter 'approver'`);
    }
    parseSetOptions(ctx.body); // validates the body even though only runtimeConfiguration is sent
    const message = applySetAction(ctx.estate, set, action, approver?.toUpperCase());
    return posted(ctx, setOpReply(ctx, set, message));
  });
  // §2.3 FallbackSet: backs out what a finished set deployed, as a new fallback set.
  router.post('/sets/:setId/tasks/fallback', (ctx) => {
    const source = findSet(ctx);
    if (source.state !== 'Closed') {
      throw new HttpError(409, `Cannot fall back set ${source.setId}: it is ${source.state}, not Closed`);
    }
    const tasks = tasksOfSet(ctx.estate, source);
    if (tasks.length === 0) return posted(ctx, { message: `Set ${source.setId} must contain tasks to fall back` });
    const set = createSet(ctx.estate, {
      kind: 'fallback',
      containerType: source.containerType,
      containerId: source.containerId,
      level: source.level,
      tasks,
      options: parseSetOptions(ctx.body),
      description: `Fallback of set ${source.setId}`,
      fallbackOf: source.setId,
    });
    return posted(ctx, setOpReply(ctx, set, 'Fallback request submitted'));
  });
}
