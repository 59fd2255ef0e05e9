// ispw_load_task: create a task in an assignment for a module that is not under Code Pipeline
// control yet (docs/ces-api.md §2.1 TaskLoad). Kind write: it adds a task and changes no code.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam, guardedName, levelParam, moduleNameParam, moduleTypeParam, nameParam, releaseIdParam, userIdParam } from '../../mcp/kit/params.js';
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
    level: levelParam,
    starting_level: levelParam.optional().describe('default: level'),
    user_id: userIdParam,
    // The TaskInfo fields BMC's clients set when loading (docs/ces-api.md errata E8).
    task_flags: z
      .array(z.enum(['program', 'sql', 'ims', 'cics']))
      .max(4)
      .optional(),
    release_id: releaseIdParam.optional(),
    generate_sequence: guardedName(z.string().regex(/^[A-Za-z0-9]{1,8}$/)).optional(),
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
        // Jenkins and Azure name the assignment in the body too; no BMC client sends a runtime configuration here.
        assignmentId: a.assignment_id,
        release: a.release_id,
        generateSequence: a.generate_sequence,
        ...Object.fromEntries((a.task_flags ?? []).map((flag) => [flag, true])),
      },
    });
    const structured = dropUndefined({ assignmentId: a.assignment_id, taskId: clean(reply.taskId), message: clean(reply.message) });
    return {
      text: `Loaded ${a.module_name} (${a.module_type}) into ${a.assignment_id} at ${a.level}${structured.taskId ? ` as task ${structured.taskId}` : ''}.${structured.message ? ` CES said: ${structured.message}` : ''}`,
      structured,
    };
  },
});
