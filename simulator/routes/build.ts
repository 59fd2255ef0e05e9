// Task-level build and generate-with-parameters (docs/ces-api.md §2.4): `POST /build` (repeated
// `taskId`, or application + level + mname + mtype), `POST /build-await` (taskId, or
// assignmentId + level), and `GET|POST /tasks/{taskId}/generateWithParms`.
import type { Task } from '../estate.js';
import { HttpError } from '../http.js';
import type { Reply } from '../http.js';
import { createSet, filterTasks, knownLevel, setOpReply } from '../lifecycle.js';
import type { Router, RouteContext } from '../router.js';
import { awaitReply } from '../set-await.js';
import { parseSetOptions, requiredField, textField } from '../set-options.js';
import { idParam, ok, posted } from './common.js';
import { buildReply, impactedTasks } from './lifecycle.js';

const NO_IMPACTS = 'Impacted tasks not found. No impacts have been detected by build processing.';

export function buildRoutes(router: Router): void {
  router.post('/build', build);
  router.post('/build-await', buildAwait);
  router.get('/tasks/:taskId/generateWithParms', generateParmsForm);
  router.post('/tasks/:taskId/generateWithParms', generateWithParms);
}

function tasksById(ctx: RouteContext, ids: string[]): Task[] {
  return ids.map((id) => {
    const task = ctx.estate.tasks.get(id.toUpperCase());
    if (!task) throw new HttpError(404, `Task ${id} not found`);
    return task;
  });
}

/** The tasks a build applies to plus the programs their copybooks impact. */
function buildSelection(ctx: RouteContext, selected: Task[]): Task[] {
  const first = selected[0];
  if (!first) return [];
  const sameContainer = ctx.estate.tasksOfAssignment(first.container).filter((t) => t.level === first.level);
  return impactedTasks(selected, sameContainer);
}

function build(ctx: RouteContext): Reply {
  const { query, estate } = ctx;
  const ids = query.all('taskId');
  let selected: Task[];
  if (ids.length > 0) {
    selected = tasksById(ctx, ids); // §2.4: with taskId the other parameters are ignored
  } else {
    const application = query.required('application').toUpperCase();
    const level = knownLevel(estate, query.required('level'));
    const mname = query.required('mname');
    const mtype = query.required('mtype');
    const assignmentId = query.get('assignmentId')?.toUpperCase();
    const subAppl = query.get('subAppl')?.toUpperCase();
    selected = filterTasks([...estate.tasks.values()], { level, mname, mtype }).filter(
      (t) => t.application === application && (!assignmentId || t.container === assignmentId) && (!subAppl || t.subAppl === subAppl),
    );
    if (selected.length === 0) throw new HttpError(404, `No task ${mname} (${mtype}) of ${application} at level ${level}`);
  }
  const tasks = buildSelection(ctx, selected);
  const first = tasks[0]!;
  const assignmentId = query.get('assignmentId')?.toUpperCase() ?? first.container;
  return posted(ctx, buildReply(ctx, { type: 'A', id: first.container }, assignmentId, first.level, tasks, parseSetOptions(ctx.body)));
}

async function buildAwait(ctx: RouteContext): Promise<Reply> {
  const { query, estate } = ctx;
  const assignmentId = query.get('assignmentId')?.toUpperCase();
  let selected: Task[];
  if (assignmentId) {
    // §2.4: the assignment wins when both forms are given.
    const assignment = estate.assignments.get(assignmentId);
    if (!assignment) throw new HttpError(404, `Assignment ${assignmentId} not found`);
    const level = knownLevel(estate, query.required('level'));
    selected = estate.tasksOfAssignment(assignmentId).filter((t) => t.level === level);
  } else {
    const ids = query.all('taskId');
    if (ids.length === 0) throw new HttpError(400, "Missing required query parameter 'taskId' (or 'assignmentId' and 'level')");
    selected = tasksById(ctx, ids);
  }
  const tasks = buildSelection(ctx, selected);
  const first = tasks[0];
  if (!first) return posted(ctx, { message: NO_IMPACTS, assignmentId });
  const options = parseSetOptions(ctx.body);
  const set = createSet(estate, {
    kind: 'build',
    containerType: 'A',
    containerId: first.container,
    level: first.level,
    tasks,
    options,
    description: `Build ${first.container} ${first.level}`,
  });
  const reply = await awaitReply(ctx, set, 'Build');
  return posted(ctx, { ...reply, assignmentId: first.container });
}

/** The task and its container from `containerId`/`containerType` (query on GET, body on POST). */
function taskInContainer(ctx: RouteContext, containerId: string, containerType: string): Task {
  const taskId = idParam(ctx, 'taskId');
  const task = ctx.estate.tasks.get(taskId);
  if (!task) throw new HttpError(404, `Task ${taskId} not found`);
  const type = containerType.toUpperCase();
  if (type !== 'A' && type !== 'R') throw new HttpError(400, 'containerType must be A or R');
  const inContainer = type === 'A' ? task.container === containerId.toUpperCase() : task.release === containerId.toUpperCase();
  if (!inContainer) throw new HttpError(404, `Task ${taskId} not found in ${containerId}`);
  return task;
}

/** Generate parameters of a task (errata E6): category COMPILE and LINK, current values per task. */
const DEFAULT_PARMS: Record<string, string> = { 'COMPILE.COMPOPTS': 'LIB', 'COMPILE.DB2': 'N', 'LINK.LINKOPTS': 'RENT' };
const PARM_LABELS: Record<string, string> = { 'COMPILE.COMPOPTS': 'Compile options', 'COMPILE.DB2': 'DB2 precompile', 'LINK.LINKOPTS': 'Link options' };
const parmsOf = (task: Task): Record<string, string> => (task.genParms ??= { ...DEFAULT_PARMS });

/**
 * The form as CES sends it (docs/ces-api.md §3.10, errata E6): each field's `target` is CATEGORY.NAME
 * and its `value` a `{CATEGORY.NAME}` reference; the current values are in `datagroupInfo`, one entry
 * per category, a single `{field:…,defaultVal:…}` string or an array of them. A reserved set id comes
 * back in quotes, as CES has been seen to send it.
 */
function generateParmsForm(ctx: RouteContext): Reply {
  const task = taskInContainer(ctx, ctx.query.required('containerId'), ctx.query.required('containerType'));
  const setId = ctx.estate.newSetId();
  ctx.estate.reservedSetIds.add(setId);
  const parms = parmsOf(task);
  const fields = Object.keys(parms).map((target) => {
    const type = target.endsWith('DB2') ? 'checkbox' : 'text';
    return `<field id="${target.split('.')[1]}" label="${PARM_LABELS[target] ?? target}" type="${type}" target="${target}" value="{${target}}"/>`;
  });
  const byCategory = new Map<string, string[]>();
  for (const [target, value] of Object.entries(parms)) {
    const [category, name] = target.split('.') as [string, string];
    byCategory.set(category, [...(byCategory.get(category) ?? []), `{field:${name},defaultVal:${value}}`]);
  }
  return ok({
    setId: `"${setId}"`,
    xml: `<Dialog><area id="genparms" label="Generate parameters">${fields.join('')}</area></Dialog>`,
    message: ' ',
    datagroupInfo: { entry: [...byCategory].map(([key, values]) => ({ key, value: values.length === 1 ? values[0] : values })) },
  });
}

function generateWithParms(ctx: RouteContext): Reply {
  const { body, estate } = ctx;
  const task = taskInContainer(ctx, requiredField(body, 'containerId'), requiredField(body, 'containerType'));
  const reserved = textField(body, 'setId')?.toUpperCase();
  if (reserved?.includes('"')) throw new HttpError(400, `setId ${reserved} is not a set id (strip the quotes)`);
  const details = body.updateDetails;
  if (details !== undefined && (!Array.isArray(details) || details.some((d) => !isParm(d)))) {
    throw new HttpError(400, 'updateDetails must be an array of {category, name, value} strings');
  }
  const parms = parmsOf(task);
  for (const d of (details ?? []) as { category: string; name: string; value: string }[]) {
    const target = `${d.category}.${d.name}`.toUpperCase();
    if (!(target in parms)) throw new HttpError(400, `Unknown generate parameter ${target}`);
    parms[target] = d.value;
  }
  const set = createSet(estate, {
    kind: 'generateWithParms',
    containerType: 'A',
    containerId: task.container,
    level: task.level,
    tasks: [task],
    options: parseSetOptions(body),
    description: `Generate with parameters ${task.moduleName} ${task.level}`,
    setId: reserved && estate.reservedSetIds.has(reserved) ? reserved : undefined,
  });
  return posted(ctx, setOpReply(ctx, set, 'Generate request submitted'));
}

function isParm(value: unknown): boolean {
  const p = value as Record<string, unknown> | null;
  return !!p && typeof p === 'object' && typeof p.category === 'string' && typeof p.name === 'string' && typeof p.value === 'string';
}
