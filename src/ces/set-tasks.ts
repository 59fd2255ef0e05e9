// A set and its tasks, as both ispw_get_set and the confirmation preview need them. CES includes a
// set's tasks in GetSetInfo only when a level is passed (docs/ces-api.md §2.3), so the level is passed
// when known and, when the reply lists no tasks, they are read with GetSetTaskList.
import type { CesCaller } from './api.js';
import type { SetInfo, TaskInfo } from './dto/index.js';
import { ops } from './operations.js';

export interface SetWithTasks {
  set: SetInfo;
  tasks: readonly TaskInfo[];
}

/** `signal` is for callers that hold a plain CesTarget; a tool's `ctx.ces` carries the call's own. */
export async function readSetWithTasks(ces: CesCaller, setId: string, level: string | undefined, signal?: AbortSignal): Promise<SetWithTasks> {
  const set = await ces.call(ops.getSet, { path: { setId }, query: { level } }, { signal });
  if (set.tasks.length > 0) return { set, tasks: set.tasks };
  const { tasks } = await ces.call(ops.listSetTasks, { path: { setId } }, { signal });
  return { set, tasks };
}
