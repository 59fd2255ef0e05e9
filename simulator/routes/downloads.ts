// Source download (docs/ces-api.md §2.6): `POST /downloads/{containerType}/{containerId}` (Assignment,
// Release or Set, any case) and `POST /downloads/repository/{stream}/{application}[/{subAppl}]/{level}`
// answer with a zip of the members (`{application}/MF_Source/{NAME}.{ext}`) and a
// Content-Disposition file name. Filters come from the body: `level` and `componentType`
// (container), `componentTypes` (repository, comma-separated). Nothing matching: 200 `{message}`.
import { zipSync } from 'fflate';

import type { Task } from '../estate.js';
import { HttpError } from '../http.js';
import type { Reply } from '../http.js';
import { knownLevel } from '../lifecycle.js';
import type { Router, RouteContext } from '../router.js';
import { textField } from '../set-options.js';
import { EXTENSION, sourceText } from '../source.js';
import { findSet, idParam } from './common.js';

interface Member {
  application: string;
  name: string;
  type: string;
  bytes: Uint8Array;
}

export function downloadRoutes(router: Router): void {
  router.post('/downloads/repository/:stream/:application/:level', (ctx) => repository(ctx));
  router.post('/downloads/repository/:stream/:application/:subAppl/:level', (ctx) => repository(ctx));
  router.post('/downloads/:containerType/:containerId', container);
}

const encoder = new TextEncoder();
const ofTask = (task: Task): Member => ({
  application: task.application,
  name: task.moduleName,
  type: task.moduleType,
  bytes: encoder.encode(sourceText(task.moduleName, task.moduleType, task.version)),
});

function container(ctx: RouteContext): Reply {
  const type = (ctx.params.containerType ?? '').toLowerCase();
  const id = idParam(ctx, 'containerId');
  let tasks: Task[];
  if (type === 'assignment' || type === 'release') {
    const code = type === 'assignment' ? 'A' : 'R';
    if (!(code === 'A' ? ctx.estate.assignments : ctx.estate.releases).has(id))
      throw new HttpError(404, `${type === 'assignment' ? 'Assignment' : 'Release'} ${id} not found`);
    tasks = ctx.estate.tasksOf(code, id);
  } else if (type === 'set') {
    ctx.params.setId = id;
    tasks = findSet(ctx).taskIds.flatMap((taskId) => ctx.estate.tasks.get(taskId) ?? []);
  } else {
    throw new HttpError(404, `Unknown container type '${ctx.params.containerType}'; use Assignment, Release or Set`);
  }
  const level = textField(ctx.body, 'level');
  const types = typesOf(textField(ctx.body, 'componentType'));
  if (level) knownLevel(ctx.estate, level);
  const chosen = tasks.filter((t) => (!level || t.level === level.toUpperCase()) && (!types || types.has(t.moduleType)));
  return zipReply(chosen.map(ofTask), `${id}.zip`, `No members in ${type} ${id}${level ? ` at level ${level.toUpperCase()}` : ''}`);
}

function repository(ctx: RouteContext): Reply {
  const stream = idParam(ctx, 'stream');
  const application = idParam(ctx, 'application');
  const subAppl = ctx.params.subAppl === undefined ? undefined : idParam(ctx, 'subAppl');
  const level = knownLevel(ctx.estate, ctx.params.level ?? '');
  if (!ctx.estate.applications.some((a) => a.stream === stream && a.application === application && (!subAppl || a.subAppls.includes(subAppl)))) {
    throw new HttpError(404, `Application ${stream}/${application}${subAppl ? `/${subAppl}` : ''} not found`);
  }
  const types = typesOf(textField(ctx.body, 'componentTypes'));
  const inScope = (m: { stream: string; application: string; subAppl: string; level: string; type: string }) =>
    m.stream === stream && m.application === application && (!subAppl || m.subAppl === subAppl) && m.level === level && (!types || types.has(m.type));
  // The newest version of each member at the level (a repository holds one per name and type).
  const members = new Map<string, Member>();
  for (const task of ctx.estate.tasks.values())
    if (inScope({ ...task, type: task.moduleType })) members.set(`${task.moduleName}.${task.moduleType}`, ofTask(task));
  for (const extra of ctx.estate.repositoryMembers) if (inScope(extra)) members.set(`${extra.name}.${extra.type}`, extra);
  return zipReply([...members.values()], `${application}_${level}.zip`, `No members in ${stream}/${application} at level ${level}`);
}

/** `COB, COPY` → the set of types; undefined for no filter. */
function typesOf(value: string | undefined): Set<string> | undefined {
  const types = value
    ?.split(',')
    .map((t) => t.trim().toUpperCase())
    .filter(Boolean);
  return types?.length ? new Set(types) : undefined;
}

function zipReply(members: Member[], fileName: string, empty: string): Reply {
  if (members.length === 0) return { status: 200, body: { message: empty } };
  const files = Object.fromEntries(members.map((m) => [`${m.application}/MF_Source/${m.name}.${EXTENSION[m.type] ?? m.type.toLowerCase()}`, m.bytes]));
  return {
    status: 200,
    body: zipSync(files, { level: 6 }),
    headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${fileName}"` },
  };
}
