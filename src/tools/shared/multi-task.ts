// Result of the operations that act on several tasks at once and report per-task failures
// (transfer, remove from release; docs/ces-api.md §3.10 MultiTask).
import { z } from 'zod';

import type { MultiTask } from '../../ces/dto/index.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import { levelParam, moduleNameParam, moduleTypeParam, taskIdsParam } from '../../mcp/kit/params.js';
import { clean, pickText } from './fields.js';
import { table } from './render.js';

/** Which tasks a multi-task operation acts on: by level, by task id or by module. */
export const taskSelectionInput = {
  level: levelParam.optional(),
  task_ids: taskIdsParam.optional(),
  module_name: moduleNameParam.optional(),
  module_type: moduleTypeParam.optional(),
};

type TaskSelection = { level?: string; task_ids?: string[]; module_name?: string; module_type?: string };

/** The selection as CES takes it: all in the query string, task ids as repeated `taskId`. */
export const selectionQuery = (selection: TaskSelection) => ({
  level: selection.level,
  mname: selection.module_name,
  mtype: selection.module_type,
  taskId: selection.task_ids,
});

export const multiTaskOutput = {
  message: z.string().optional(),
  failedTasks: z.array(
    z.object({
      taskId: z.string().optional(),
      moduleName: z.string().optional(),
      moduleType: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
};

export function fromMultiTask(reply: MultiTask) {
  const failedTasks = reply.failedTasks.map((f) => {
    const t = pickText(f, ['taskId', 'mname', 'mtype', 'errorMessage']);
    return Object.fromEntries(
      Object.entries({ taskId: t.taskId, moduleName: t.mname, moduleType: t.mtype, error: t.errorMessage }).filter(([, v]) => v !== undefined),
    );
  });
  const message = clean(reply.message);
  return { structured: message ? { message, failedTasks } : { failedTasks }, failedTasks, message };
}

export function renderMultiTask(label: string, result: ReturnType<typeof fromMultiTask>): string {
  const lines = [`${label}.${result.message ? ` CES said: ${result.message}` : ''}`];
  if (result.failedTasks.length) {
    lines.push(`${result.failedTasks.length} task(s) failed:`, table(result.failedTasks, ['taskId', 'moduleName', 'moduleType', 'error']));
  }
  return lines.join('\n');
}

/** Acting on every task of a container by accident is refused: one selector must be given. */
export function requireSelection(selection: TaskSelection) {
  if (!selection.level && !selection.task_ids?.length && !selection.module_name && !selection.module_type) {
    throw new ToolInputError('Select the tasks: give level, task_ids or module_name/module_type.');
  }
}
