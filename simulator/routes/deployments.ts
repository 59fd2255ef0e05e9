// Deployment requests (docs/ces-api.md §2.5): the filtered list under key `deployments` (§3.7, the
// Jenkins spelling) and cancel of one request.
import { DAY_MS, formatDate } from '../clock.js';
import { HttpError } from '../http.js';
import type { Router, RouteContext } from '../router.js';
import { deploymentView } from '../views.js';
import { ok, posted } from './common.js';
import { dateParam } from './lists.js';

const MAX_ROWS = 5000; // gh-deplist README: CES caps the list at 5000 records
const CANCELLABLE = new Set(['Pending', 'Planned', 'Confirmed', 'Staged']);

export function deploymentRoutes(router: Router): void {
  router.get('/deployments', deploymentList);
  router.post('/deployments/:requestId/cancel', cancelDeployment);
}

function deploymentList(ctx: RouteContext) {
  const { query, estate } = ctx;
  const now = estate.now();
  const startDate = dateParam(ctx, 'startDate');
  const endDate = dateParam(ctx, 'endDate');
  const todaysDate = query.flag('todaysDate', false);
  // priorWeek defaults to true, unless an explicit date range is asked for.
  const priorWeek = query.flag('priorWeek', startDate === undefined && endDate === undefined);
  const requestId = query.get('requestId');
  if (requestId !== undefined && !/^\d{1,12}$/.test(requestId)) throw new HttpError(400, 'requestId must be numeric');
  const setId = query.get('setId')?.toUpperCase();
  const environment = query.get('environment')?.toUpperCase();
  const status = query.get('status')?.toLowerCase();
  const today = formatDate(now);
  const rows = [...estate.deployments.values()]
    .filter((d) => {
      const day = formatDate(d.createdAt);
      return (
        (!requestId || d.requestId === Number(requestId)) &&
        (!setId || d.setId === setId) &&
        (!environment || d.environment === environment) &&
        (!status || d.status.toLowerCase() === status) &&
        (!todaysDate || day === today) &&
        (!priorWeek || d.createdAt >= now - 7 * DAY_MS) &&
        (!startDate || day >= startDate) &&
        (!endDate || day <= endDate)
      );
    })
    .sort((a, b) => b.requestId - a.requestId)
    .slice(0, MAX_ROWS);
  return ok({ deployments: rows.map((d) => deploymentView(d, estate, ctx.ispwUrl)) });
}

function cancelDeployment(ctx: RouteContext) {
  const raw = ctx.params.requestId ?? '';
  const deployment = /^\d{1,12}$/.test(raw) ? ctx.estate.deployments.get(Number(raw)) : undefined;
  if (!deployment) throw new HttpError(404, `Deployment request ${raw.slice(0, 64)} not found`);
  if (!CANCELLABLE.has(deployment.status)) {
    throw new HttpError(409, `Cannot cancel deployment request ${raw}: it is ${deployment.status}`);
  }
  deployment.status = 'Terminated';
  deployment.progressing = false;
  deployment.since = ctx.estate.now();
  return posted(ctx, {
    requestId: deployment.requestId,
    message: `Deployment request ${deployment.requestId} cancelled`,
    url: `${ctx.ispwUrl}/deployments/${deployment.requestId}`,
  });
}
