// ispw_list_tasks: the tasks of an assignment, release or set (docs/ces-api.md §2.1–2.3 task lists).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { containerTypeParam, levelParam } from '../../mcp/kit/params.js';
import { cap, clean, limitParam, listOutput, taskRow, toTaskRow } from '../shared/fields.js';
import { containerIdParam } from '../shared/lifecycle.js';
import { countLine, joinLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

export const listTasks = defineTool({
  name: 'ispw_list_tasks',
  toolset: 'tasks',
  kind: 'read',
  title: 'List tasks',
  description: 'List the tasks (modules) of an assignment, release or set, optionally only those at one level.',
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' }, shows: 'the tasks of an assignment at one level' },
      { args: { container_type: 'release', container_id: 'REL2026Q4' }, shows: 'the tasks of a release' },
      { args: { container_type: 'set', container_id: 'S000238581' }, shows: 'the tasks of a set' },
    ],
    fails: [{ args: { container_type: 'assignment', container_id: 'NOPE0001' }, because: 'no such assignment (CES 404)' }],
  },
  input: z.object({
    container_type: containerTypeParam,
    container_id: containerIdParam,
    level: levelParam.optional(),
    limit: limitParam,
  }),
  output: z.object(listOutput(taskRow)),
  async run({ container_type, container_id, level, limit }, ctx) {
    // Sets have no level filter on their task list (docs/ces-api.md §2.3 GetSetTaskList).
    const reply =
      container_type === 'assignment'
        ? await ctx.ces.call(ops.listAssignmentTasks, { path: { assignmentId: container_id }, query: { level } })
        : container_type === 'release'
          ? await ctx.ces.call(ops.listReleaseTasks, { path: { releaseId: container_id }, query: { level } })
          : await ctx.ces.call(ops.listSetTasks, { path: { setId: container_id } });
    let tasks = reply.tasks.map(toTaskRow);
    if (container_type === 'set' && level) tasks = tasks.filter((t) => t.level === level);
    const capped = cap(tasks, limit);
    const message = clean(reply.message);
    return {
      text: joinLines(
        `Tasks of ${container_type} ${container_id}${level ? ` at ${level}` : ''}: ${countLine('task', capped.items.length, capped.count, capped.truncated)}`,
        table(capped.items, ['taskId', 'moduleName', 'moduleType', 'level', 'status', 'operation', 'container']),
        message && capped.count === 0 && `CES said: ${message}`,
      ),
      structured: dropUndefined({ ...capped, message }),
    };
  },
});
