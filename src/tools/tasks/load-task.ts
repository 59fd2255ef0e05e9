// ispw_load_task: create a task in an assignment for a module that is not under Code Pipeline
// control yet (docs/ces-api.md §2.1 TaskLoad). Kind write: it adds a task and changes no code.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam, levelParam, moduleNameParam, moduleTypeParam, nameParam, userIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { dropUndefined } from '../shared/set-op.js';

export const loadTask = defineTool({
  name: 'ispw_load_task',
  toolset: 'tasks',
  kind: 'write',
  title: 'Load task',
  description: 'Load a module that Code Pipeline does not manage yet into an assignment as a new task.',
  access: {
    scope: 'ispw:write',
    operation: 'load_task',
    ticket: false,
    subject: (a) => ({
      container: { type: 'assignment', id: a.assignment_id },
      level: a.level,
      stream: a.stream,
      application: a.application,
      tasks: { moduleName: a.module_name, moduleType: a.module_type },
    }),
  },
  examples: {
    succeeds: [
      {
        args: { assignment_id: 'PLAY000313', module_name: 'TNEW01', module_type: 'COB', stream: 'PLAY', application: 'PLAY', level: 'DEV1', user_id: 'USER01' },
        shows: 'a new module loaded as a task',
      },
    ],
    fails: [
      {
        args: {
          assignment_id: 'PLAY000313',
          module_name: 'TNEW01',
          module_type: 'COB',
          stream: 'PLAY',
          application: 'PLAY',
          level: 'NOLEVEL',
          user_id: 'USER01',
        },
        because: 'the level is not in the lifecycle (CES 400)',
      },
    ],
  },
  input: z.object({
    assignment_id: assignmentIdParam,
    module_name: moduleNameParam,
    module_type: moduleTypeParam,
    stream: nameParam('stream'),
    application: nameParam('application'),
    sub_appl: nameParam('sub_appl').optional(),
    level: levelParam.describe('level the task is loaded at'),
    starting_level: levelParam.optional().describe('life-cycle starting level (default: level)'),
    user_id: userIdParam.describe('task owner user id'),
  }),
  output: z.object({ assignmentId: z.string(), taskId: z.string().optional(), message: z.string().optional() }),
  async run(a, ctx) {
    const reply = await ctx.ces.call(ops.loadTask, {
      path: { assignmentId: a.assignment_id },
      body: {
        stream: a.stream,
        application: a.application,
        subAppl: a.sub_appl,
        moduleName: a.module_name,
        moduleType: a.module_type,
        currentLevel: a.level,
        startingLevel: a.starting_level ?? a.level,
        userId: a.user_id,
        runtimeConfiguration: ctx.ces.runtimeConfig,
      },
    });
    const structured = dropUndefined({ assignmentId: a.assignment_id, taskId: clean(reply.taskId), message: clean(reply.message) });
    return {
      text: `Loaded ${a.module_name} (${a.module_type}) into ${a.assignment_id} at ${a.level}${structured.taskId ? ` as task ${structured.taskId}` : ''}.${structured.message ? ` CES said: ${structured.message}` : ''}`,
      structured,
    };
  },
});
