// ispw_generate: compile the tasks of an assignment or release at a level (docs/ces-api.md §2.1, §2.2).
// Kind write: generating rebuilds load modules at the tasks' own level and can be repeated.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { failedTasksOutput, pickSetOptions } from '../shared/fields.js';
import { awaitOutput, awaitParam, lifecycleInput, lifecycleOutput, lifecycleSubject, runLifecycle } from '../shared/lifecycle.js';

export const generate = defineTool({
  name: 'ispw_generate',
  toolset: 'tasks',
  kind: 'write',
  title: 'Generate',
  description: 'Generate (compile) the tasks of an assignment or release at a level, or chosen assignment tasks.',
  access: {
    scope: 'ispw:write',
    operation: 'generate',
    ticket: true,
    subject: lifecycleSubject(),
  },
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' }, shows: 'every task of an assignment at a level' },
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', task_ids: ['7E3A5D04D0C2'] }, shows: 'chosen tasks by id' },
      {
        args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', task_ids: ['7E3A5D04D0C2'], await_in_ces: true },
        shows: 'CES waits and counts the results',
      },
      { args: { container_type: 'release', container_id: 'REL2026Q4', level: 'DEV1', module_type: 'COB' }, shows: 'the COBOL tasks of a release at a level' },
    ],
    fails: [
      {
        args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', task_ids: ['7E3A5D04D0C2'], module_name: 'TPROG01' },
        because: 'task_ids and module_name select twice',
      },
      { args: { container_type: 'set', container_id: 'S000238580', level: 'DEV1' }, because: 'CES cannot generate a set' },
    ],
  },
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type', 'auto_deploy'),
    await_in_ces: awaitParam,
  }),
  output: z.object({ ...lifecycleOutput, ...failedTasksOutput, ...awaitOutput }),
  run: (input, ctx) => runLifecycle('generate', input, ctx),
});
