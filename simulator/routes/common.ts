// Helpers shared by the route files: container/set/task lookups that answer 404 `{message}`
// (docs/ces-api.md §5) and the success reply builders (POST status 200, or 201 when configured).
import type { Assignment, CesSet, Release, Task } from '../estate.js';
import { HttpError } from '../http.js';
import type { Reply } from '../http.js';
import type { RouteContext } from '../router.js';

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** Success of a POST: 200 by default (BMC clients accept any 2xx, §5). */
export function posted(ctx: RouteContext, body: unknown): Reply {
  return { status: ctx.postStatus, body };
}

/** Ids are case-insensitive on the mainframe side; the estate stores them upper-case. */
export function idParam(ctx: RouteContext, name: string): string {
  const value = ctx.params[name] ?? '';
  if (value.length > 64) throw new HttpError(404, `${name} '${value.slice(0, 64)}…' not found`);
  return value.toUpperCase();
}

export function findAssignment(ctx: RouteContext): Assignment {
  const id = idParam(ctx, 'assignmentId');
  const assignment = ctx.estate.assignments.get(id);
  if (!assignment) throw new HttpError(404, `Assignment ${id} not found`);
  return assignment;
}

export function findRelease(ctx: RouteContext): Release {
  const id = idParam(ctx, 'releaseId');
  const release = ctx.estate.releases.get(id);
  if (!release) throw new HttpError(404, `Release ${id} not found`);
  return release;
}

export function findSet(ctx: RouteContext): CesSet {
  const id = idParam(ctx, 'setId');
  const set = ctx.estate.sets.get(id);
  if (!set) throw new HttpError(404, `Set ${id} not found`);
  return set;
}

/** A task that must belong to the given container (404 otherwise). */
export function findTaskIn(ctx: RouteContext, tasks: Task[], containerId: string): Task {
  const id = idParam(ctx, 'taskId');
  const task = tasks.find((t) => t.taskId === id);
  if (!task) throw new HttpError(404, `Task ${id} not found in ${containerId}`);
  return task;
}

/** Work on a closed or cancelled container is refused with 409 (another state is needed). */
export function requireOpen(container: { status: string }, noun: string, id: string): void {
  if (container.status !== 'Open') throw new HttpError(409, `${noun} ${id} is ${container.status.toLowerCase()}`);
}

/** The `url` of a container resource in replies. */
export function containerUrl(ctx: RouteContext, type: 'A' | 'R', id: string): string {
  return `${ctx.ispwUrl}/${type === 'A' ? 'assignments' : 'releases'}/${id}`;
}
