// Search endpoints (docs/ces-api.md §2.5): `containers/list` (assignments A, releases R, sets S; trailing
// `*` wildcards; closed containers only with includeClosedContainers=true) and the `worklist`.
import { formatDate } from '../clock.js';
import { HttpError } from '../http.js';
import { wildcardMatch } from '../lifecycle.js';
import type { Router, RouteContext } from '../router.js';
import type { ContainerRow } from '../views.js';
import { assignmentRow, isClosedSet, releaseRow, setRow, workListItemView } from '../views.js';
import { ok } from './common.js';

const CONTAINER_FILTERS = [
  'containerId',
  'application',
  'subAppl',
  'owner',
  'description',
  'refNumber',
  'releaseId',
  'stream',
  'path',
  'tag',
  'userId',
] as const;

export function listRoutes(router: Router): void {
  router.get('/containers/list', containerList);
  router.get('/worklist', workList);
}

function containerList(ctx: RouteContext) {
  const { query, estate } = ctx;
  const includeClosed = query.flag('includeClosedContainers', false);
  const type = query.get('containerType')?.toUpperCase();
  if (type && !['A', 'R', 'S'].includes(type)) throw new HttpError(400, 'containerType must be A, R or S');
  const rows: ContainerRow[] = [];
  if (!type || type === 'A') {
    for (const a of estate.assignments.values()) if (includeClosed || a.status === 'Open') rows.push(assignmentRow(a));
  }
  if (!type || type === 'R') {
    for (const r of estate.releases.values()) if (includeClosed || r.status === 'Open') rows.push(releaseRow(r, estate));
  }
  if (!type || type === 'S') {
    for (const s of estate.sets.values()) if (includeClosed || !isClosedSet(s)) rows.push(setRow(s));
  }
  const filters = CONTAINER_FILTERS.flatMap((name) => {
    const value = query.get(name);
    return value === undefined ? [] : [[name, value] as const];
  });
  const containers = rows.filter((row) => filters.every(([name, value]) => wildcardMatch(value, (row[name] ?? '').trim())));
  return ok({ containers });
}

function workList(ctx: RouteContext) {
  const { query, estate } = ctx;
  const inProgress = query.flag('inProgress', true);
  const production = query.flag('production', false);
  const historical = query.flag('historical', false);
  const startDate = dateParam(ctx, 'startDate');
  const endDate = dateParam(ctx, 'endDate');
  const text = (name: string) => query.get(name);
  const filters: [string | undefined, (t: ReturnType<typeof workListItemView>) => unknown][] = [
    [text('type'), (i) => i.type],
    [text('name'), (i) => i.name],
    [text('level'), (i) => i.level],
    [text('environment'), (i) => i.environment],
    [text('application'), (i) => i.application],
    [text('subAppl'), (i) => i.subAppl],
    [text('stream'), (i) => i.stream],
    [text('owner'), (i) => i.owner],
    [text('lastUpdatedBy'), (i) => i.user],
    [text('releaseId'), (i) => i.releaseId],
    [text('refNumber'), (i) => i.refNumber],
    [text('operation'), (i) => i.operation],
  ];
  const items = [];
  for (const task of estate.tasks.values()) {
    const open = estate.assignments.get(task.container)?.status === 'Open';
    const inProduction = estate.level(task.level)?.next === undefined;
    const wanted = open ? (inProduction ? production : inProgress) : historical;
    if (!wanted) continue;
    const day = formatDate(task.dateTime);
    if ((startDate && day < startDate) || (endDate && day > endDate)) continue;
    const item = workListItemView(task, estate);
    if (filters.every(([value, field]) => value === undefined || wildcardMatch(value, String(field(item)).trim()))) {
      items.push(item);
    }
  }
  return ok({ workListItems: items });
}

export function dateParam(ctx: RouteContext, name: string): string | undefined {
  const value = ctx.query.get(name);
  if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new HttpError(400, `Query parameter '${name}' must be a date yyyy-mm-dd`);
  }
  return value;
}
