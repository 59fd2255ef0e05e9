// ispw_transfer_tasks: move tasks from an assignment to another assignment or a release
// (docs/ces-api.md §2.1 TransferTask). Kind write: tasks can be transferred back; no code changes.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam, CONTAINER_TYPE_CODE } from '../../mcp/kit/params.js';
import { containerIdParam } from '../shared/lifecycle.js';
import { fromMultiTask, multiTaskOutput, renderMultiTask, requireSelection, selectionQuery, taskSelectionInput } from '../shared/multi-task.js';

export const transferTasks = defineTool({
  name: 'ispw_transfer_tasks',
  toolset: 'tasks',
  kind: 'write',
  title: 'Transfer tasks',
  description: 'Move selected tasks of an assignment into another assignment or into a release.',
  access: {
    scope: 'ispw:write',
    operation: 'transfer_tasks',
    ticket: false,
    subject: (a) => ({
      container: { type: 'assignment', id: a.assignment_id },
      level: a.level,
      tasks: { ids: a.task_ids, moduleName: a.module_name, moduleType: a.module_type },
    }),
  },
  examples: {
    succeeds: [
      {
        args: { assignment_id: 'PLAY000314', target_type: 'assignment', target_id: 'PLAY000313', task_ids: ['7E3A5D04D7E2'] },
        shows: 'a task moved to another assignment',
      },
    ],
    fails: [
      {
        args: { assignment_id: 'PLAY000314', target_type: 'release', target_id: 'REL2026Q4' },
        because: 'no tasks selected: give level, task_ids or module_name/module_type',
      },
    ],
  },
  input: z.object({
    assignment_id: assignmentIdParam.describe('source assignment'),
    target_type: z.enum(['assignment', 'release']),
    target_id: containerIdParam.describe('target assignment or release id'),
    ...taskSelectionInput,
  }),
  output: z.object(multiTaskOutput),
  async run(a, ctx) {
    requireSelection(a);
    const reply = await ctx.ces.call(ops.transferTasks, {
      path: { assignmentId: a.assignment_id },
      query: selectionQuery(a),
      body: {
        containerId: a.target_id,
        containerType: CONTAINER_TYPE_CODE[a.target_type],
        runtimeConfiguration: ctx.ces.runtimeConfig,
      },
    });
    const r = fromMultiTask(reply);
    return { text: renderMultiTask(`Transfer from ${a.assignment_id} to ${a.target_type} ${a.target_id}`, r), structured: r.structured };
  },
});
