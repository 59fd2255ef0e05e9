// ispw_add_task: add an existing Code Pipeline module to an assignment, optionally checking it out
// (docs/ces-api.md §2.1 AddTask, singular `task/add`). Kind write: a checkout copies, it overwrites nothing.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam, levelParam, moduleNameParam, moduleTypeParam, nameParam, releaseIdParam, userIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { dropUndefined } from '../shared/set-op.js';

export const addTask = defineTool({
  name: 'ispw_add_task',
  toolset: 'tasks',
  kind: 'write',
  title: 'Add task',
  description: 'Add an existing module to an assignment as a task, optionally checking it out from a level.',
  access: {
    scope: 'ispw:write',
    operation: 'add_task',
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
        args: {
          assignment_id: 'PLAY000314',
          module_name: 'TPROG10',
          module_type: 'COB',
          stream: 'PLAY',
          application: 'PLAY',
          level: 'DEV2',
          checkout_from_level: 'QA',
          checkout: true,
          owner: 'USER02',
          release_id: 'REL2026Q4',
        },
        shows: 'a module checked out from QA into an assignment',
      },
    ],
    fails: [
      {
        args: {
          assignment_id: 'PLAY999999',
          module_name: 'TPROG10',
          module_type: 'COB',
          stream: 'PLAY',
          application: 'PLAY',
          level: 'DEV2',
          checkout_from_level: 'QA',
          owner: 'USER02',
          release_id: 'REL2026Q4',
        },
        because: 'no such assignment (CES 404)',
      },
    ],
  },
  input: z.object({
    assignment_id: assignmentIdParam,
    module_name: moduleNameParam,
    module_type: moduleTypeParam,
    stream: nameParam('stream'),
    application: nameParam('application'),
    level: levelParam.describe('target level of the task'),
    checkout_from_level: levelParam.describe('level the module is taken from'),
    checkout: z.boolean().optional().describe('check the module out (default: add only)'),
    // Required in Jenkins' help (docs/ces-api.md errata E8).
    owner: userIdParam,
    release_id: releaseIdParam,
    sub_appl: nameParam('sub_appl').optional(),
    action: nameParam('action').optional(),
  }),
  output: z.object({ setId: z.string().optional(), taskName: z.string().optional(), message: z.string().optional() }),
  async run(a, ctx) {
    const reply = await ctx.ces.call(ops.addTask, {
      path: { assignmentId: a.assignment_id },
      query: { checkout: a.checkout === undefined ? undefined : String(a.checkout) },
      body: {
        taskName: a.module_name,
        type: a.module_type,
        stream: a.stream,
        application: a.application,
        path: a.level,
        checkoutFromLevel: a.checkout_from_level,
        owner: a.owner,
        releaseId: a.release_id,
        subAppl: a.sub_appl,
        action: a.action,
        runtimeConfiguration: ctx.ces.runtimeConfig,
      },
    });
    const structured = dropUndefined({ setId: clean(reply.setId), taskName: clean(reply.taskName), message: clean(reply.message) });
    return {
      text: `Added ${a.module_name} (${a.module_type}) to ${a.assignment_id}${structured.setId ? ` in set ${structured.setId}` : ''}.${structured.message ? ` CES said: ${structured.message}` : ''}`,
      structured,
    };
  },
});
